import type { RegionsMessages } from "./index.js";

// Region names stay in the nominative ("Пекин"), so the status comes first and the places after a colon.
export const regionsRu: RegionsMessages = {
  "regions.status.accessible": "доступен",
  "regions.status.partial": "частично заблокирован",
  "regions.status.blocked": "заблокирован",
  "regions.status.outage": "не работает",
  "regions.status.unknown": "неизвестно",
  "regions.line": "По регионам: {groups}.",
  "regions.group": "{status} — {regions}",
  "regions.groupSeparator": "; ",
  "regions.and": " и ",
  "regions.disagree": "Наши точки измерения расходятся: {counts}.",
  "regions.count": "{status} — {count}",
  "details.byVantage": "По точкам измерения (они расходятся):",
  "details.vantage": "{vantage} ({region}): {status}",
  "details.vantageNoRegion": "{vantage}: {status}",
};
