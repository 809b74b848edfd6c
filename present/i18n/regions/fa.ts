import type { RegionsMessages } from "./index.js";

export const regionsFa: RegionsMessages = {
  "regions.status.accessible": "در دسترس",
  "regions.status.partial": "تا حدی فیلتر شده",
  "regions.status.blocked": "فیلتر شده",
  "regions.status.outage": "قطع",
  "regions.status.unknown": "نامشخص",
  "regions.line": "به تفکیک منطقه: {groups}.",
  "regions.group": "در {regions} {status}",
  "regions.groupSeparator": "؛ ",
  "regions.and": " و ",
  "regions.disagree": "نقاط اندازه‌گیری ما هم‌نظر نیستند: {counts}.",
  "regions.count": "{status}: {count}",
  "details.byVantage": "به تفکیک نقطهٔ اندازه‌گیری (هم‌نظر نیستند):",
  "details.vantage": "{vantage} ({region}): {status}",
  "details.vantageNoRegion": "{vantage}: {status}",
};
