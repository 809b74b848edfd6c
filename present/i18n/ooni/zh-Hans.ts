import type { OoniMessages } from "./index.js";

export const ooniZhHans: OoniMessages = {
  "ooni.measurements.one": "OONI：过去 {days} 天内有 {count} 次测量，最近一次在 {lastAt}",
  "ooni.measurements.few": "OONI：过去 {days} 天内有 {count} 次测量，最近一次在 {lastAt}",
  "ooni.measurements.many": "OONI：过去 {days} 天内有 {count} 次测量，最近一次在 {lastAt}",
  "ooni.measurements.other": "OONI：过去 {days} 天内有 {count} 次测量，最近一次在 {lastAt}",
  "ooni.none": "OONI：过去 {days} 天内没有测量。",
  "ooni.reading": "我们对最近 {analysed} 次测量的分析：{reading}",
  "ooni.unavailable": "暂时无法获取 OONI 的公开测量数据。",
};
