import type { CheckNowMessages } from "./index.js";

export const checkNowZhHans: CheckNowMessages = {
  "checkNow.button": "🔎 立即检查",
  "checkNow.started": "正在检查 {domain}…",
  "checkNow.result": "{domain} 在{place}，刚刚检查：{status}",
  "checkNow.recent": "{domain} 在{place}，{seconds} 秒前检查：{status}",
  "checkNow.mechanism": "失败环节：{mechanism}",
  "checkNow.vantages": "来自该国的 {count} 个探测点，并与境外探测点对比。",
  "checkNow.refusedAddress": "{domain} 指向私有或保留地址，因此不予检查。",
  "checkNow.refusedTarget": "我只能检查公开网站，{domain} 不是公开网站。",
  "checkNow.pending": "{domain} 正在检查中，请 {seconds} 秒后再试。",
  "checkNow.limited": "你的即时检查次数暂时用完了，请 {seconds} 秒后再试。",
  "checkNow.noVantage": "我在{place}没有可用的探测点。",
  "checkNow.unavailable": "此处无法进行即时检查。",
  "checkNow.hint": "如需立即从我们的探测点检查：/check {domain} {country}",
  "checkNow.usage": "用法：/check <域名> [国家]",
};
