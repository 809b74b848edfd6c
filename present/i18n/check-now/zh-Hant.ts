import type { CheckNowMessages } from "./index.js";

export const checkNowZhHant: CheckNowMessages = {
  "checkNow.button": "🔎 立即檢測",
  "checkNow.started": "正在檢測 {domain}…",
  "checkNow.result": "{domain} 在{place}，剛剛檢測：{status}",
  "checkNow.recent": "{domain} 在{place}，{seconds} 秒前檢測：{status}",
  "checkNow.mechanism": "失敗環節：{mechanism}",
  "checkNow.vantages": "來自該國 {count} 個檢測點，並與境外檢測點比對。",
  "checkNow.refusedAddress": "{domain} 指向私有或保留位址，因此不予檢測。",
  "checkNow.refusedTarget": "我只能檢測公開網站，{domain} 不是公開網站。",
  "checkNow.pending": "{domain} 正在檢測中，請 {seconds} 秒後再試。",
  "checkNow.limited": "你的即時檢測次數暫時用完了，請 {seconds} 秒後再試。",
  "checkNow.noVantage": "我在{place}沒有可用的檢測點。",
  "checkNow.unavailable": "此處無法進行即時檢測。",
  "checkNow.hint": "如需立即從我們的檢測點檢測：/check {domain} {country}",
  "checkNow.usage": "用法：/check <網域> [國家]",
};
