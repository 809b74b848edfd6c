import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { xmlText } from "../../present/atom.js";
import { realKb } from "../helpers.js";
import { daysAgo, type RunningServer, startSeededServer } from "./seed.js";

// The Atom feeds of confirmed changes (web/routes/feed.ts, present/atom.ts): valid against Atom's schema
// (RFC 4287, test/web/atom.rng, checked by xmllint when it is installed: `.ci/run` installs it), and each
// entry naming the change, its evidence and its sources.

const kb = realKb();
const SCHEMA = fileURLToPath(new URL("./atom.rng", import.meta.url));
const XMLLINT = "/usr/bin/xmllint";
const haveXmllint = existsSync(XMLLINT);
if (!haveXmllint)
  console.warn("Atom schema checks skipped: xmllint is not installed (apt-get install libxml2-utils)");

let running: RunningServer;

beforeAll(async () => {
  running = await startSeededServer(kb, [
    {
      status: {
        service: "signal",
        country: "IR",
        status: "accessible",
        mechanism: null,
        since: daysAgo(1),
        checkedAt: daysAgo(0.01),
        features: [],
        regions: [],
        confidence: 0.8,
      },
      timeline: [
        {
          at: daysAgo(10),
          from: null,
          to: "blocked",
          mechanism: "dns",
          features: [{ feature: "text", status: "blocked", mechanism: "dns" }],
        },
        {
          at: daysAgo(1),
          from: "blocked",
          to: "accessible",
          mechanism: null,
          features: [{ feature: "text", status: "ok", mechanism: null }],
          sources: [
            {
              kind: "ooni",
              status: "accessible",
              vantages: ["ooni:AS43754"],
              networks: [{ asn: 43754, name: "Asiatech <Tehran> & Co" }],
              measurements: 1,
              latestAt: new Date(Date.parse(daysAgo(1)) - 3_600_000).toISOString(),
              earliestAt: new Date(Date.parse(daysAgo(1)) - 3_600_000).toISOString(),
            },
          ],
        },
      ],
    },
  ]);
});
afterAll(async () => {
  await running?.close();
});

async function get(path: string): Promise<{ status: number; type: string | null; body: string }> {
  const response = await fetch(`${running.base}${path}`);
  return { status: response.status, type: response.headers.get("content-type"), body: await response.text() };
}

function validate(xml: string): string {
  return execFileSync(XMLLINT, ["--noout", "--relaxng", SCHEMA, "-"], {
    input: xml,
    encoding: "utf8",
    stdio: "pipe",
  });
}

describe("Atom feeds of status changes", () => {
  it("a country's feed: newest change first, each naming the change, its evidence and its sources", async () => {
    const { status, type, body } = await get("/feed/IR.atom");
    expect(status).toBe(200);
    expect(type).toBe("application/atom+xml; charset=utf-8");
    expect(body).toContain("<title>isblocked: status changes in Iran</title>");
    expect(body).toContain(`<id>${running.base}/feed/IR.atom</id>`);
    expect(body).toContain(`<updated>${daysAgo(1)}</updated>`);
    const entries = body.split("<entry>").slice(1);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toContain("<title>Signal in Iran: accessible (was blocked)</title>");
    expect(entries[0]).toContain(
      `<link rel="alternate" type="text/html" href="${running.base}/s/signal/IR"/>`,
    );
    expect(entries[0]).toContain(
      "Measured by OONI volunteers on 1 network in the last 1 h (Asiatech &lt;Tehran&gt; &amp; Co AS43754).",
    );
    expect(entries[1]).toContain("<title>Signal in Iran: blocked</title>");
    expect(entries[1]).toContain("Text messages: blocked (DNS)");
  });

  it("a service's feed, in the language asked for", async () => {
    const { body } = await get("/feed/IR/signal.atom?lang=ru");
    expect(body).toContain('xml:lang="ru"');
    expect(body.split("<entry>")).toHaveLength(3);
    expect((await get("/feed/IR/whatsapp.atom")).body.split("<entry>")).toHaveLength(1);
  });

  it.skipIf(!haveXmllint)("is valid against Atom's schema, also with no entries and in Persian", async () => {
    for (const path of ["/feed/IR.atom", "/feed/IR/signal.atom?lang=fa", "/feed/CN/whatsapp.atom"]) {
      expect(validate((await get(path)).body)).toBe("");
    }
  });

  it("answers 404 for a country or service the knowledge base does not know", async () => {
    expect((await get("/feed/ZZ.atom")).status).toBe(404);
    expect((await get("/feed/IR/nosuch.atom")).status).toBe(404);
  });

  it("keeps text XML can carry", () => {
    expect(xmlText("a\u0000b\u0007c <d> & 'e' \"f\"\n")).toBe(
      "abc &lt;d&gt; &amp; &apos;e&apos; &quot;f&quot;\n",
    );
  });
});
