import type { RegionsMessages } from "./index.js";

// Region names stay in the nominative ("Пекин"), so the status comes first and the places after a colon.
export const regionsRu: RegionsMessages = {
  "regions.status.accessible": "доступ есть",
  "regions.status.partial": "частичная блокировка",
  "regions.status.blocked": "блокировка",
  "regions.status.outage": "сбой",
  "regions.status.unknown": "неизвестно",
  "regions.line": "По регионам: {groups}.",
  "regions.group": "{status} — {regions}",
  "regions.and": " и ",
  "regions.disagree": "Наши точки измерения расходятся: {counts}.",
  "regions.count": "{status} — {count}",
  "details.byVantage": "По точкам измерения (они расходятся):",
  "details.vantage": "{vantage} ({region}): {status}",
  "details.vantageNoRegion": "{vantage}: {status}",
};
