import { measuredUntil } from "../analysis/availability.js";
import type { KnowledgeBase } from "../kb/knowledge-base.js";
import type { Lang } from "../kb/schema.js";
import type { Target, TimelineEntry } from "../model/status.js";
import type { StatusStore } from "../model/store.js";
import { DEFAULT_DAYS, renderTimelinePng, renderTimelineSvg, type TimelineChart } from "./chart.js";
import { placeName, serviceName } from "./text.js";

// The chart of one target as /history and the History button send it: names from the knowledge base in
// the chat's language, the timeline and the last check from the store. The only I/O is the two reads.

/** Telegram shows at most 1024 characters under a photo. */
export const CAPTION_LIMIT = 1024;

export interface HistoryChartPng {
  png: Buffer;
  width: number;
  height: number;
  /** What the chart shows, in words: send it as the photo's caption (it is plain text, not HTML). */
  alt: string;
  /** The measured timeline the chart was drawn from, read once: /history lists it under the chart. */
  timeline: readonly TimelineEntry[];
}

export interface HistoryChartOptions {
  days?: number;
  now?: Date;
}

/**
 * The chart's names for a target in `lang`: plain, without the isolates the bot puts around Latin names in
 * Persian chat text (the chart isolates its right-to-left lines itself).
 */
export function chartSubject(
  kb: KnowledgeBase,
  target: Target,
  lang: Lang,
): { service: string; country: string } {
  return {
    service: serviceName(kb, target.service, lang).replace(/[\u2068\u2069]/g, ""),
    country: placeName(kb, target.country, null, lang),
  };
}

async function chartInput(
  store: StatusStore,
  kb: KnowledgeBase,
  target: Target,
  lang: Lang,
  options: HistoryChartOptions,
) {
  const [timeline, status] = await Promise.all([store.getTimeline(target), store.getStatus(target)]);
  const now = options.now ?? new Date();
  const until = measuredUntil(status?.checkedAt, now);
  return {
    timeline,
    options: {
      ...chartSubject(kb, target, lang),
      lang,
      days: options.days ?? DEFAULT_DAYS,
      now,
      ...(until !== undefined ? { measuredUntil: until } : {}),
    },
  };
}

/** The PNG timeline of the last 30 days of (service, country), with its alt text as a caption. */
export async function historyChart(
  store: StatusStore,
  kb: KnowledgeBase,
  target: Target,
  lang: Lang,
  options: HistoryChartOptions = {},
): Promise<HistoryChartPng> {
  const input = await chartInput(store, kb, target, lang, options);
  const chart = renderTimelinePng(input.timeline, input.options);
  const alt = Array.from(chart.alt);
  return {
    ...chart,
    alt: alt.length > CAPTION_LIMIT ? `${alt.slice(0, CAPTION_LIMIT - 1).join("")}…` : chart.alt,
    timeline: input.timeline,
  };
}

/** The same chart as SVG, for the service page. */
export async function historyChartSvg(
  store: StatusStore,
  kb: KnowledgeBase,
  target: Target,
  lang: Lang,
  options: HistoryChartOptions = {},
): Promise<TimelineChart> {
  const input = await chartInput(store, kb, target, lang, options);
  return renderTimelineSvg(input.timeline, input.options);
}
