import { alertsEn } from "./alerts/en.js";
import { checkNowEn } from "./check-now/en.js";
import { consoleEn } from "./console/en.js";
import { conversationEn } from "./conversation/en.js";
import { feedEn } from "./feed/en.js";
import { methodEn } from "./method/en.js";
import { ooniEn } from "./ooni/en.js";
import { regionsEn } from "./regions/en.js";
import { sourcesEn } from "./sources/en.js";

// The source locale. Every other locale must have exactly these keys (checked by the compiler through
// `Messages` and by test/bot/i18n.test.ts). Placeholders are {name}; text is plain, the renderer escapes it.

export const en = {
  "status.accessible": "accessible",
  "status.partial": "partially blocked",
  "status.blocked": "blocked",
  "status.outage": "down everywhere (an outage, not censorship)",
  "status.unknown": "unknown",

  "verdict.ok": "works",
  "verdict.blocked": "blocked",
  "verdict.down": "down everywhere",
  "verdict.unknown": "unknown",

  "feature.text": "Text messages",
  "feature.media": "Photos, video and voice notes",
  "feature.calls": "Calls",
  "feature.web": "Website",
  "feature.registration": "Sign-up",
  "feature.app": "App",
  "feature.search": "Search",
  "feature.mail": "Mail",
  "feature.video": "Video",
  "feature.bootstrap": "Connecting to the network",
  "feature.bridges": "Bridges",
  "feature.download": "Download",
  "feature.api": "API",
  "feature.connect": "Connection",

  "e2ee.yes": "end-to-end encrypted",
  "e2ee.optional": "end-to-end encryption optional",
  "e2ee.no": "not end-to-end encrypted",

  "answer.title": "{service} in {place}: {status}",
  "answer.titleNoStatus": "{service} in {place}",
  "answer.since": "Since {since}",
  "answer.checked": "last checked {checkedAt}",
  "answer.mechanism": "{verdict} ({mechanism})",
  "answer.noMeasurementHistory": "No fresh measurement; last known: {status} since {since} ({source})",
  "answer.noMeasurementNothing": "No measurement yet and no recorded history for {service} in {place}.",
  "answer.historyTitle": "History:",
  "answer.alternativesTitle": "Instead:",
  "answer.circumventionTitle": "Ways around the block:",
  "answer.lastKnown": "last known",
  "answer.caution": "Caution: {text}",
  "answer.source": "source",
  "answer.domainUnknown":
    "{domain} is not in the knowledge base yet and has no measurement in {place}, so its status is unknown.",
  "answer.notUnderstood": "I could not tell which service you mean.",
  "answer.didYouMean": "Did you mean: {suggestions}?",
  "answer.tryExample": 'Try: "is WhatsApp blocked in China?"',
  "answer.untranslated": "{text}",
  "related.onion": "on Tor: {address}",
  "related.ownServer": "needs a server abroad (your own or a friend's)",
  "related.appAlone": "the app alone, no server of your own",

  "date.month.1": "January",
  "date.month.2": "February",
  "date.month.3": "March",
  "date.month.4": "April",
  "date.month.5": "May",
  "date.month.6": "June",
  "date.month.7": "July",
  "date.month.8": "August",
  "date.month.9": "September",
  "date.month.10": "October",
  "date.month.11": "November",
  "date.month.12": "December",
  // A month named on its own ("September 2017"); Russian declines it differently after a day.
  "date.monthAlone.1": "January",
  "date.monthAlone.2": "February",
  "date.monthAlone.3": "March",
  "date.monthAlone.4": "April",
  "date.monthAlone.5": "May",
  "date.monthAlone.6": "June",
  "date.monthAlone.7": "July",
  "date.monthAlone.8": "August",
  "date.monthAlone.9": "September",
  "date.monthAlone.10": "October",
  "date.monthAlone.11": "November",
  "date.monthAlone.12": "December",
  "date.monthYear": "{monthAlone} {year}",
  "date.dayMonthYear": "{day} {month} {year}",
  "date.year": "{year}",
  "date.yearInline": "{year}",
  "place.regionCountry": "{region}, {country}",
  "list.separator": ", ",
  "list.groupSeparator": "; ",
  "punct.colon": ": ",
  "punct.open": " (",
  "punct.close": ")",

  "bot.welcome":
    'Hello! Ask me whether a service is blocked, for example "is WhatsApp blocked in China?". I answer from network probes and a knowledge base of censorship history, and I say unknown when I do not know.',
  "bot.help": 'Ask in your own words: "is Telegram blocked in Iran?", "YouTube Russia", or send a link.',
  ...conversationEn,
  ...alertsEn,
  ...checkNowEn,
  ...regionsEn,
  ...ooniEn,
  ...sourcesEn,
  ...consoleEn,
  ...feedEn,
  ...methodEn,
  "console.intro":
    "isblocked console: ask a question (e.g. is whatsapp blocked in china?), or type exit to quit.",
} as const;

export type MessageKey = keyof typeof en;
export type Messages = Record<MessageKey, string>;
