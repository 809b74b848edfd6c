// Region detail and vantage disagreement (bot/views/regions.ts, bot/views/details.ts). Spread into the
// source locale (../en.ts); every locale has the same keys. Text is plain, the views escape it.

export const regionsEn = {
  // Short status words for a place: "down everywhere" would contradict "in Beijing".
  "regions.status.accessible": "accessible",
  "regions.status.partial": "partially blocked",
  "regions.status.blocked": "blocked",
  "regions.status.outage": "down",
  "regions.status.unknown": "unknown",
  "regions.line": "By region: {groups}.",
  "regions.group": "{status} in {regions}",
  // Before the last place of a list: "Beijing, Shenzhen and Shanghai".
  "regions.and": " and ",
  "regions.disagree": "Our vantages disagree: {counts}.",
  "regions.count": "{status} at {count}",
  "details.byVantage": "By vantage (they disagree):",
  "details.vantage": "{vantage} ({region}): {status}",
  "details.vantageNoRegion": "{vantage}: {status}",
} as const;
