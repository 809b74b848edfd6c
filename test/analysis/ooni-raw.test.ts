import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { analyzeContextFor } from "../../analysis/judge.js";
import { analyzeDocument } from "../../analysis/ooni/read.js";
import { MECHANISMS, SERVICE_STATUSES, VERDICTS } from "../../model/status.js";
import { realKb } from "../helpers.js";

// Every real OONI measurement in ../shared/data/ooni-raw must be read without an exception and give a
// valid status, whatever decade of probe wrote it. Some are GPL (probe-cli-manual) and may not be copied,
// so they are read in place; the test skips when ../shared is absent.

const RAW_DIR = fileURLToPath(new URL("../../../shared/data/ooni-raw/", import.meta.url));
const present = existsSync(RAW_DIR);
if (!present)
  console.warn(`skipping the real OONI measurements: ${RAW_DIR} is absent (it lives in ../shared)`);

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return jsonFiles(path);
    return name.endsWith(".json") ? [path] : [];
  });
}

const analyse = (path: string) =>
  analyzeDocument(JSON.parse(readFileSync(path, "utf8")), analyzeContextFor(realKb(), path));

describe.skipIf(!present)("real OONI measurements (ooni-raw)", () => {
  const files = present ? jsonFiles(RAW_DIR).sort() : [];

  it.each(files.map((f) => [f.slice(RAW_DIR.length), f]))("%s is read and judged", (_name, path) => {
    const r = analyse(path);
    expect(SERVICE_STATUSES).toContain(r.status);
    expect(r.mechanism === null || MECHANISMS.includes(r.mechanism)).toBe(true);
    for (const f of r.features) expect(VERDICTS).toContain(f.status);
    if (r.status === "unknown" && r.features.length === 0)
      expect(r.error ?? r.evidence.join("")).not.toBe("");
  });

  // Our own judgement of a few, with the reason it is right.
  it.each([
    [
      "backend-fastpath/whatsapp.json",
      "accessible",
      "web.whatsapp.com answers 400 over a valid TLS session: WhatsApp answering",
    ],
    ["backend-fastpath/bug_352.json", "blocked", "fa.wikipedia.org → 10.10.34.36 in Iran"],
    ["backend-fastpath/web_connectivity_ir_fp.json", "blocked", "www.facebook.com → 10.10.34.36 in Iran"],
    [
      "explorer-api/20221105223930.168194_JP_whatsapp_e3e891f975f0d5ef.raw.json",
      "blocked",
      "every WhatsApp name → 0.0.0.0",
    ],
    [
      "explorer-api/01202003039e13e3e38be1918d3a64c2ec27ea22.api.json",
      "blocked",
      "a redirect to an ISP's blockpage (RU), read from the API wrapper",
    ],
    [
      "backend-fastpath/signal_2627.json",
      "unknown",
      "ssl_unknown_authority with nothing showing a hijack: no evidence",
    ],
    [
      "explorer-api/20221109225810.435617_RU_telegram_ecbc73cacd8ea566.raw.json",
      "accessible",
      "data centres connect, web.telegram.org loads",
    ],
    ["backend-fastpath/web_connectivity_null.json", "unknown", "no control, only a timeout"],
    [
      "explorer-api/20210415084230.511612_IR_signal_ed269d082953bf2e.raw.json",
      "blocked",
      "every signal.org name the knowledge base lists answered NXDOMAIN: forged, no control needed",
    ],
    [
      "explorer-api/01202003044cadd4e9b30806be0e72a6e05e161a.raw.json",
      "accessible",
      "every Messenger answer is in AS32934, Facebook's own network; the test attempted no connection",
    ],
    [
      "backend-fastpath/requests_none.json",
      "outage",
      "NXDOMAIN for the probe and no address for the control",
    ],
    [
      "probe-cli-manual/firefoxcom.analysis_classic.json",
      "unknown",
      "OONI's analysis output, not a measurement",
    ],
  ])("%s → %s (%s)", (name, status) => {
    expect(analyse(join(RAW_DIR, name)).status).toBe(status);
  });

  it("names DNS as the mechanism of Iran's Signal block", () => {
    const r = analyse(
      join(RAW_DIR, "explorer-api/20210415084230.511612_IR_signal_ed269d082953bf2e.raw.json"),
    );
    expect(r.mechanism).toBe("dns");
    expect(r.features.every((f) => f.status === "blocked" && f.mechanism === "dns")).toBe(true);
  });
});
