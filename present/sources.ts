import { LAST_KNOWN_AFTER_MS } from "../analysis/readings.js";
import type { Lang } from "../kb/schema.js";
import type { Network, NetworkStatus, SourceSummary } from "../model/readings.js";
import type { ServiceStatusValue } from "../model/status.js";
import { type MessageKey, t, tPlural } from "./i18n/index.js";
import { sanitizeEcho } from "./text.js";

// Who measured a status, on which networks, and how long ago, in words: "Measured by OONI volunteers on 6
// networks in the last 24 h (China Telecom AS4134, …)", "By network: blocked on China Telecom AS4134;
// works on China Mobile AS9808.", and, when our vantages and OONI's disagree, each one's own status.
// Plain text, one sentence per line; the bot and the page escape it. Pure: `nowMs` is the caller's clock.

/** Networks named in a sentence; the rest are counted. */
const NAMED = 3;
const HOUR = 3_600_000;
const NAME_LENGTH = 48;

export interface Provenance {
  status: ServiceStatusValue;
  sources: readonly SourceSummary[];
  networks: readonly NetworkStatus[];
  measuredAt: string | null;
  stale: boolean;
}

/** Names come from OONI and a dataset: cleaned like any text from outside, and short enough for a list. */
function networkName(n: Network): string {
  const name = sanitizeEcho(n.name, NAME_LENGTH);
  return name === "" || name === `AS${n.asn}` ? `AS${n.asn}` : `${name} AS${n.asn}`;
}

function namedList(names: readonly string[], lang: Lang): string {
  const shown = names.slice(0, NAMED);
  const rest = names.length - shown.length;
  return [...shown, ...(rest > 0 ? [t(lang, "networks.more", { count: rest })] : [])].join(
    t(lang, "list.separator"),
  );
}

/** "Measured by OONI volunteers on 6 networks in the last 24 h (China Telecom AS4134, …)." */
export function sourceSentence(source: SourceSummary, lang: Lang, nowMs: number): string {
  const since = Date.parse(source.earliestAt || source.latestAt);
  const hours = Math.max(1, Math.ceil((nowMs - since) / HOUR));
  const names = source.networks.map(networkName);
  return tPlural(lang, `sources.${source.kind}`, source.vantages.length, {
    hours,
    networks: names.length > 0 ? t(lang, "sources.networks", { names: namedList(names, lang) }) : "",
  });
}

/** "By network: blocked on China Telecom AS4134, China Unicom AS4837; works on China Mobile AS9808." */
export function networksSentence(networks: readonly NetworkStatus[], lang: Lang): string | null {
  const groups: [ServiceStatusValue, MessageKey][] = [
    ["blocked", "networks.blocked"],
    ["partial", "networks.partial"],
    ["outage", "networks.outage"],
    ["accessible", "networks.accessible"],
  ];
  const parts = groups.flatMap(([status, key]) => {
    const names = networks.filter((n) => n.status === status).map(networkName);
    return names.length > 0 ? [t(lang, key, { names: namedList(names, lang) })] : [];
  });
  return parts.length > 0
    ? t(lang, "networks.title", { list: parts.join(t(lang, "list.groupSeparator")) })
    : null;
}

/** Each source's own status, when two sources reached different ones: shown, never averaged. */
export function disagreementSentence(sources: readonly SourceSummary[], lang: Lang): string | null {
  const decided = sources.filter((s) => s.status !== "unknown");
  if (new Set(decided.map((s) => s.status)).size < 2) return null;
  const list = decided
    .map((s) =>
      t(lang, "sources.says", { source: t(lang, `source.${s.kind}`), status: t(lang, `status.${s.status}`) }),
    )
    .join(t(lang, "list.groupSeparator"));
  return t(lang, "sources.disagree", { list });
}

/** The lines an answer or a page shows about a measured status's evidence, in order. */
export function provenanceLines(
  view: Provenance,
  lang: Lang,
  nowMs: number,
  formatDate: (iso: string) => string,
): string[] {
  const lines = view.sources.map((s) => sourceSentence(s, lang, nowMs));
  const disagreement = disagreementSentence(view.sources, lang);
  if (disagreement) lines.push(disagreement);
  const networks = networksSentence(view.networks, lang);
  if (networks) lines.push(networks);
  if (view.stale && view.measuredAt) {
    lines.push(
      t(lang, "answer.stale", {
        measuredAt: formatDate(view.measuredAt),
        hours: LAST_KNOWN_AFTER_MS / HOUR,
      }),
    );
  }
  return lines;
}
