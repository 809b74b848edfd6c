import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadKnowledgeBase } from "../../kb/load.js";
import { KbError } from "../../kb/validate.js";
import { fixturePath } from "../helpers.js";

/** A copy of the mini knowledge base with one file edited. */
function brokenKb(file: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), "isblocked-kb-"));
  cpSync(fixturePath("kb-mini"), dir, { recursive: true });
  const path = join(dir, file);
  writeFileSync(path, edit(readFileSync(path, "utf8")));
  return dir;
}

function codesOf(dir: string): string[] {
  try {
    loadKnowledgeBase(dir);
  } catch (error) {
    if (error instanceof KbError) return error.kbProblems.map((p) => p.code);
    throw error;
  }
  return [];
}

describe("knowledge base validation", () => {
  it("accepts the fixture", () => {
    expect(codesOf(fixturePath("kb-mini"))).toEqual([]);
  });

  it.each([
    [
      "a schema violation",
      "services/chatapp.yaml",
      (t: string) => t.replace("port: 443", "port: https"),
      "KbSchemaViolation",
    ],
    [
      "an unknown category",
      "services/chatapp.yaml",
      (t: string) => t.replace("messaging", "chatting"),
      "KbSchemaViolation",
    ],
    [
      "an alias that maps to two services",
      "services/safechat.yaml",
      (t: string) => t.replace("en: []", "en: [ChatAp]"),
      "KbDuplicateAlias",
    ],
    [
      "an alias shared by a service and a country",
      "services/safechat.yaml",
      (t: string) => t.replace("en: []", "en: [prc]"),
      "KbDuplicateAlias",
    ],
    [
      "an alternative naming an unknown id",
      "services/chatapp.yaml",
      (t: string) => t.replace("[safechat, openchat]", "[safechat, nochat]"),
      "KbUnknownId",
    ],
    [
      "an event naming an unknown service",
      "events.yaml",
      (t: string) => t.replace("service: chatapp", "service: nochat"),
      "KbUnknownId",
    ],
    [
      "an event naming an unknown country",
      "events.yaml",
      (t: string) => t.replace("country: CN", "country: XX"),
      "KbUnknownId",
    ],
    [
      "a service without endpoints",
      "services/tunnel.yaml",
      (t: string) => t.replace(/endpoints: \[.*\]/, "endpoints: []"),
      "KbServiceWithoutEndpoints",
    ],
    [
      "a service without features",
      "services/tunnel.yaml",
      (t: string) => t.replace(/features:[\s\S]*alternatives/, "features: []\nalternatives"),
      "KbServiceWithoutEndpoints",
    ],
    [
      "an event without a source",
      "events.yaml",
      (t: string) => t.replace("  source: https://example.org/b\n", ""),
      "KbEventWithoutSource",
    ],
    [
      "a domain listed by two services",
      "services/safechat.yaml",
      (t: string) => t.replace("[safechat.example]", "[chatapp.example]"),
      "KbDuplicateDomain",
    ],
    ["unreadable YAML", "countries.yaml", (t: string) => `${t}\n  - : : [`, "KbUnreadable"],
    [
      "a web feature reached over plain HTTP",
      "services/chatapp.yaml",
      (t: string) =>
        t.replace(
          "alternatives:",
          "  - id: web\n    endpoints: [{ host: web.chatapp.example, port: 80, protocol: http, path: / }]\nalternatives:",
        ),
      "KbPlainHttpWeb",
    ],
    [
      "one host over http and https in one feature",
      "services/chatapp.yaml",
      (t: string) =>
        t.replace(
          "endpoints: [{ host: media.chatapp.example, port: 443, protocol: tls }]",
          "endpoints: [{ host: m.chatapp.example, port: 443, protocol: https, path: / }, { host: m.chatapp.example, port: 80, protocol: http, path: / }]",
        ),
      "KbMixedSchemes",
    ],
  ])("names %s", (_what, file, edit, code) => {
    expect(codesOf(brokenKb(file, edit))).toContain(code);
  });

  it("reports every problem at once, with the file", () => {
    const dir = brokenKb("events.yaml", (t) =>
      t.replace("service: chatapp", "service: nochat").replace("  source: https://example.org/b\n", ""),
    );
    try {
      loadKnowledgeBase(dir);
      expect.unreachable();
    } catch (error) {
      const problems = (error as KbError).kbProblems;
      expect(problems.map((p) => p.code).sort()).toEqual(["KbEventWithoutSource", "KbUnknownId"]);
      expect(problems.every((p) => p.file === "kb-mini/events.yaml" || p.file.endsWith("events.yaml"))).toBe(
        true,
      );
    }
  });

  it("reads history from events/*.yaml as well, and names the file a problem is in", () => {
    const dir = brokenKb("events.yaml", (t) => t);
    mkdirSync(join(dir, "events"));
    renameSync(join(dir, "events.yaml"), join(dir, "events", "CN.yaml"));
    const kb = loadKnowledgeBase(dir);
    expect(kb.eventsFor("chatapp", "CN").length).toBeGreaterThan(0);
    const path = join(dir, "events", "CN.yaml");
    writeFileSync(path, readFileSync(path, "utf8").replace("service: chatapp", "service: nochat"));
    try {
      loadKnowledgeBase(dir);
      expect.unreachable();
    } catch (error) {
      const problems = (error as KbError).kbProblems;
      expect(problems.map((p) => [p.code, p.file.endsWith("events/CN.yaml")])).toEqual([
        ["KbUnknownId", true],
      ]);
    }
  });
});
