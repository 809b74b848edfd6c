import type { RegionsMessages } from "./index.js";

export const regionsFa: RegionsMessages = {
  "regions.status.accessible": "در دسترس",
  "regions.status.partial": "تا حدی مسدود",
  "regions.status.blocked": "مسدود",
  "regions.status.outage": "قطع",
  "regions.status.unknown": "نامشخص",
  "regions.line": "به تفکیک منطقه: {groups}.",
  "regions.group": "در {regions} {status}",
  "regions.and": " و ",
  "regions.disagree": "نقاط سنجش ما هم‌نظر نیستند: {counts}.",
  "regions.count": "{status}: {count}",
  "details.byVantage": "به تفکیک نقطهٔ سنجش (هم‌نظر نیستند):",
  "details.vantage": "{vantage} ({region}): {status}",
  "details.vantageNoRegion": "{vantage}: {status}",
};
