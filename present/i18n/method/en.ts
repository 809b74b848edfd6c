// "How we know": one sentence per kind of evidence, chosen by present/method.ts so that what an answer
// says about its method is true for that answer. Spread into the source locale (../en.ts); every locale
// has the same keys. Placeholders are {name}; text is plain.

export const methodEn = {
  "method.control":
    "How we know: probes in {place} were compared with an uncensored control network, which tells blocked from down. /about",
  "method.direct":
    "How we know: probes in {place} reached the service itself (a working connection, a valid TLS session); no control is needed for that. /about",
  "method.positive":
    "How we know: positive evidence of censorship seen from {place} (such as a forged DNS answer or a known block page); no control took part. /about",
  "method.noControl":
    "How we know: probes in {place} could not reach it, and with no control network to compare with, blocked cannot be told from down. /about",
  "method.undecided":
    "How we know: the vantages in {place} could not tell (offline, or in disagreement). /about",
  "method.measured": "How we know: measured by vantages in {place}. /about",
  "method.history":
    "How we know: no fresh measurement from inside {place}; this is the last known status from a dated, sourced report. /about",
  "method.historyUndecided":
    "How we know: our last measurement in {place} ({date}) could not tell, so this is the last known status from a dated, sourced report. /about",
  "method.none":
    "How we know: nothing measured in {place} and no recorded history, so we say unknown rather than guess. /about",
} as const;
