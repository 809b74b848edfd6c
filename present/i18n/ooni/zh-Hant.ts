import type { OoniMessages } from "./index.js";

export const ooniZhHant: OoniMessages = {
  "ooni.measurements.one": "OONI：過去 {days} 天內有 {count} 次測量，最近一次在 {lastAt}",
  "ooni.measurements.few": "OONI：過去 {days} 天內有 {count} 次測量，最近一次在 {lastAt}",
  "ooni.measurements.many": "OONI：過去 {days} 天內有 {count} 次測量，最近一次在 {lastAt}",
  "ooni.measurements.other": "OONI：過去 {days} 天內有 {count} 次測量，最近一次在 {lastAt}",
  "ooni.none": "OONI：過去 {days} 天內沒有測量。",
  "ooni.reading": "我們對最近 {analysed} 次測量的分析：{reading}",
  "ooni.unavailable": "暫時無法取得 OONI 的公開測量資料。",
};
