import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import YAML from "yaml";
import { KnowledgeBase } from "../../kb/knowledge-base.js";
import { defaultKbDir, loadKnowledgeBase } from "../../kb/load.js";
import { KbError } from "../../kb/validate.js";
import { fixturePath } from "../helpers.js";
import { FUZZ_TIMEOUT_MS, RUNS, textUnit } from "./arbitraries.js";
import { pathsOf, replaced } from "./mutate.js";

// The knowledge-base loader against broken and hostile YAML: one file of a valid knowledge base is replaced
// by a mutated or arbitrary document, and loading either gives a knowledge base or a KbError listing named
// problems, never another exception. The base is the mini fixture cut to two services, plus one entry of
// each list of the shipped evidence: every kind of file, as little YAML as can be, since reading YAML is
// what 10,000 loads spend their time on.

const dir = mkdtempSync(join(tmpdir(), "isblocked-kb-fuzz-"));
cpSync(fixturePath("kb-mini"), dir, { recursive: true });
for (const dropped of ["openchat", "tunnel"]) unlinkSync(join(dir, "services", `${dropped}.yaml`));
const chatapp = join(dir, "services/chatapp.yaml");
writeFileSync(chatapp, readFileSync(chatapp, "utf8").replace("[safechat, openchat]", "[safechat]"));
const shipped = YAML.parse(readFileSync(join(defaultKbDir(), "evidence.yaml"), "utf8")) as Record<
  string,
  unknown[]
>;
writeFileSync(
  join(dir, "evidence.yaml"),
  YAML.stringify(
    Object.fromEntries(Object.entries(shipped).map(([list, items]) => [list, items.slice(0, 1)])),
  ),
);
const FILES = [
  "services/chatapp.yaml",
  "services/safechat.yaml",
  "countries.yaml",
  "events.yaml",
  "evidence.yaml",
];
const original = new Map(FILES.map((f) => [f, readFileSync(join(dir, f), "utf8")]));
const parsed = new Map(FILES.map((f) => [f, YAML.parse(original.get(f) ?? "") as unknown]));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Short hostile text: the parser's own fuzzer covers 10,000-character strings; here they would only make
// YAML slower to read.
const text = fc.string({ unit: textUnit(), maxLength: 200 });

// Values a YAML document may hold where the schema expects something else.
const yamlValue = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(undefined, null, "", " ", "yes", "no", "~", "0x1F", "1e400", "-0", ".nan", "2017-13-45"),
  fc.constantFrom("__proto__", "constructor", "toString", "http://", "javascript:alert(1)", "CN", "chatapp"),
  text,
);

// Ways to break one file: a value changed or removed at any depth, the text cut or spliced, YAML's own
// features (anchors, aliases, merge keys, tags, deep nesting), a whole arbitrary document, no file at all.
type Mutate = (source: string, doc: unknown) => string | null;
const mutation: fc.Arbitrary<Mutate> = fc.oneof(
  fc.tuple(fc.nat(), yamlValue).map(([pick, value]) => (_text: string, doc: unknown) => {
    const paths = pathsOf(doc);
    return YAML.stringify(replaced(doc, paths[pick % paths.length] ?? [], value)) ?? "";
  }),
  fc.tuple(fc.nat(), fc.nat({ max: 200 }), text).map(([at, cut, insert]) => (source: string) => {
    const i = at % (source.length + 1);
    return source.slice(0, i) + insert + source.slice(i + cut);
  }),
  fc.nat().map((at) => (source: string) => source.slice(0, at % (source.length + 1))),
  fc
    .constantFrom(
      "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
      "- &x { code: CN }\n- *x\n- <<: *x\n  code: DE\n",
      "!!binary aGVsbG8=",
      "- !<tag:yaml.org,2002:int> 42\n",
      "- *undefined_alias\n",
      `${"[".repeat(200)}${"]".repeat(200)}`,
      "---\n- a\n---\n- b\n",
      "\uFEFF- code: CN\n",
      "- code: CN\n\t- tab: indented\n",
      "key: value\nkey: again\n",
    )
    .map((doc) => () => doc),
  fc.jsonValue({ maxDepth: 4 }).map((doc) => () => YAML.stringify(doc) ?? ""),
  fc.constant(() => null),
);

/** What loading `dir` gives: a knowledge base, or the problem codes of a KbError; anything else throws. */
function load(): KnowledgeBase | string[] {
  try {
    return loadKnowledgeBase(dir);
  } catch (error) {
    if (!(error instanceof KbError)) throw error;
    return error.kbProblems.map((p) => {
      expect(p.file).toEqual(expect.any(String));
      expect(p.message).toEqual(expect.any(String));
      return p.code;
    });
  }
}

describe("loadKnowledgeBase under fuzzing", () => {
  it("loads the unmutated base", () => {
    expect(load()).toBeInstanceOf(KnowledgeBase);
  });

  it(
    "gives a knowledge base or named Kb* problems for any mutation of any file",
    () => {
      const outcomes = { loaded: 0, rejected: 0 };
      fc.assert(
        fc.property(fc.constantFrom(...FILES), mutation, (file, mutate) => {
          const path = join(dir, file);
          const text = mutate(original.get(file) ?? "", parsed.get(file));
          try {
            if (text === null) unlinkSync(path);
            else writeFileSync(path, text);
            const result = load();
            if (result instanceof KnowledgeBase) {
              outcomes.loaded++;
              // What the bot relies on once loaded: every event names a known service and country.
              for (const e of result.events) {
                expect(result.service(e.service)).toBeDefined();
                expect(result.country(e.country)).toBeDefined();
              }
            } else {
              outcomes.rejected++;
              expect(result.length).toBeGreaterThan(0);
              for (const code of result) expect(code).toMatch(/^Kb[A-Z][A-Za-z]+$/);
            }
          } finally {
            writeFileSync(path, original.get(file) ?? "");
          }
        }),
        { numRuns: RUNS },
      );
      // Both ways out are exercised: the fuzzer is not only breaking files beyond recognition.
      expect(outcomes.loaded).toBeGreaterThan(RUNS / 100);
      expect(outcomes.rejected).toBeGreaterThan(RUNS / 10);
    },
    FUZZ_TIMEOUT_MS,
  );

  it("names a syntax error, nesting too deep to read, and a missing file KbUnreadable", () => {
    writeFileSync(join(dir, "countries.yaml"), "- code: [unclosed\n");
    expect(load()).toContain("KbUnreadable");
    writeFileSync(join(dir, "countries.yaml"), `${"[".repeat(5000)}${"]".repeat(5000)}`);
    expect(load()).toContain("KbUnreadable");
    unlinkSync(join(dir, "countries.yaml"));
    expect(load()).toContain("KbUnreadable");
    writeFileSync(join(dir, "countries.yaml"), original.get("countries.yaml") ?? "");
    // History is optional (events.yaml or events/*.yaml): without it, a knowledge base with no history.
    unlinkSync(join(dir, "events.yaml"));
    const bare = load();
    expect(bare).toBeInstanceOf(KnowledgeBase);
    expect((bare as KnowledgeBase).events).toEqual([]);
    for (const [file, text] of original) writeFileSync(join(dir, file), text);
    expect(load()).toBeInstanceOf(KnowledgeBase);
  });
});
