import type { CheckNowMessages } from "./index.js";

export const checkNowZhHant: CheckNowMessages = {
  "checkNow.button": "🔎 立即檢查",
  "checkNow.started": "正在檢查 {domain}…",
  "checkNow.result": "{domain} 在{place}，剛剛檢查：{status}",
  "checkNow.recent": "{domain} 在{place}，{seconds} 秒前檢查：{status}",
  "checkNow.mechanism": "失敗環節：{mechanism}",
  "checkNow.vantages": "來自該國的 {count} 個探測點，並與境外探測點比對。",
  "checkNow.refusedAddress": "{domain} 指向私有或保留位址，因此不予檢查。",
  "checkNow.refusedTarget": "我只能檢查公開網站，{domain} 不是公開網站。",
  "checkNow.pending": "{domain} 正在檢查中，請 {seconds} 秒後再試。",
  "checkNow.limited": "你的即時檢查次數暫時用完了，請 {seconds} 秒後再試。",
  "checkNow.noVantage": "我在{place}沒有可用的探測點。",
  "checkNow.unavailable": "此處無法進行即時檢查。",
  "checkNow.hint": "如需立即從我們的探測點檢查：/check {domain} {country}",
  "checkNow.usage": "用法：/check <網域> [國家]",
};
