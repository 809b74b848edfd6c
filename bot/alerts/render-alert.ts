import type { StatusChange } from "../../analysis/status-engine.js";
import type { KnowledgeBase } from "../../kb/knowledge-base.js";
import type { Lang } from "../../kb/schema.js";
import type { FeatureStatus, Verdict } from "../../model/status.js";
import type { RelatedService } from "../../pipeline/answer.js";
import { keepRightToLeft } from "../../present/bidi.js";
import { isRtl, locales, type MessageKey, t } from "../../present/i18n/index.js";
import { sourceSentence } from "../../present/sources.js";
import {
  escapeHtml,
  formatDate,
  html,
  isLastKnown,
  leadWithWaysAround,
  link,
  placeName,
  relatedNote,
  STATUS_MARK,
  serviceName,
  tHtml,
  withMechanism,
} from "../../present/text.js";
import { TELEGRAM_MESSAGE_LIMIT } from "../split.js";

// Pure rendering of an alert (one status change) and of a daily digest to Telegram HTML. Pinned by
// exact-string tests in all five languages. Persian comes out with its lines kept right to left.

/** Everything an alert says, as data: the change, and what to use instead, gathered from store and kb. */
export interface AlertView {
  change: StatusChange;
  /** The service's alternatives in the change's country, most useful first (pipeline/answer.ts byUsefulness). */
  alternatives: RelatedService[];
  /** Ways around a block, most useful first; empty unless the service is blocked or partial. */
  circumvention: RelatedService[];
}

/** How many alternatives, and ways around, an alert names: the most useful ones. */
export const SHOWN_RELATED = 3;

/** "WhatsApp in China is now partially blocked (since …)", the features, and what to use instead. */
export function renderAlert(kb: KnowledgeBase, view: AlertView, lang: Lang): string {
  const { change } = view;
  const lines = [headline(kb, change, lang)];
  if (change.from !== null) {
    lines.push(tHtml(lang, "alert.before", { status: t(lang, `status.${change.from}`) }));
  } else if (change.baseline) {
    // A first measured status that differs from the history answers showed: say what it replaced.
    lines.push(
      tHtml(lang, "alert.beforeHistory", {
        status: t(lang, `status.${change.baseline.status}`),
        since: formatDate(change.baseline.date, lang, { inline: true }),
        source: link(change.baseline.source, lang),
      }),
    );
  }
  lines.push(...featureLines(change.features, lang));
  // Who saw it: a change from OONI's volunteers is told as theirs, one from our probes as ours.
  for (const source of change.sources ?? []) {
    lines.push(escapeHtml(sourceSentence(source, lang, Date.parse(change.at))));
  }
  const instead =
    view.alternatives.length > 0 && ["partial", "blocked", "outage"].includes(change.to)
      ? [tHtml(lang, "alert.instead", { services: relatedList(kb, view.alternatives, lang) })]
      : [];
  const waysAround =
    view.circumvention.length > 0 && ["partial", "blocked"].includes(change.to)
      ? [tHtml(lang, "alert.waysAround", { services: relatedList(kb, view.circumvention, lang) })]
      : [];
  // When nothing offered instead is known to work, the ways around the block are what helps: first.
  lines.push(
    ...(leadWithWaysAround(view.alternatives, view.circumvention)
      ? [...waysAround, ...instead]
      : [...instead, ...waysAround]),
  );
  lines.push(tHtml(lang, "alert.more", { command: statusCommand(change) }));
  return finish(lines.join("\n"), lang);
}

/**
 * One message with every change a chat's digest collected, oldest first. When they do not fit in one
 * Telegram message, the oldest are left out and counted.
 */
export function renderDigest(
  kb: KnowledgeBase,
  changes: readonly StatusChange[],
  lang: Lang,
  limit = TELEGRAM_MESSAGE_LIMIT,
): string {
  const last = changes.at(-1);
  if (!last) throw new RangeError("a digest needs at least one change");
  const title = `🗓 <b>${escapeHtml(t(lang, "digest.title"))}</b>`;
  const more = tHtml(lang, "digest.more", { command: statusCommand(last) });
  const lines = changes.map((change) => digestLine(kb, change, lang));
  for (let left = 0; left < lines.length; left++) {
    const earlier = left > 0 ? [escapeHtml(t(lang, "digest.earlier", { count: left }))] : [];
    const text = finish([title, ...earlier, ...lines.slice(left), more].join("\n"), lang);
    if (text.length <= limit) return text;
  }
  // Not even the latest change fits (a limit far below Telegram's): say how many there were.
  return finish(
    [title, escapeHtml(t(lang, "digest.earlier", { count: lines.length })), more].join("\n"),
    lang,
  );
}

function headline(kb: KnowledgeBase, change: StatusChange, lang: Lang): string {
  const { service, country } = change.target;
  const title = tHtml(lang, "alert.headline", {
    service: serviceName(kb, service, lang),
    place: placeName(kb, country, null, lang),
    status: t(lang, `status.${change.to}`),
  });
  const since = formatDate(change.since, lang, { inline: true });
  return `${STATUS_MARK[change.to]} ${tHtml(lang, "alert.when", { headline: html(`<b>${title}</b>`), since })}`;
}

/** The verdicts shown, in this order, each with its label. */
const VERDICT_LINES: [Verdict, MessageKey][] = [
  ["blocked", "alert.blocked"],
  ["down", "alert.down"],
  ["unknown", "alert.unknown"],
  ["ok", "alert.working"],
];

/** "Blocked: photos, video and voice notes (TLS).", then "Working: text messages.": nothing when all work. */
function featureLines(features: readonly FeatureStatus[], lang: Lang): string[] {
  if (features.every((f) => f.status === "ok")) return [];
  const lines: string[] = [];
  for (const [verdict, key] of VERDICT_LINES) {
    const named = features
      .filter((f) => f.status === verdict)
      .map((f) => withMechanism(inSentence(featureName(f.feature, lang)), f.mechanism, lang));
    if (named.length > 0)
      lines.push(tHtml(lang, key, { features: named.join(t(lang, "list.groupSeparator")) }));
  }
  return lines;
}

/**
 * "Signal (accessible, end-to-end encrypted); Telegram (blocked, last known, …)", at most SHOWN_RELATED,
 * each with what is worth knowing about it (relatedNote: encryption only where it means something).
 */
function relatedList(kb: KnowledgeBase, items: readonly RelatedService[], lang: Lang): string {
  return items
    .slice(0, SHOWN_RELATED)
    .map((item) => {
      const note = relatedNote(kb, item.service, lang);
      const details = [
        t(lang, `status.${item.status}`),
        ...(isLastKnown(item) ? [t(lang, "answer.lastKnown")] : []),
        ...(note ? [note.text] : []),
      ];
      return t(lang, "alert.item", {
        service: serviceName(kb, item.service, lang),
        details: details.join(t(lang, "alert.detailSeparator")),
      });
    })
    .join(t(lang, "list.groupSeparator"));
}

function digestLine(kb: KnowledgeBase, change: StatusChange, lang: Lang): string {
  const { service, country } = change.target;
  const vars = {
    service: serviceName(kb, service, lang),
    place: placeName(kb, country, null, lang),
    to: t(lang, `status.${change.to}`),
    since: formatDate(change.since, lang),
  };
  const from = change.from ?? change.baseline?.status ?? null;
  const line =
    from === null
      ? tHtml(lang, "digest.first", vars)
      : tHtml(lang, "digest.change", { ...vars, from: t(lang, `status.${from}`) });
  return `${STATUS_MARK[change.to]} ${line}`;
}

/** The command that shows the full answer: `/status whatsapp cn`. */
function statusCommand(change: StatusChange): string {
  return `/status ${change.target.service} ${change.target.country.toLowerCase()}`;
}

/** A feature's name; a feature the locales do not name yet shows its id rather than failing. */
function featureName(feature: string, lang: Lang): string {
  const key = `feature.${feature}`;
  return key in locales[lang] ? t(lang, key as MessageKey) : feature;
}

/** "Photos, video…" → "photos, video…" inside a sentence; "API" and scripts without case stay as they are. */
function inSentence(name: string): string {
  return /^\p{Lu}\p{Ll}/u.test(name) ? name.charAt(0).toLowerCase() + name.slice(1) : name;
}

function finish(text: string, lang: Lang): string {
  return isRtl(lang) ? keepRightToLeft(text) : text;
}
