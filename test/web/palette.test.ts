import { describe, expect, it } from "vitest";
import { CHART, contrast, DARK, LIGHT, SHOWN_STATUSES, STATUS_ICON } from "../../present/palette.js";
import { STYLES, STYLES_CSP_HASH } from "../../web/views/styles.js";

// WCAG 2: text needs 4.5:1 against its background (1.4.3), chart marks 3:1 against theirs (1.4.11).

describe("palette", () => {
  it("computes WCAG contrast", () => {
    expect(contrast("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrast("#ffffff", "#ffffff")).toBe(1);
    expect(contrast("#767676", "#ffffff")).toBeGreaterThan(4.5);
  });

  it.each([
    ["light", LIGHT],
    ["dark", DARK],
  ] as const)("%s theme: every text colour is readable on its background", (_name, theme) => {
    for (const status of SHOWN_STATUSES) {
      const { fg, bg } = theme.status[status];
      expect(contrast(fg, bg), status).toBeGreaterThanOrEqual(4.5);
    }
    for (const colour of [theme.text, theme.muted, theme.link]) {
      expect(contrast(colour, theme.background), colour).toBeGreaterThanOrEqual(4.5);
      expect(contrast(colour, theme.surface), colour).toBeGreaterThanOrEqual(4.5);
    }
  });

  it("chart marks stand out from the chart and its text is readable", () => {
    for (const fill of Object.values(CHART.fill))
      expect(contrast(fill, CHART.background)).toBeGreaterThanOrEqual(3);
    expect(contrast(CHART.text, CHART.background)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(CHART.muted, CHART.background)).toBeGreaterThanOrEqual(4.5);
  });

  it("gives every status its own icon, so colour is never the only signal", () => {
    expect(new Set(Object.values(STATUS_ICON)).size).toBe(SHOWN_STATUSES.length);
  });

  it("writes both themes into the stylesheet, and the CSP hash is the stylesheet's", () => {
    expect(STYLES).toContain(
      `.st-blocked{color:${LIGHT.status.blocked.fg};background:${LIGHT.status.blocked.bg}}`,
    );
    expect(STYLES).toContain("@media (prefers-color-scheme:dark){");
    expect(STYLES).toContain(
      `.st-blocked{color:${DARK.status.blocked.fg};background:${DARK.status.blocked.bg}}`,
    );
    expect(STYLES_CSP_HASH).toMatch(/^'sha256-[A-Za-z0-9+/]+=*'$/);
  });
});
