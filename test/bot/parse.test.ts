import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { parseQuestion } from "../../bot/parse.js";
import type { ParsedQuestion } from "../../model/question.js";
import { realKb } from "../helpers.js";

interface Phrasing {
  q: string;
  service: string | null;
  country: string | null;
  region: string | null;
  domain?: string | null;
  understood?: false;
  /**
   * "circumvention": every suggestion is a way around blocking, and there is at least one. A list: ids that
   * must be among the suggestions.
   */
  suggests?: "circumvention" | string[];
}

const kb = realKb();
const table = YAML.parse(readFileSync(new URL("./phrasings.yaml", import.meta.url), "utf8")) as Phrasing[];

type Language = "en" | "zh" | "ru" | "fa";
function languageOf(q: string): Language {
  if (/\p{Script=Han}/u.test(q)) return "zh";
  if (/\p{Script=Cyrillic}/u.test(q)) return "ru";
  if (/\p{Script=Arabic}/u.test(q)) return "fa";
  return "en";
}

/** The fields a phrasing pins, from a parse. */
function pinned(p: Phrasing, parsed: ParsedQuestion) {
  return {
    understood: parsed.understood,
    service: parsed.service,
    country: parsed.country,
    region: parsed.region,
    ...("domain" in p ? { domain: parsed.domain } : {}),
  };
}

describe("the phrasing table", () => {
  it("has at least 150 cases in all four languages", () => {
    expect(table.length).toBeGreaterThanOrEqual(150);
    const counts = { en: 0, zh: 0, ru: 0, fa: 0 };
    for (const p of table) counts[languageOf(p.q)]++;
    expect(counts.en).toBeGreaterThanOrEqual(55);
    expect(counts.zh).toBeGreaterThanOrEqual(45);
    expect(counts.ru).toBeGreaterThanOrEqual(35);
    expect(counts.fa).toBeGreaterThanOrEqual(35);
    expect(table.filter((p) => p.understood === false).length).toBeGreaterThanOrEqual(10);
  });

  it("has no duplicate questions", () => {
    const qs = table.map((p) => p.q);
    expect(new Set(qs).size).toBe(qs.length);
  });

  it("names only services, countries and regions that exist", () => {
    for (const p of table) {
      if (p.service !== null) expect(kb.service(p.service), p.q).toBeDefined();
      if (p.country !== null) expect(kb.country(p.country), p.q).toBeDefined();
      if (p.region !== null) expect(kb.region(p.country ?? "", p.region), p.q).toBeDefined();
      if (Array.isArray(p.suggests)) for (const id of p.suggests) expect(kb.service(id), p.q).toBeDefined();
    }
  });
});

describe("parseQuestion", () => {
  it.each(table)("$q", (p) => {
    const parsed = parseQuestion(p.q, kb);
    expect(pinned(p, parsed)).toEqual({
      understood: p.understood ?? true,
      service: p.service,
      country: p.country,
      region: p.region,
      ...("domain" in p ? { domain: p.domain } : {}),
    });
    if (parsed.understood) {
      expect(parsed.suggestions).toEqual([]);
    } else {
      expect(parsed.suggestions.length).toBeLessThanOrEqual(3);
      for (const id of parsed.suggestions) expect(kb.service(id)).toBeDefined();
    }
    if (p.suggests === "circumvention") {
      const tools = new Set(kb.circumventionTools().map((s) => s.id));
      expect(parsed.suggestions.length).toBeGreaterThan(0);
      for (const id of parsed.suggestions) expect(tools.has(id), id).toBe(true);
    } else if (p.suggests) {
      expect(parsed.suggestions).toEqual(expect.arrayContaining(p.suggests));
    }
  });

  it("is pure: the same question gives equal answers", () => {
    for (const p of table) {
      const first = parseQuestion(p.q, kb);
      expect(parseQuestion(p.q, kb)).toEqual(first);
    }
  });

  it("does not throw on very long input", () => {
    const long = "whatsapp ".repeat(1_200).slice(0, 10_000);
    expect(long.length).toBe(10_000);
    expect(parseQuestion(long, kb).service).toBe("whatsapp");
    const noise = Array.from({ length: 10_000 }, (_, i) => String.fromCharCode(33 + ((i * 7919) % 90))).join(
      "",
    );
    expect(() => parseQuestion(noise, kb)).not.toThrow();
    const han = "微信在中国被封了吗".repeat(1_200).slice(0, 10_000);
    expect(parseQuestion(han, kb).service).toBe("wechat");
  });

  it("reads through zero-width characters and bidi overrides", () => {
    expect(parseQuestion("whats\u200bapp in chi\u200dna", kb)).toMatchObject({
      service: "whatsapp",
      country: "CN",
    });
    expect(parseQuestion("\u202etelegram\u202c in \u2066iran\u2069", kb)).toMatchObject({
      service: "telegram",
      country: "IR",
    });
    expect(parseQuestion("\ufeffواتس\u200cاپ در ایران\u200f", kb)).toMatchObject({
      service: "whatsapp",
      country: "IR",
    });
    for (const q of [
      "\u202e",
      "\u200b\u200c\u200d\u2060",
      "\u202e\u202d\u202a\u202b\u202c",
      "",
      "   ",
      "?!",
    ]) {
      expect(() => parseQuestion(q, kb), JSON.stringify(q)).not.toThrow();
      expect(parseQuestion(q, kb).understood).toBe(false);
    }
  });
});
