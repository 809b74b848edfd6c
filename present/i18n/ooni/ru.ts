import type { OoniMessages } from "./index.js";

export const ooniRu: OoniMessages = {
  "ooni.measurements.one": "OONI: {count} измерение за последние {days} дней, последнее {lastAt}",
  "ooni.measurements.few": "OONI: {count} измерения за последние {days} дней, последнее {lastAt}",
  "ooni.measurements.many": "OONI: {count} измерений за последние {days} дней, последнее {lastAt}",
  "ooni.measurements.other": "OONI: {count} измерения за последние {days} дней, последнее {lastAt}",
  "ooni.none": "OONI: за последние {days} дней измерений нет.",
  "ooni.reading": "Наш анализ последних измерений ({analysed}): {reading}",
  "ooni.unavailable": "Открытые измерения OONI сейчас не удалось получить.",
};
