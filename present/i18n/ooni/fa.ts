import type { OoniMessages } from "./index.js";

export const ooniFa: OoniMessages = {
  "ooni.measurements.one": "OONI: {count} اندازه‌گیری در {days} روز گذشته، آخرین در {lastAt}",
  "ooni.measurements.few": "OONI: {count} اندازه‌گیری در {days} روز گذشته، آخرین در {lastAt}",
  "ooni.measurements.many": "OONI: {count} اندازه‌گیری در {days} روز گذشته، آخرین در {lastAt}",
  "ooni.measurements.other": "OONI: {count} اندازه‌گیری در {days} روز گذشته، آخرین در {lastAt}",
  "ooni.none": "OONI: در {days} روز گذشته اندازه‌گیری‌ای نیست.",
  "ooni.reading": "تحلیل ما از {analysed} اندازه‌گیری آخر: {reading}",
  "ooni.unavailable": "اندازه‌گیری‌های عمومی OONI اکنون در دسترس نیست.",
};
