import { alertsZhHant } from "./alerts/zh-Hant.js";
import { checkNowZhHant } from "./check-now/zh-Hant.js";
import { consoleZhHant } from "./console/zh-Hant.js";
import { conversationZhHant } from "./conversation/zh-Hant.js";
import type { Messages } from "./en.js";
import { feedZhHant } from "./feed/zh-Hant.js";
import { methodZhHant } from "./method/zh-Hant.js";
import { ooniZhHant } from "./ooni/zh-Hant.js";
import { regionsZhHant } from "./regions/zh-Hant.js";
import { sourcesZhHant } from "./sources/zh-Hant.js";
import { chineseDates } from "./zh-Hans.js";

export const zhHant: Messages = {
  "status.accessible": "可連線",
  "status.partial": "部分遭封鎖",
  "status.blocked": "遭封鎖",
  "status.outage": "各地皆無法使用（服務中斷，並非審查）",
  "status.unknown": "未知",

  "verdict.ok": "正常",
  "verdict.blocked": "遭封鎖",
  "verdict.down": "各地皆無法使用",
  "verdict.unknown": "未知",

  "feature.text": "文字訊息",
  "feature.media": "照片、影片和語音訊息",
  "feature.calls": "通話",
  "feature.web": "網站",
  "feature.registration": "註冊",
  "feature.app": "應用程式",
  "feature.search": "搜尋",
  "feature.mail": "郵件",
  "feature.video": "影片",
  "feature.bootstrap": "連線至網路",
  "feature.bridges": "橋接",
  "feature.download": "下載",
  "feature.api": "API",
  "feature.connect": "連線",

  "e2ee.yes": "端對端加密",
  "e2ee.optional": "可選用端對端加密",
  "e2ee.no": "無端對端加密",

  "answer.title": "{service}在{place}：{status}",
  "answer.titleNoStatus": "{service}在{place}",
  "answer.since": "自{since}起",
  "answer.checked": "最後檢查：{checkedAt}",
  "answer.mechanism": "{verdict}（{mechanism}）",
  "answer.noMeasurementHistory": "暫無最新測量；最後已知狀態：自{since}起{status}（{source}）",
  "answer.noMeasurementNothing": "{service}在{place}尚無測量資料，也沒有歷史紀錄。",
  "answer.historyTitle": "歷史紀錄：",
  "answer.alternativesTitle": "替代選擇：",
  "answer.circumventionTitle": "翻牆方法：",
  "answer.lastKnown": "最後已知狀態",
  "answer.caution": "注意：{text}",
  "answer.source": "來源",
  "answer.domainUnknown": "{domain}尚未收錄於知識庫，在{place}也沒有測量資料，因此狀態未知。",
  "answer.notUnderstood": "我無法判斷你指的是哪個服務。",
  "answer.didYouMean": "你是不是指：{suggestions}？",
  "answer.tryExample": "試試這樣問：「WhatsApp在中國被封鎖了嗎？」",
  "answer.untranslated": "（英文原文）{text}",
  "related.onion": "Tor 洋蔥位址：{address}",
  "related.ownServer": "需要境外伺服器（自架或朋友提供）",
  "related.appAlone": "只需 App，無需自備伺服器",

  ...chineseDates,
  "place.regionCountry": "{country}{region}",
  "list.separator": "、",
  "list.groupSeparator": "；",
  "punct.colon": "：",
  "punct.open": "（",
  "punct.close": "）",

  "bot.welcome":
    "你好！你可以問我某個服務是否遭封鎖，例如「WhatsApp在中國被封鎖了嗎？」。我根據網路探測和審查歷史知識庫來回答；不知道的時候，我會說「未知」。",
  "bot.help":
    "用你自己的話提問就可以，例如「Telegram在伊朗被封鎖了嗎？」、「YouTube 俄羅斯」，也可以直接傳送連結。",
  ...conversationZhHant,
  ...alertsZhHant,
  ...checkNowZhHant,
  ...regionsZhHant,
  ...ooniZhHant,
  ...sourcesZhHant,
  ...consoleZhHant,
  ...feedZhHant,
  ...methodZhHant,
  "console.intro": "isblocked 主控台：請輸入問題（例如：whatsapp在中國被封鎖了嗎？），輸入 exit 離開。",
};
