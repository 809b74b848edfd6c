import type { ServiceStatusValue } from "../model/status.js";

// Colours of the status page and the chart, in one place so that a test can hold every pair to WCAG:
// text 4.5:1 against its background in both themes, chart marks 3:1 against the chart's background.
// Colour is never the only signal: each status also has an icon, a text label and, on the chart, a pattern.

/** A status as shown: a measured status, or `none` for a service not measured yet. */
export type ShownStatus = ServiceStatusValue | "none";
export const SHOWN_STATUSES: readonly ShownStatus[] = [
  "accessible",
  "partial",
  "blocked",
  "outage",
  "unknown",
  "none",
];

export interface Swatch {
  fg: string;
  bg: string;
}

export interface Theme {
  text: string;
  muted: string;
  background: string;
  surface: string;
  border: string;
  link: string;
  status: Record<ShownStatus, Swatch>;
}

export const LIGHT: Theme = {
  text: "#111827",
  muted: "#4b5563",
  background: "#ffffff",
  surface: "#f3f4f6",
  border: "#9ca3af",
  link: "#1d4ed8",
  status: {
    accessible: { fg: "#14532d", bg: "#dcfce7" },
    partial: { fg: "#7c2d12", bg: "#ffedd5" },
    blocked: { fg: "#7f1d1d", bg: "#fee2e2" },
    outage: { fg: "#581c87", bg: "#f3e8ff" },
    unknown: { fg: "#374151", bg: "#e5e7eb" },
    none: { fg: "#4b5563", bg: "#f9fafb" },
  },
};

export const DARK: Theme = {
  text: "#f3f4f6",
  muted: "#b0b7c3",
  background: "#111827",
  surface: "#1f2937",
  border: "#6b7280",
  link: "#93c5fd",
  status: {
    accessible: { fg: "#bbf7d0", bg: "#14532d" },
    partial: { fg: "#fed7aa", bg: "#7c2d12" },
    blocked: { fg: "#fecaca", bg: "#7f1d1d" },
    outage: { fg: "#e9d5ff", bg: "#581c87" },
    unknown: { fg: "#e5e7eb", bg: "#374151" },
    none: { fg: "#d1d5db", bg: "#1f2937" },
  },
};

/** Icons beside the label (plain symbols that DejaVu and system fonts have, not colour emoji). */
export const STATUS_ICON: Record<ShownStatus, string> = {
  accessible: "✓",
  partial: "◐",
  blocked: "✕",
  outage: "▼",
  unknown: "?",
  none: "–",
};

/** The chart is always drawn light (a PNG in a chat has no theme); its marks against white. */
export const CHART = {
  background: "#ffffff",
  text: "#111827",
  muted: "#4b5563",
  grid: "#9ca3af",
  fill: {
    accessible: "#15803d",
    partial: "#c2410c",
    blocked: "#b91c1c",
    outage: "#7e22ce",
    unknown: "#4b5563",
  } satisfies Record<ServiceStatusValue, string>,
  noData: "#e5e7eb",
} as const;

function channel(hex: string, offset: number): number {
  const c = Number.parseInt(hex.slice(offset, offset + 2), 16) / 255;
  return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** WCAG 2 relative luminance of a #rrggbb colour. */
export function luminance(hex: string): number {
  return 0.2126 * channel(hex, 1) + 0.7152 * channel(hex, 3) + 0.0722 * channel(hex, 5);
}

/** WCAG 2 contrast ratio, 1 to 21. */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}
