import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseQuestion } from "../../bot/parse.js";
import type { KnowledgeBase } from "../../kb/knowledge-base.js";
import type { ParsedQuestion } from "../../model/question.js";
import { realKb } from "../helpers.js";
import { FUZZ_TIMEOUT_MS, fuzzText, INVISIBLE, RUNS } from "./arbitraries.js";

// The question parser against any Unicode a chat can carry: it never throws, and what it returns is
// always something the rest of the bot can use (known ids, a host name, at most three suggestions).

const kb = realKb();
const aliases = [...new Set(kb.aliases.map((a) => a.text))];
const words = [
  ...aliases,
  ...kb.countries.map((c) => c.code),
  ...kb.services.flatMap((s) => s.domains),
  "/status",
  "/status@isblocked_bot",
  "vpn",
  "翻墙",
  "is",
  "blocked",
  "in",
];
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,24}$/;

function problemsOf(parsed: ParsedQuestion, kb: KnowledgeBase): string[] {
  const problems: string[] = [];
  const keys = Object.keys(parsed).sort().join();
  if (keys !== "country,domain,region,service,suggestions,understood") problems.push(`fields ${keys}`);
  if (parsed.service !== null && !kb.service(parsed.service)) problems.push(`service ${parsed.service}`);
  if (parsed.country !== null && !kb.country(parsed.country)) problems.push(`country ${parsed.country}`);
  if (parsed.region !== null && (parsed.country === null || !kb.region(parsed.country, parsed.region))) {
    problems.push(`region ${parsed.country}/${parsed.region}`);
  }
  if (parsed.domain !== null && (!HOST.test(parsed.domain) || parsed.domain.startsWith("www."))) {
    problems.push(`domain ${JSON.stringify(parsed.domain)}`);
  }
  if (parsed.understood !== (parsed.service !== null || parsed.domain !== null)) problems.push("understood");
  if (parsed.understood && parsed.suggestions.length > 0) problems.push("suggestions while understood");
  if (parsed.suggestions.length > 3 || new Set(parsed.suggestions).size !== parsed.suggestions.length) {
    problems.push(`suggestions ${parsed.suggestions.join()}`);
  }
  for (const id of parsed.suggestions) if (!kb.service(id)) problems.push(`suggestion ${id}`);
  return problems;
}

describe("parseQuestion under fuzzing", () => {
  it(
    "never throws and always returns known ids, a host name and at most three suggestions",
    () => {
      fc.assert(
        fc.property(fuzzText(words), (question) => {
          const parsed = parseQuestion(question, kb);
          expect(problemsOf(parsed, kb)).toEqual([]);
          // Pure: the same question, the same answer (checked on the short ones, to keep the run short).
          if (question.length <= 1000) expect(parseQuestion(question, kb)).toEqual(parsed);
        }),
        { numRuns: RUNS },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it("takes no host name with letters that only fold to Latin ones (found by this fuzzer)", () => {
    expect(parseQuestion("is ſ.com blocked?", kb).domain).toBeNull();
    expect(parseQuestion("\u212a.com", kb).domain).toBeNull();
  });

  it("reads no country code out of a word split by a soft hyphen (found by this fuzzer)", () => {
    expect(parseQuestion("nytimes ch\u00adinese", kb).country).toBeNull();
    expect(parseQuestion("nytimes \u200bcn", kb).country).toBe("CN");
  });

  it(
    "reads a question the same with invisible characters and bidi overrides inside it",
    () => {
      const services = kb.services.flatMap((s) => s.aliases.en.filter((a) => /^[a-z]{4,}$/i.test(a)));
      const countries = kb.countries.flatMap((c) => c.aliases.en.filter((a) => /^[a-z]{4,}$/i.test(a)));
      const question = fc.record({
        service: fc.constantFrom(...services),
        country: fc.constantFrom(...countries),
        template: fc.constantFrom("is {s} blocked in {c}?", "{s} {c}", "can I use {s} in {c}"),
      });
      const insertions = fc.array(fc.record({ at: fc.nat(), char: fc.constantFrom(...INVISIBLE) }), {
        minLength: 1,
        maxLength: 8,
      });
      fc.assert(
        fc.property(question, insertions, ({ service, country, template }, inserts) => {
          const plain = template.replace("{s}", service).replace("{c}", country);
          let hidden = plain;
          for (const { at, char } of inserts) {
            const i = at % (hidden.length + 1);
            hidden = hidden.slice(0, i) + char + hidden.slice(i);
          }
          const expected = parseQuestion(plain, kb);
          expect(expected.service).not.toBeNull();
          const parsed = parseQuestion(hidden, kb);
          expect({ service: parsed.service, country: parsed.country }).toEqual({
            service: expected.service,
            country: expected.country,
          });
        }),
        { numRuns: RUNS },
      );
    },
    FUZZ_TIMEOUT_MS,
  );
});
