import { alertsZhHans } from "./alerts/zh-Hans.js";
import { checkNowZhHans } from "./check-now/zh-Hans.js";
import { consoleZhHans } from "./console/zh-Hans.js";
import { conversationZhHans } from "./conversation/zh-Hans.js";
import type { Messages } from "./en.js";
import { feedZhHans } from "./feed/zh-Hans.js";
import { methodZhHans } from "./method/zh-Hans.js";
import { ooniZhHans } from "./ooni/zh-Hans.js";
import { regionsZhHans } from "./regions/zh-Hans.js";
import { sourcesZhHans } from "./sources/zh-Hans.js";

/** Gregorian dates read the same in simplified and traditional characters. */
export const chineseDates = {
  "date.month.1": "1月",
  "date.month.2": "2月",
  "date.month.3": "3月",
  "date.month.4": "4月",
  "date.month.5": "5月",
  "date.month.6": "6月",
  "date.month.7": "7月",
  "date.month.8": "8月",
  "date.month.9": "9月",
  "date.month.10": "10月",
  "date.month.11": "11月",
  "date.month.12": "12月",
  "date.monthAlone.1": "1月",
  "date.monthAlone.2": "2月",
  "date.monthAlone.3": "3月",
  "date.monthAlone.4": "4月",
  "date.monthAlone.5": "5月",
  "date.monthAlone.6": "6月",
  "date.monthAlone.7": "7月",
  "date.monthAlone.8": "8月",
  "date.monthAlone.9": "9月",
  "date.monthAlone.10": "10月",
  "date.monthAlone.11": "11月",
  "date.monthAlone.12": "12月",
  "date.monthYear": "{year}年{monthAlone}",
  "date.dayMonthYear": "{year}年{month}{day}日",
  "date.year": "{year}年",
  "date.yearInline": "{year}年",
} satisfies Partial<Messages>;

export const zhHans: Messages = {
  "status.accessible": "可访问",
  "status.partial": "部分被封锁",
  "status.blocked": "被封锁",
  "status.outage": "各地均无法使用（服务故障，并非审查）",
  "status.unknown": "未知",

  "verdict.ok": "正常",
  "verdict.blocked": "被封锁",
  "verdict.down": "各地均无法使用",
  "verdict.unknown": "未知",

  "feature.text": "文字消息",
  "feature.media": "图片、视频和语音消息",
  "feature.calls": "通话",
  "feature.web": "网站",
  "feature.registration": "注册",
  "feature.app": "应用",
  "feature.search": "搜索",
  "feature.mail": "邮件",
  "feature.video": "视频",
  "feature.bootstrap": "连接网络",
  "feature.bridges": "网桥",
  "feature.download": "下载",
  "feature.api": "API",
  "feature.connect": "连接",

  "e2ee.yes": "端到端加密",
  "e2ee.optional": "可选端到端加密",
  "e2ee.no": "无端到端加密",

  "answer.title": "{service}在{place}：{status}",
  "answer.titleNoStatus": "{service}在{place}",
  "answer.since": "自{since}起",
  "answer.checked": "最后检查：{checkedAt}",
  "answer.mechanism": "{verdict}（{mechanism}）",
  "answer.noMeasurementHistory": "暂无最新测量；最后已知状态：自{since}起{status}（{source}）",
  "answer.noMeasurementNothing": "{service}在{place}尚无测量数据，也没有历史记录。",
  "answer.historyTitle": "历史记录：",
  "answer.alternativesTitle": "替代选择：",
  "answer.circumventionTitle": "翻墙方法：",
  "answer.lastKnown": "最后已知状态",
  "answer.caution": "注意：{text}",
  "answer.source": "来源",
  "answer.domainUnknown": "{domain}尚未收录在知识库中，在{place}也没有测量数据，因此状态未知。",
  "answer.notUnderstood": "我没能判断你指的是哪个服务。",
  "answer.didYouMean": "你是不是想问：{suggestions}？",
  "answer.tryExample": "试试这样问：“WhatsApp在中国被封锁了吗？”",
  "answer.untranslated": "（英文原文）{text}",
  "related.onion": "Tor 洋葱地址：{address}",
  "related.ownServer": "需要境外服务器（自建或朋友提供）",
  "related.appAlone": "只需应用，无需自备服务器",

  ...chineseDates,
  "place.regionCountry": "{country}{region}",
  "list.separator": "、",
  "list.groupSeparator": "；",
  "punct.colon": "：",
  "punct.open": "（",
  "punct.close": "）",

  "bot.welcome":
    "你好！你可以问我某个服务是否被封锁，例如“WhatsApp在中国被封锁了吗？”。我根据网络探测和审查历史知识库来回答；不知道的时候，我会说“未知”。",
  "bot.help":
    "用你自己的话提问即可，例如“Telegram在伊朗被封锁了吗？”、“YouTube 俄罗斯”，也可以直接发送链接。",
  ...conversationZhHans,
  ...alertsZhHans,
  ...checkNowZhHans,
  ...regionsZhHans,
  ...ooniZhHans,
  ...sourcesZhHans,
  ...consoleZhHans,
  ...feedZhHans,
  ...methodZhHans,
  "console.intro": "isblocked 控制台：请输入问题（例如：whatsapp在中国被封锁了吗？），输入 exit 退出。",
};
