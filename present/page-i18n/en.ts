// The status page's source locale (the bot's own strings stay in bot/i18n; feature names, privacy labels
// and dates are taken from there). Every other locale has exactly these keys, checked by the compiler
// through `WebMessages` and by test/web/i18n.test.ts. Placeholders are {name}; text is plain, the views
// escape it.

export const webEn = {
  "lang.name": "English",

  "site.name": "isblocked",
  "site.tagline":
    "Is a service blocked behind a national firewall? From vantages inside the country and dated, sourced reports; unknown when there is no evidence.",
  "nav.skip": "Skip to content",
  "nav.languages": "Language",
  "nav.countries": "Countries",
  "nav.board": "Status board",
  "footer.method":
    "How we know: blocked only on evidence, a probe inside the country failing where an uncensored control succeeds, or a forged answer or block page; “last known” marks a status from a dated report; otherwise we say unknown, never a guess. Each page says which applies.",
  "footer.asn":
    "Networks are named with IP-to-ASN data from RouteViews, the regional internet registries and",
  "footer.api": "JSON API",
  "footer.bot": "Ask the Telegram bot the same questions in five languages.",

  // Short labels: the status page shows them beside an icon and a colour, never the colour alone.
  "status.accessible": "Accessible",
  "status.partial": "Partially blocked",
  "status.blocked": "Blocked",
  "status.outage": "Outage",
  "status.unknown": "Unknown",
  "status.none": "Not measured",
  "status.outageNote": "Down everywhere, inside and outside the country: an outage, not censorship.",

  "verdict.ok": "Works",
  "verdict.blocked": "Blocked",
  "verdict.down": "Down everywhere",
  "verdict.unknown": "Unknown",

  "board.title": "Status board",
  "board.intro":
    "The status of each service in each country, from our probes. Open a service for the evidence, its timeline and its history.",
  "board.count": "{status}: {count}",
  "board.caption": "Services in {country}",
  "board.col.service": "Service",
  "board.col.status": "Status",
  "board.col.availability": "Available, 30 days",
  "board.col.checked": "Newest measurement",
  "board.notMeasured": "Not measured yet in {country}: {count}",
  "board.nothingMeasured":
    "Nothing has been measured in {country} yet. Each service's page still shows its recorded history.",
  "board.otherCountries": "Other countries",
  "board.countries": "Countries on this page",

  "availability.none": "No data",

  "service.title": "{service} in {place}",
  "service.status": "Status",
  "service.since": "Since {since}",
  "service.checked": "Last checked {checkedAt}",
  "service.confidence": "Confidence: {percent}",
  "service.notMeasured": "Not measured yet in {place}. The recorded history below is what is known.",
  "service.features": "By feature",
  "service.col.feature": "Feature",
  "service.col.result": "Result",
  "service.col.where": "Where it fails",
  "service.regions": "By region",
  "service.col.region": "Region",
  "service.evidence": "Evidence",
  "service.evidenceSummary": "The latest check, outcome by outcome:",
  "service.evidenceTally": "checks: {checks} · vantages: {vantages}",
  "service.evidenceAll": "Every line, by vantage ({count})",
  "service.evidenceIntro": "What each vantage saw in the latest check:",
  "service.evidenceNone":
    "No per-vantage detail was kept for the latest check; the result above comes from the rule below.",
  "service.rule":
    "A feature counts as blocked only when the probe inside the country fails and an uncensored control succeeds, or on positive evidence of censorship (a forged DNS answer, a known blockpage, a certificate for the wrong name). Failing everywhere is an outage. Without such evidence the result is unknown.",
  "service.lastKnown": "Last known since {since}, from a dated report",
  "board.availabilityOf": "{percent} of {measured}",
  "board.lastKnown": "last known, {date}",
  "service.chart": "Last 30 days",
  "service.availability": "Accessible {percent} of the {measured} measured in the last 30 days.",
  "service.availabilityNone": "No measurements in the last 30 days.",
  "service.chartPng": "Download the chart (PNG)",
  "service.timeline": "Measured changes",
  "service.timelineNone": "No change measured yet.",
  "service.change": "{from} → {to}",
  "service.first": "First measured: {to}",
  "service.history": "Recorded history",
  "service.historyNone": "No recorded events for {place}.",
  "service.source": "source",
  "service.alternatives": "Alternatives",
  "service.circumvention": "Ways around the block",
  "service.col.privacy": "Privacy",
  "service.caution": "Caution: {text}",
  "service.back": "Back to the status board",

  "error.notFound": "Not found",
  "error.notFoundBody": "There is no such page.",
  "error.server": "Something went wrong",
  "error.serverBody": "The page could not be built. Try again in a minute.",

  "chart.title": "{service} in {place}: last {days} days",
  "chart.availability": "Accessible {percent} of the measured time",
  "chart.noData": "No measurements in these {days} days",
  "chart.legendNoData": "No data",
  "chart.segment": "{status} from {start} to {end}",
  "chart.segmentNow": "{status} from {start} until now",
  "chart.earlier": "Earlier stretches not listed: {count}",
  "chart.separator": "; ",
  "chart.alt": "{title}. {segments}. {availability}.",
} as const;

export type WebMessageKey = keyof typeof webEn;
export type WebMessages = Record<WebMessageKey, string>;
