// The Telegram conversation's messages beyond the answer itself: commands, buttons, settings, subscriptions,
// reports, groups and channels. Spread into the source locale (../en.ts); every locale has the same keys.
// Placeholders are {name}; text is plain, the views escape it.

export const conversationEn = {
  "bot.settings": "Language: {language} (/lang) · default country: {country} (/country)",
  "bot.more": "/help lists every command; /about says how I know.",

  "command.start": "Welcome, language and default country",
  "command.help": "How to ask, and every command",
  "command.status": "Is a service blocked? With evidence",
  "command.list": "Every service in a country, by category",
  "command.alternatives": "What works instead of a service",
  "command.history": "The last 30 days as a chart, and dated history",
  "command.report": "Tell us a service does not work for you",
  "command.check": "Check any website now from the country's vantages",
  "command.subscribe": "Get a message when a status changes",
  "command.unsubscribe": "Stop those messages",
  "command.subscriptions": "What this chat is subscribed to",
  "command.delivery": "Alerts at once or as a daily digest",
  "command.country": "Default country of this chat",
  "command.lang": "Language of this chat",
  "command.about": "How verdicts are made, and the sources",
  "command.subscribe_channel": "Subscribe a channel you administer",
  "command.unsubscribe_channel": "Unsubscribe a channel you administer",

  "arg.service": "service",
  "arg.country": "country",
  "arg.channel": "@channel",
  "arg.code": "code",
  "arg.domain": "domain",
  "arg.mode": "immediate|digest",

  "help.commands": "Commands:",
  "help.all": "Instead of a service, all means every service: /subscribe all ir.",
  "help.inline": "In any chat, type @{bot} whatsapp iran to share a status.",
  "help.groups": "In groups anyone may ask; only admins change subscriptions and settings.",

  "usage.service": "Which service? For example: /{command} whatsapp cn",
  "usage.subscribe":
    "What should this chat subscribe to? For example: /{command} whatsapp cn, or /{command} all ir for every service in Iran.",

  "button.subscribe": "🔔 Subscribe",
  "button.alternatives": "🔀 Alternatives",
  "button.details": "🔍 Details",
  "button.history": "📜 History",
  "button.share": "📤 Share",
  "button.unsubscribe": "✖ {target}",
  "button.digest": "Switch to a daily digest",
  "button.immediate": "Switch to alerts at once",
  "button.langAuto": "Each person's Telegram language",

  "category.messaging": "Messaging",
  "category.social": "Social networks",
  "category.video": "Video",
  "category.search": "Search",
  "category.email": "Email",
  "category.news": "News",
  "category.reference": "Reference",
  "category.developer": "Developers",
  "category.vpn": "VPNs",
  "category.circumvention": "Ways around the block",
  "category.productivity": "Work and files",
  "category.music": "Music",

  "list.title": "{place}: every service by category",
  "list.line": "{category}: {services}",
  "list.lastKnown": "* last known from dated history, not measured by us",

  "alternatives.title": "Instead of {service} in {place}",
  "alternatives.none": "No alternatives are listed for {service} yet.",

  "details.title": "{service} in {place}: details",
  "details.status": "Status: {status} · confidence {confidence}%",
  "details.byFeature": "By feature:",
  "details.byRegion": "By region:",
  "details.howItFails": "How it fails:",
  "details.noMeasurement":
    "No measurement of {service} in {place} yet, so there is no per-feature or per-region evidence.",
  "details.notMeasured": "not measured yet",
  "mechanism.dns": "DNS: the answer for the name was forged or missing",
  "mechanism.tcp": "TCP: connections were reset or timed out",
  "mechanism.tls": "TLS: the encrypted handshake was cut off or answered by an impostor",
  "mechanism.http": "HTTP: a block page or a wrong page came back",

  "history.title": "{service} in {place}: history",
  "history.measured": "Measured changes:",
  "history.change": "{from} → {to}",
  "history.first": "first measured: {to}",
  "history.recorded": "Recorded events:",
  "history.none": "Nothing is recorded yet for {service} in {place}.",

  "report.thanks": "Thank you. Your report about {service} in {place} is noted.",
  "report.already": "You already reported {service} in {place} within the last hour; it counts once.",
  "report.recent.one": "{count} person in {place} reported problems in the last hour.",
  "report.recent.few": "{count} people in {place} reported problems in the last hour.",
  "report.recent.many": "{count} people in {place} reported problems in the last hour.",
  "report.recent.other": "{count} people in {place} reported problems in the last hour.",
  "report.notVerdict": "Reports are shown beside our measurements, never as a verdict on their own.",

  "target.service": "{service} in {place}",
  "target.all": "every service in {place}",
  "subscribe.done": "🔔 Subscribed: this chat gets a message when the status of {target} changes.",
  "subscribe.already": "This chat is already subscribed to {target}.",
  "unsubscribe.done": "Unsubscribed: this chat gets no more messages about {target}.",
  "unsubscribe.missing": "This chat is not subscribed to {target}.",
  "subscriptions.title": "This chat is subscribed to:",
  "subscriptions.none":
    "This chat has no subscriptions yet. Try /subscribe whatsapp cn or /subscribe all ir.",
  "subscriptions.delivery": "Delivery: {mode}.",
  "delivery.immediate": "a message at once when a status changes",
  "delivery.digest": "one daily digest",
  "delivery.set": "Delivery for this chat: {mode}.",
  "delivery.usage": "Delivery for this chat: {mode}. Change it with /delivery immediate or /delivery digest.",

  "country.current":
    "Default country of this chat: {country}. Change it with /country and a code, e.g. /country IR.",
  "country.set": "Default country of this chat: {country}.",
  "country.unknown": 'I do not know the country "{input}". Use a two-letter code such as CN, IR or RU.',
  "lang.choose": "Choose the language of this chat:",
  "lang.set": "Language of this chat: English.",
  "lang.auto": "This chat now answers each person in their Telegram language.",

  "guard.notAdmin":
    "Only the admins of this group can change its subscriptions and settings. Anyone may ask about a service.",
  "guard.autoForward":
    "Posts forwarded from the linked channel cannot change this group's settings. An admin can send the command here.",
  "guard.otherChat": "Messages sent on behalf of a channel cannot change this group's settings.",

  "group.greeting":
    "👋 Hello, {title}! Anyone here can ask whether a service is blocked: /status whatsapp cn, or mention me with a question. Admins can set this group's language (/lang) and default country (/country IR), and subscribe it to changes: /subscribe whatsapp cn, /subscribe all ir, /delivery digest for one message a day.",

  "channel.usage":
    "Send /{command} @channel whatsapp cn (or all ir). I must be an admin of the channel with the right to post messages.",
  "channel.privateOnly": "Send this command to me in a private chat.",
  "channel.notFound":
    "I cannot see {channel}. Add me to the channel as an admin with the right to post messages, then try again.",
  "channel.notChannel": "{channel} is not a channel.",
  "channel.notAdmin": "Only an admin of {channel} can change its subscriptions.",
  "channel.cannotPost":
    "I may not post in {channel}. Make me an admin with the right to post messages, then try again.",
  "channel.subscribed": "🔔 {channel} is now subscribed to {target}.",
  "channel.already": "{channel} is already subscribed to {target}.",
  "channel.unsubscribed": "{channel} is no longer subscribed to {target}.",
  "channel.missing": "{channel} is not subscribed to {target}.",

  "inline.help": 'Type a service and a country, e.g. "whatsapp iran"',

  "rate.limited": "You are asking faster than I can answer. Please wait a minute, then ask again.",
  "error.generic": "Sorry, something went wrong while answering. Please try again later.",
  "error.unavailable":
    "Temporarily unavailable: I cannot reach my database, so I cannot answer or change anything right now. Please try again in a few minutes.",
  "button.expired": "This button no longer works. Please ask again.",

  "about.title": "How isblocked knows",
  "about.probes":
    "Vantages inside the country test DNS, TCP, TLS and HTTP; where an uncensored control network takes part, the same tests run from it. Blocked means it fails inside and works at the control; if it fails in both, the service is down everywhere: an outage, not censorship. Each answer says which evidence it rests on.",
  "about.evidence":
    "Without a control, only positive evidence counts: a forged DNS answer, a known block page, a certificate for the wrong name. Otherwise the answer is unknown, never a guess.",
  "about.confirm":
    "A new status must be seen in two checks in a row before it is shown or alerted, so a passing glitch raises no alarm.",
  "about.features": "Each feature is judged on its own: text can work while photos and calls are blocked.",
  "about.sources":
    "Sources: our own probes, public OONI measurements, and a knowledge base of dated events, each linked to its reporting (news, Citizen Lab, Freedom House).",
  "about.reports":
    "People's reports (/report) are shown beside the measurements, never as a verdict on their own. With each report we store a one-way hash (HMAC) of the person's Telegram account id, never the id itself.",
} as const;
