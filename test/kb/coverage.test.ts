import { describe, expect, it } from "vitest";
import { LANGS } from "../../kb/schema.js";
import { completenessProblems, coverageOf } from "../../kb/validate.js";
import { realKb } from "../helpers.js";

// What the shipped knowledge base says about each country people ask about. The list is the test's
// names (`vitest --reporter verbose` prints it); a country with neither a dated event nor a legal caution
// gives the bot nothing to say beyond live measurements, and fails.
const coverage = Object.entries(coverageOf(realKb()));

describe("coverage of the shipped knowledge base", () => {
  it("lists every censoring country", () => {
    const censoring = realKb().countries.filter((c) => c.role === "censoring");
    expect(coverage.map(([code]) => code)).toEqual(censoring.map((c) => c.code));
  });

  it.each(
    coverage.map(
      ([code, c]) =>
        [
          `${code}: ${c.events} ${c.events === 1 ? "event" : "events"} (${c.eventsInAllLanguages} in all five languages), ${c.caution ? "caution" : "no caution"}`,
          c,
        ] as const,
    ),
  )("%s", (_line, c) => {
    expect(c.events > 0 || c.caution, "a censoring country needs an event or a caution").toBe(true);
  });

  it("has every caution in all five languages", () => {
    expect(completenessProblems(realKb(), { countries: "kb/countries.yaml" })).toEqual([]);
  });

  it("has every event the bot can show in all five languages", () => {
    const missing = realKb().events.flatMap((e) =>
      LANGS.filter((lang) => e.summary[lang] === undefined).map(
        (lang) => `${e.service} ${e.country} ${e.date}: ${lang}`,
      ),
    );
    expect(missing).toEqual([]);
  });
});
