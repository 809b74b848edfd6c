import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseYaml } from "../../core/yaml.js";
import type { KnowledgeBase } from "../../kb/knowledge-base.js";
import { defaultKbDir, knowledgeBaseFiles, loadKnowledgeBase } from "../../kb/load.js";
import { digestOf, readSnapshot, writeSnapshot } from "../../kb/snapshot.js";
import { KbError } from "../../kb/validate.js";
import { fixturePath } from "../helpers.js";

// The build's parsed snapshot of kb/ (kb/snapshot.ts): start-up takes each file's document from it when the
// file's text is the one snapshotted, parses the YAML otherwise, and validates either way.

const temp = mkdtempSync(join(tmpdir(), "isblocked-kb-snapshot-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
let copies = 0;

/** A copy of the mini knowledge base and a snapshot of it, as the build writes one. */
function snapshotted(): { dir: string; name: string; snapshot: string } {
  copies += 1;
  const name = `kb-${copies}`;
  const dir = join(temp, name);
  cpSync(fixturePath("kb-mini"), dir, { recursive: true });
  const snapshot = join(temp, `snapshot-${copies}.json`);
  writeSnapshot(texts(dir), parseYaml, snapshot);
  return { dir, name, snapshot };
}

const texts = (dir: string) => knowledgeBaseFiles(dir).map((file) => readFileSync(file, "utf8"));

function edit(file: string, change: (text: string) => string): void {
  writeFileSync(file, change(readFileSync(file, "utf8")));
}

const contentOf = (kb: KnowledgeBase) => ({
  services: kb.services,
  countries: kb.countries,
  events: kb.events,
  evidence: kb.evidence,
});

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof KbError) return error.kbProblems.map((p) => `${p.code} ${p.file}`);
    throw error;
  }
  return [];
}

describe("knowledge-base snapshot", () => {
  it("loads the shipped knowledge base exactly as its YAML does", () => {
    const snapshot = join(temp, "shipped.json");
    const files = knowledgeBaseFiles(defaultKbDir());
    expect(writeSnapshot(texts(defaultKbDir()), parseYaml, snapshot)).toBe(files.length);
    expect(contentOf(loadKnowledgeBase(undefined, { snapshot }))).toEqual(contentOf(loadKnowledgeBase()));
  });

  it("takes a file's document from the snapshot when the file's text is the one snapshotted", () => {
    const { dir, snapshot } = snapshotted();
    const file = join(dir, "services/chatapp.yaml");
    const digest = digestOf(readFileSync(file, "utf8"));
    const stored = JSON.parse(readFileSync(snapshot, "utf8"));
    stored.documents[digest].name.en = "ChatApp (from the snapshot)";
    writeFileSync(snapshot, JSON.stringify(stored));
    expect(loadKnowledgeBase(dir, { snapshot }).service("chatapp")?.name.en).toBe(
      "ChatApp (from the snapshot)",
    );
    expect(loadKnowledgeBase(dir).service("chatapp")?.name.en).not.toBe("ChatApp (from the snapshot)");
  });

  it("reads a file edited after the snapshot from its YAML", () => {
    const { dir, snapshot } = snapshotted();
    const file = join(dir, "services/chatapp.yaml");
    expect(loadKnowledgeBase(dir, { snapshot }).service("chatapp")?.name.en).toBe("ChatApp");
    edit(file, (text) => text.replace("en: ChatApp,", "en: ChatApp Edited,"));
    expect(loadKnowledgeBase(dir, { snapshot }).service("chatapp")?.name.en).toBe("ChatApp Edited");
  });

  it("still validates: a file broken after the snapshot fails with the problems its YAML gives", () => {
    const { dir, name, snapshot } = snapshotted();
    edit(join(dir, "services/chatapp.yaml"), (text) => text.replace("port: 443", "port: https"));
    const problems = problemsOf(() => loadKnowledgeBase(dir, { snapshot }));
    expect(problems).toContain(`KbSchemaViolation ${name}/services/chatapp.yaml`);
    expect(problems).toEqual(problemsOf(() => loadKnowledgeBase(dir)));
  });

  it("leaves out a file that does not parse, so loading reports it as unreadable", () => {
    const { dir, name } = snapshotted();
    const file = join(dir, "countries.yaml");
    edit(file, (text) => `${text}\n  - [unclosed\n`);
    const snapshot = join(temp, "unparsable.json");
    const all = knowledgeBaseFiles(dir).length;
    expect(writeSnapshot(texts(dir), parseYaml, snapshot)).toBe(all - 1);
    expect(readSnapshot(snapshot).has(digestOf(readFileSync(file, "utf8")))).toBe(false);
    expect(problemsOf(() => loadKnowledgeBase(dir, { snapshot }))).toContain(
      `KbUnreadable ${name}/countries.yaml`,
    );
  });

  it("loads from the YAML when the snapshot is missing or not one", () => {
    const { dir } = snapshotted();
    const expected = contentOf(loadKnowledgeBase(dir));
    const garbage = join(temp, "garbage.json");
    writeFileSync(garbage, JSON.stringify({ format: "something-else", version: 1, documents: { x: 1 } }));
    for (const snapshot of [join(temp, "absent.json"), garbage]) {
      expect(readSnapshot(snapshot).size).toBe(0);
      expect(contentOf(loadKnowledgeBase(dir, { snapshot }))).toEqual(expected);
    }
  });
});
