import { Resvg } from "@resvg/resvg-js";
import {
  type Availability,
  availabilityOf,
  DAY_MS,
  lastDays,
  type StatusSegment,
  statusSegments,
} from "../analysis/availability.js";
import type { Lang } from "../kb/schema.js";
import type { ServiceStatusValue, TimelineEntry } from "../model/status.js";
import { escapeHtml } from "./html.js";
import { localDigits } from "./i18n/index.js";
import { formatPercent, formatShortDate, wt } from "./page-i18n/index.js";
import { CHART, STATUS_ICON } from "./palette.js";

// The 30-day timeline of one service in one country, drawn by hand as SVG (a strip of status stretches
// over time, a date axis, a legend with each status's share) and rasterised by resvg for Telegram. No
// chart library: a timeline is rectangles and text. Every status has its own pattern as well as its colour
// and a text label in the legend, so the chart never speaks by colour alone; the alt text says it all.

export interface TimelineChartOptions {
  /** Display names, already in `lang` (see historyChart for the knowledge-base look-up). */
  service: string;
  country: string;
  lang: Lang;
  days?: number;
  now: Date | number;
  /** The last check: after it nothing was measured. */
  measuredUntil?: number;
}

export interface TimelineChart {
  svg: string;
  /** SVG user units; the PNG is `PNG_SCALE` times larger. */
  width: number;
  height: number;
  alt: string;
  availability: Availability;
  segments: StatusSegment[];
}

export interface TimelinePng {
  png: Buffer;
  width: number;
  height: number;
  alt: string;
}

export const CHART_WIDTH = 800;
export const CHART_HEIGHT = 320;
/** Pixels per SVG unit in the PNG: sharp on phone screens, small enough for a chat photo. */
export const PNG_SCALE = 2;
export const DEFAULT_DAYS = 30;
/** The alt text lists this many stretches, the latest; the rest are counted. */
export const ALT_STRETCHES = 6;

const FONT = "DejaVu Sans, Noto Sans, WenQuanYi Micro Hei, Noto Sans CJK SC, Vazirmatn, sans-serif";
const MARGIN = 24;
const STRIP = { top: 96, height: 100 };
/** A stretch of minutes on a 30-day strip is still drawn this wide, so a single check stays visible. */
const MIN_MARK = 6;

type Mark = ServiceStatusValue | "noData";

const PATTERN_ID: Record<Mark, string> = {
  accessible: "p-accessible",
  partial: "p-partial",
  blocked: "p-blocked",
  outage: "p-outage",
  unknown: "p-unknown",
  noData: "p-nodata",
};

/** Solid for accessible; stripes, cross-hatch, dots and lines for the others; pale hatching for no data. */
function patterns(): string {
  const f = CHART.fill;
  const stripes = (id: string, fill: string, angle: number, extra = "") =>
    `<pattern id="${id}" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(${angle})"><rect width="8" height="8" fill="${fill}"/><rect width="3" height="8" fill="#ffffff" fill-opacity="0.55"/>${extra}</pattern>`;
  return [
    `<pattern id="${PATTERN_ID.accessible}" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="${f.accessible}"/></pattern>`,
    stripes(PATTERN_ID.partial, f.partial, 45),
    stripes(
      PATTERN_ID.blocked,
      f.blocked,
      45,
      '<rect width="8" height="3" fill="#ffffff" fill-opacity="0.55"/>',
    ),
    `<pattern id="${PATTERN_ID.outage}" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="${f.outage}"/><circle cx="4" cy="4" r="1.8" fill="#ffffff" fill-opacity="0.7"/></pattern>`,
    stripes(PATTERN_ID.unknown, f.unknown, 0),
    `<pattern id="${PATTERN_ID.noData}" width="10" height="10" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="10" height="10" fill="${CHART.noData}"/><rect width="1" height="10" fill="${CHART.grid}"/></pattern>`,
  ].join("");
}

const markOf = (status: ServiceStatusValue | null): Mark => status ?? "noData";

function markLabel(mark: Mark, lang: Lang): string {
  return mark === "noData" ? wt(lang, "chart.legendNoData") : wt(lang, `status.${mark}`);
}

/** A rough text width for layout: wide for CJK, narrower for Latin, Cyrillic and Arabic script. */
function textWidth(text: string, size: number): number {
  let width = 0;
  for (const ch of text) width += /[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF]/u.test(ch) ? size : size * 0.58;
  return width;
}

function textEl(
  x: number,
  y: number,
  content: string,
  attrs: { size: number; fill?: string; anchor?: "start" | "middle" | "end"; weight?: string; rtl?: boolean },
): string {
  const anchor = attrs.anchor ?? "start";
  // resvg takes a line's direction from its first strong character, so "39.2% از ..." would start on the
  // left: an explicit right-to-left isolate (U+2067 … U+2069) makes the whole line right to left. The
  // anchors stay physical (the <svg> is direction="ltr"): a browser reads text-anchor by the direction,
  // which a Persian page's dir="rtl" would hand down, and "end" became the left edge, where resvg's is
  // the right one; a title anchored at the right margin then ran off the chart.
  const text = attrs.rtl ? `\u2067${content}\u2069` : content;
  return `<text x="${x}" y="${y}" font-family="${FONT}" font-size="${attrs.size}" fill="${attrs.fill ?? CHART.text}" text-anchor="${anchor}"${attrs.weight ? ` font-weight="${attrs.weight}"` : ""}>${escapeHtml(text)}</text>`;
}

function dayTicks(from: number, to: number): number[] {
  const ticks: number[] = [];
  for (let t = Math.ceil(from / DAY_MS) * DAY_MS; t < to; t += DAY_MS) ticks.push(t);
  return ticks;
}

function describeStretch(segment: StatusSegment, now: number, lang: Lang): string {
  const status = markLabel(markOf(segment.status), lang);
  const date = (ms: number, other: number) => {
    const day = formatShortDate(ms, lang);
    // A stretch within one day needs the hour to make sense.
    if (day !== formatShortDate(other, lang)) return day;
    const d = new Date(ms);
    const hh = String(d.getUTCHours()).padStart(2, "0");
    const mm = String(d.getUTCMinutes()).padStart(2, "0");
    return `${day} ${localDigits(`${hh}:${mm}`, lang)} UTC`;
  };
  const start = date(segment.start, segment.end);
  return segment.end >= now
    ? wt(lang, "chart.segmentNow", { status, start })
    : wt(lang, "chart.segment", { status, start, end: date(segment.end, segment.start) });
}

/** The alt text: what the chart shows, in words, for screen readers and as the photo's caption. */
export function chartAltText(
  title: string,
  segments: readonly StatusSegment[],
  availability: Availability,
  options: { now: number; days: number; lang: Lang },
): string {
  const { lang } = options;
  const shown = segments.slice(-ALT_STRETCHES);
  const parts = shown.map((s) => describeStretch(s, options.now, lang));
  const hidden = segments.length - shown.length;
  if (hidden > 0) parts.unshift(wt(lang, "chart.earlier", { count: hidden }));
  const share =
    availability.ratio === null
      ? wt(lang, "chart.noData", { days: options.days })
      : wt(lang, "chart.availability", { percent: formatPercent(availability.ratio, lang) });
  const stretches =
    parts.length > 0 ? parts.join(wt(lang, "chart.separator")) : wt(lang, "chart.legendNoData");
  // "… 30 дн." already ends with a full stop: the template adds its own.
  return wt(lang, "chart.alt", {
    title: title.replace(/[.。]$/u, ""),
    segments: stretches,
    availability: share,
  });
}

/** The chart as SVG (pure): the service page inlines it, the PNG is rasterised from it. */
export function renderTimelineSvg(
  timeline: readonly TimelineEntry[],
  options: TimelineChartOptions,
): TimelineChart {
  const { lang } = options;
  const days = options.days ?? DEFAULT_DAYS;
  const now = typeof options.now === "number" ? options.now : options.now.getTime();
  const window = lastDays(now, days);
  const segments = statusSegments(timeline, window, options.measuredUntil);
  const availability = availabilityOf(segments);
  const rtl = lang === "fa";
  const title = wt(lang, "chart.title", { service: options.service, place: options.country, days });
  const subtitle =
    availability.ratio === null
      ? wt(lang, "chart.noData", { days })
      : wt(lang, "chart.availability", { percent: formatPercent(availability.ratio, lang) });
  const alt = chartAltText(title, segments, availability, { now, days, lang });

  const left = MARGIN;
  const width = CHART_WIDTH - 2 * MARGIN;
  // Time runs left to right in every language, as on a calendar strip; only text follows the script.
  const xOf = (t: number) => left + ((t - window.from) / (window.to - window.from)) * width;
  const headX = rtl ? CHART_WIDTH - MARGIN : MARGIN;
  const headAnchor = rtl ? "end" : "start";

  const parts: string[] = [];
  parts.push(`<rect width="${CHART_WIDTH}" height="${CHART_HEIGHT}" fill="${CHART.background}"/>`);
  parts.push(textEl(headX, 40, title, { size: 22, anchor: headAnchor, weight: "bold", rtl }));
  parts.push(textEl(headX, 70, subtitle, { size: 16, fill: CHART.muted, anchor: headAnchor, rtl }));

  // The strip: one rectangle per stretch; a stretch too short to see still gets a visible sliver.
  for (const segment of segments) {
    const w = Math.max(xOf(segment.end) - xOf(segment.start), MIN_MARK);
    const x = Math.min(xOf(segment.start), left + width - w);
    const mark = markOf(segment.status);
    parts.push(
      `<rect x="${x.toFixed(2)}" y="${STRIP.top}" width="${w.toFixed(2)}" height="${STRIP.height}" fill="url(#${PATTERN_ID[mark]})" data-status="${mark}"/>`,
    );
  }
  if (availability.ratio === null && segments.every((s) => s.status === null)) {
    const cx = left + width / 2;
    const cy = STRIP.top + STRIP.height / 2 + 6;
    parts.push(
      `<rect x="${cx - textWidth(subtitle, 16) / 2 - 12}" y="${cy - 22}" width="${textWidth(subtitle, 16) + 24}" height="32" rx="4" fill="${CHART.background}"/>`,
    );
    parts.push(textEl(cx, cy, subtitle, { size: 16, anchor: "middle", rtl }));
  }
  parts.push(
    `<rect x="${left}" y="${STRIP.top}" width="${width}" height="${STRIP.height}" fill="none" stroke="${CHART.grid}" stroke-width="1"/>`,
  );

  // Day boundaries (UTC midnight) as ticks; every seventh labelled, counting back from the latest.
  const ticks = dayTicks(window.from, window.to);
  const axisY = STRIP.top + STRIP.height;
  ticks.forEach((t, i) => {
    const x = xOf(t).toFixed(2);
    const labelled = (ticks.length - 1 - i) % 7 === 0;
    parts.push(
      `<line x1="${x}" y1="${axisY}" x2="${x}" y2="${axisY + (labelled ? 10 : 5)}" stroke="${CHART.grid}" stroke-width="1"/>`,
    );
    if (labelled) {
      parts.push(
        textEl(xOf(t), axisY + 28, formatShortDate(t, lang), {
          size: 14,
          fill: CHART.muted,
          anchor: "middle",
        }),
      );
    }
  });

  // Legend: every mark present, with its share of the window.
  const total = window.to - window.from;
  const present = (["accessible", "partial", "blocked", "outage", "unknown", "noData"] as const).filter(
    (m) => (m === "noData" ? availability.noData > 0 : availability.byStatus[m] > 0),
  );
  let cursor = rtl ? CHART_WIDTH - MARGIN : MARGIN;
  let row = 0;
  for (const mark of present) {
    const share = (mark === "noData" ? availability.noData : availability.byStatus[mark]) / total;
    const icon = mark === "noData" ? "" : `${STATUS_ICON[mark]} `;
    const label = `${icon}${markLabel(mark, lang)} ${formatPercent(share, lang)}`;
    const itemWidth = 18 + 8 + textWidth(label, 15) + 22;
    if (
      (rtl ? cursor - itemWidth < MARGIN : cursor + itemWidth > CHART_WIDTH - MARGIN) &&
      cursor !== (rtl ? CHART_WIDTH - MARGIN : MARGIN)
    ) {
      row += 1;
      cursor = rtl ? CHART_WIDTH - MARGIN : MARGIN;
    }
    const y = 252 + row * 30;
    const boxX = rtl ? cursor - 18 : cursor;
    parts.push(
      `<rect x="${boxX}" y="${y - 14}" width="18" height="18" fill="url(#${PATTERN_ID[mark]})" stroke="${CHART.grid}" stroke-width="1"/>`,
    );
    parts.push(
      textEl(rtl ? boxX - 8 : boxX + 26, y, label, { size: 15, anchor: rtl ? "end" : "start", rtl }),
    );
    cursor = rtl ? cursor - itemWidth : cursor + itemWidth;
  }

  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${CHART_HEIGHT}" viewBox="0 0 ${CHART_WIDTH} ${CHART_HEIGHT}" direction="ltr" role="img" aria-labelledby="chart-title chart-desc">`,
    `<title id="chart-title">${escapeHtml(title)}</title>`,
    `<desc id="chart-desc">${escapeHtml(alt)}</desc>`,
    `<defs>${patterns()}</defs>`,
    ...parts,
    "</svg>",
  ].join("");
  return { svg, width: CHART_WIDTH, height: CHART_HEIGHT, alt, availability, segments };
}

/** Rasterises an SVG chart to PNG with the system's fonts (DejaVu; a CJK font when one is installed). */
export function svgToPng(svg: string, width: number): Buffer {
  const resvg = new Resvg(svg, {
    fitTo: { mode: "width", value: width },
    background: CHART.background,
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans" },
  });
  return resvg.render().asPng();
}

/** The chart as a PNG for Telegram, `PNG_SCALE` times the SVG's size, with its alt text. */
export function renderTimelinePng(
  timeline: readonly TimelineEntry[],
  options: TimelineChartOptions,
): TimelinePng {
  const chart = renderTimelineSvg(timeline, options);
  const width = chart.width * PNG_SCALE;
  return { png: svgToPng(chart.svg, width), width, height: chart.height * PNG_SCALE, alt: chart.alt };
}
