import type { OoniMessages } from "./index.js";

export const ooniFa: OoniMessages = {
  "ooni.measurements.one": "OONI: {count} سنجش در {days} روز گذشته، آخرین در {lastAt}",
  "ooni.measurements.few": "OONI: {count} سنجش در {days} روز گذشته، آخرین در {lastAt}",
  "ooni.measurements.many": "OONI: {count} سنجش در {days} روز گذشته، آخرین در {lastAt}",
  "ooni.measurements.other": "OONI: {count} سنجش در {days} روز گذشته، آخرین در {lastAt}",
  "ooni.none": "OONI: در {days} روز گذشته سنجشی انجام نشده است.",
  "ooni.reading": "تحلیل ما از {analysed} سنجش آخر: {reading}",
  "ooni.unavailable": "سنجش‌های عمومی OONI اکنون در دسترس نیست.",
};
