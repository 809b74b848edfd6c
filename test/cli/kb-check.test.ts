import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../cli/main.js";
import { fixturePath } from "../helpers.js";

/** A copy of the mini knowledge base whose China caution is written in the languages given. */
function kbWithCaution(langs: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "isblocked-kb-"));
  cpSync(fixturePath("kb-mini"), dir, { recursive: true });
  const file = join(dir, "countries.yaml");
  const texts: Record<string, string> = {
    en: "Unauthorised VPNs are illegal.",
    "zh-Hans": "未经批准的VPN是违法的。",
    "zh-Hant": "未經批准的VPN是違法的。",
    ru: "Неразрешённые VPN незаконны.",
    fa: "وی‌پی‌ان‌های غیرمجاز غیرقانونی‌اند.",
  };
  const text = `{ ${langs.map((l) => `${l}: ${texts[l]}`).join(", ")} }`;
  const before = readFileSync(file, "utf8");
  const after = before.replace("text: { en: Unauthorised VPNs are illegal. }", `text: ${text}`);
  expect(after).not.toBe(before);
  writeFileSync(file, after);
  return dir;
}

async function kbCheck(dir: string, json: boolean) {
  let out = "";
  let err = "";
  const code = await main(["kb", "check", "--dir", dir, ...(json ? ["--json"] : [])], {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
  });
  return { code, out, err };
}

const ALL = ["en", "zh-Hans", "zh-Hant", "ru", "fa"];

describe("isblocked kb check", () => {
  it("passes when every caution is in all five languages, with a line per censoring country", async () => {
    const r = await kbCheck(kbWithCaution(ALL), false);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      "knowledge base ok: 4 services, 5 endpoints, 2 countries, 1 regions, 2 events\n" +
        "  CN: 2 events (0 in all five languages), 1/4 services with events, caution\n",
    );
  });

  it.each([["zh-Hant"], ["fa"]])(
    "fails naming the country and the language when a caution lacks %s",
    async (lang) => {
      const dir = kbWithCaution(ALL.filter((l) => l !== lang));
      const json = await kbCheck(dir, true);
      expect(json.code).toBe(1);
      const doc = JSON.parse(json.out);
      expect(doc.ok).toBe(false);
      expect(doc.problems).toEqual([
        {
          code: "KbMissingTranslation",
          file: expect.stringMatching(/countries\.yaml$/),
          message: `the caution (circumventionRisk) of CN has no ${lang} text`,
        },
      ]);
      const plain = await kbCheck(dir, false);
      expect(plain.code).toBe(1);
      expect(plain.out).toBe("");
      expect(plain.err).toContain(`KbMissingTranslation`);
      expect(plain.err).toContain(`CN has no ${lang} text`);
    },
  );

  it("names every missing language of a caution", async () => {
    const doc = JSON.parse((await kbCheck(fixturePath("kb-mini"), true)).out);
    expect(doc.problems.map((p: { message: string }) => p.message)).toEqual(
      ["zh-Hans", "zh-Hant", "ru", "fa"].map((l) => `the caution (circumventionRisk) of CN has no ${l} text`),
    );
  });

  it("--json reports coverage per censoring country beside the counts, and events missing a language do not fail", async () => {
    const dir = kbWithCaution(ALL);
    const events = join(dir, "events.yaml");
    // One event in all five languages, one in English only.
    writeFileSync(
      events,
      readFileSync(events, "utf8").replace(
        "summary: { en: Blocked entirely. }",
        "summary: { en: Blocked entirely., zh-Hans: 完全被封锁。, zh-Hant: 完全被封鎖。, ru: Заблокирован полностью., fa: کاملاً مسدود شد. }",
      ),
    );
    const r = await kbCheck(dir, true);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc).toMatchObject({
      ok: true,
      services: 4,
      countries: 2,
      regions: 1,
      events: 2,
      endpoints: 5,
      problems: [],
    });
    expect(doc.coverage).toEqual({
      CN: {
        events: 2,
        eventsInAllLanguages: 1,
        servicesWithEvents: ["chatapp"],
        servicesWithoutEvents: ["openchat", "safechat", "tunnel"],
        caution: true,
      },
    });
    // A control country is not covered: nobody asks about it.
    expect(doc.coverage.DE).toBeUndefined();
  });

  it("counts a censoring country without a caution or events", async () => {
    const dir = kbWithCaution(ALL);
    const file = join(dir, "countries.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("role: control", "role: censoring"));
    const doc = JSON.parse((await kbCheck(dir, true)).out);
    expect(doc.coverage.DE).toEqual({
      events: 0,
      eventsInAllLanguages: 0,
      servicesWithEvents: [],
      servicesWithoutEvents: ["chatapp", "openchat", "safechat", "tunnel"],
      caution: false,
    });
  });

  it("a load failure is reported as before, without coverage", async () => {
    const dir = kbWithCaution(ALL);
    const file = join(dir, "services/chatapp.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("[safechat, openchat]", "[safechat, nochat]"));
    const r = await kbCheck(dir, true);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toEqual({
      ok: false,
      problems: [expect.objectContaining({ code: "KbUnknownId" })],
    });
  });
});
