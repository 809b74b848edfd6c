// Alert and daily digest messages (bot/alerts). Spread into the source locale (../en.ts); every locale has
// the same keys. Placeholders are {name}; text is plain, bot/alerts/render-alert.ts escapes it.

export const alertsEn = {
  "alert.headline": "{service} in {place} is now {status}",
  "alert.when": "{headline} (since {since})",
  "alert.before": "Before: {status}.",
  "alert.beforeHistory":
    "Before: {status}, the last known status since {since} from a dated report ({source}).",
  "alert.blocked": "Blocked: {features}.",
  "alert.down": "Down everywhere: {features}.",
  "alert.unknown": "Unknown: {features}.",
  "alert.working": "Working: {features}.",
  "alert.instead": "Instead: {services}.",
  "alert.waysAround": "Ways around the block: {services}.",
  "alert.item": "{service} ({details})",
  "alert.detailSeparator": ", ",
  "alert.more": "Details: {command}",

  "digest.title": "Daily digest: status changes",
  "digest.change": "{service} in {place}: {from} → {to} ({since})",
  "digest.first": "{service} in {place}: {to} ({since})",
  "digest.earlier": "Earlier changes not shown: {count}.",
  "digest.more": "Details: /status and the service, e.g. {command}. Your subscriptions: /subscriptions",
} as const;
