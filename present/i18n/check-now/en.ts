// On-demand checks of any domain (pipeline/check-now.ts, bot/features/check-now.ts).

export const checkNowEn = {
  "checkNow.button": "🔎 Check now",
  "checkNow.started": "Checking {domain}…",
  "checkNow.result": "{domain} in {place}, checked just now: {status}",
  "checkNow.recent": "{domain} in {place}, checked {seconds} s ago: {status}",
  "checkNow.mechanism": "What failed: {mechanism}",
  "checkNow.vantages": "From {count} vantage(s) in the country, compared with vantages outside it.",
  "checkNow.refusedAddress": "{domain} points to a private or reserved address, so I do not check it.",
  "checkNow.refusedTarget": "I can only check public web sites, and {domain} is not one.",
  "checkNow.pending": "{domain} is being checked right now; try again in {seconds} s.",
  "checkNow.limited": "You have used your on-demand checks for now; try again in {seconds} s.",
  "checkNow.noVantage": "I have no vantage in {place} to check from.",
  "checkNow.unavailable": "On-demand checks are not available here.",
  "checkNow.hint": "To check it now from our vantages: /check {domain} {country}",
  "checkNow.usage": "Usage: /check <domain> [country]",
} as const;
