import type { KnowledgeBase } from "../kb/knowledge-base.js";
import type { Lang } from "../kb/schema.js";
import type { Target, TimelineEntry } from "../model/status.js";
import { t } from "./i18n/index.js";
import { sourceSentence } from "./sources.js";
import { aside, featureText, formatDate, placeName, serviceName } from "./text.js";

// Atom feeds (RFC 4287) of confirmed status changes, for people who follow a country or a service in a
// feed reader rather than in Telegram. Pure: the route reads the timelines, this writes the XML. Every
// entry names the change, what it rested on (the features and how they failed) and who measured it.

export interface FeedEntry {
  target: Target;
  entry: TimelineEntry;
}

export interface AtomFeedInput {
  /** Absolute URL of the site (`https://isblocked.example`), no trailing slash. */
  origin: string;
  /** The feed's own path (`/feed/CN.atom`). */
  path: string;
  /** Where a person reads the same in a page (`/` or `/s/whatsapp/CN`). */
  page: string;
  country: string;
  service?: string;
  /** Newest first. */
  entries: readonly FeedEntry[];
  lang: Lang;
  /** The feed's `updated` when it has no entry yet. */
  now: Date;
}

const XML_SPECIAL = /[&<>"']/g;
const XML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

/** Text for XML: escaped, and without the control characters XML 1.0 cannot carry at all. */
export function xmlText(text: string): string {
  return text
    .replace(/(?![\t\n\r])[\p{Cc}\p{Cs}\uFFFE\uFFFF]/gu, "")
    .replace(XML_SPECIAL, (c) => XML_ESCAPES[c] ?? c);
}

/** "WhatsApp in China: blocked (was accessible)". */
export function entryTitle(kb: KnowledgeBase, { target, entry }: FeedEntry, lang: Lang): string {
  const title = t(lang, "answer.title", {
    service: serviceName(kb, target.service, lang),
    place: placeName(kb, target.country, null, lang),
    status: t(lang, `status.${entry.to}`),
  });
  return entry.from === null
    ? title
    : aside(title, t(lang, "feed.was", { status: t(lang, `status.${entry.from}`) }), lang);
}

/** The entry's text: since when, each feature that does not work and how, and who measured it. */
export function entryText({ entry }: FeedEntry, lang: Lang): string {
  const lines = [t(lang, "answer.since", { since: formatDate(entry.at, lang, { inline: true }) })];
  for (const feature of entry.features ?? []) {
    if (feature.status !== "ok") lines.push(featureText(feature, lang));
  }
  for (const source of entry.sources ?? []) lines.push(sourceSentence(source, lang, Date.parse(entry.at)));
  return lines.join("\n");
}

const entryId = (origin: string, { target, entry }: FeedEntry) =>
  `${origin}/s/${encodeURIComponent(target.service)}/${target.country}#${entry.at}`;

/** "isblocked: status changes in China", "isblocked: WhatsApp in China": the feed's and its link's title. */
export function feedTitle(
  kb: KnowledgeBase,
  feed: { country: string; service?: string | undefined },
  lang: Lang,
): string {
  const place = placeName(kb, feed.country, null, lang);
  return feed.service
    ? t(lang, "feed.titleService", { service: serviceName(kb, feed.service, lang), place })
    : t(lang, "feed.titleCountry", { place });
}

export function renderAtomFeed(kb: KnowledgeBase, feed: AtomFeedInput): string {
  const { origin, lang } = feed;
  const title = feedTitle(kb, feed, lang);
  const updated = feed.entries[0]?.entry.at ?? feed.now.toISOString();
  const entries = feed.entries.map((item) => {
    const page = `${origin}/s/${encodeURIComponent(item.target.service)}/${item.target.country}`;
    return [
      "  <entry>",
      `    <id>${xmlText(entryId(origin, item))}</id>`,
      `    <title>${xmlText(entryTitle(kb, item, lang))}</title>`,
      `    <updated>${xmlText(new Date(item.entry.at).toISOString())}</updated>`,
      `    <link rel="alternate" type="text/html" href="${xmlText(page)}"/>`,
      `    <content type="text">${xmlText(entryText(item, lang))}</content>`,
      "  </entry>",
    ].join("\n");
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${lang}">`,
    `  <id>${xmlText(`${origin}${feed.path}`)}</id>`,
    `  <title>${xmlText(title)}</title>`,
    `  <updated>${xmlText(new Date(updated).toISOString())}</updated>`,
    "  <author><name>isblocked</name></author>",
    `  <link rel="self" type="application/atom+xml" href="${xmlText(`${origin}${feed.path}`)}"/>`,
    `  <link rel="alternate" type="text/html" href="${xmlText(`${origin}${feed.page}`)}"/>`,
    ...entries,
    "</feed>",
    "",
  ].join("\n");
}
