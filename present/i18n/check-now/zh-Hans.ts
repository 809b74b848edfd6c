import type { CheckNowMessages } from "./index.js";

export const checkNowZhHans: CheckNowMessages = {
  "checkNow.button": "🔎 立即检测",
  "checkNow.started": "正在检测 {domain}…",
  "checkNow.result": "{domain} 在{place}，刚刚检测：{status}",
  "checkNow.recent": "{domain} 在{place}，{seconds} 秒前检测：{status}",
  "checkNow.mechanism": "失败环节：{mechanism}",
  "checkNow.vantages": "来自该国 {count} 个检测点，并与境外检测点对比。",
  "checkNow.refusedAddress": "{domain} 指向私有或保留地址，因此不予检测。",
  "checkNow.refusedTarget": "我只能检测公开网站，{domain} 不是公开网站。",
  "checkNow.pending": "{domain} 正在检测中，请 {seconds} 秒后再试。",
  "checkNow.limited": "你的即时检测次数暂时用完了，请 {seconds} 秒后再试。",
  "checkNow.noVantage": "我在{place}没有可用的检测点。",
  "checkNow.unavailable": "此处无法进行即时检测。",
  "checkNow.hint": "如需立即从我们的检测点检测：/check {domain} {country}",
  "checkNow.usage": "用法：/check <域名> [国家]",
};
