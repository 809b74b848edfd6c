import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadKnowledgeBase } from "../../kb/load.js";
import type { Service } from "../../kb/schema.js";

// GFW Report's artifacts for "A Wall Behind A Wall: Emerging Regional Censorship in China" (IEEE S&P 2025,
// https://gfw.report/publications/sp25/en/): daily lists of the TLS server names whose connections the Great
// Firewall reset. `censored-sni-california_<date>.txt` was measured from San Francisco towards servers in
// China, so it is the national firewall's list (the `guangzhou` files are Henan's provincial firewall). The
// lists have no licence: they are read from ../shared here and never copied into the repository.
//
// Every knowledge-base service with a name on the latest national list must be, for China, blocked or
// partial in its latest event: that event is what the bot shows as "last known" without a measurement.

const LIST_DIR = fileURLToPath(new URL("../../../shared/data/gfw-sni-blocklists/", import.meta.url));
const NATIONAL_LIST = /^(?:data_)?censored-sni-california_(\d{4}-\d{2}-\d{2})\.txt$/;

/** The newest national list in LIST_DIR: its date and its names; undefined when there is none. */
function latestNationalList(): { date: string; names: Set<string> } | undefined {
  if (!existsSync(LIST_DIR)) return undefined;
  const lists = readdirSync(LIST_DIR)
    .map((file) => ({ file, date: NATIONAL_LIST.exec(file)?.[1] }))
    .filter((l): l is { file: string; date: string } => l.date !== undefined)
    .sort((a, b) => a.date.localeCompare(b.date));
  const latest = lists.at(-1);
  if (!latest) return undefined;
  const names = readFileSync(join(LIST_DIR, latest.file), "utf8")
    .split("\n")
    .map((line) => line.trim().toLowerCase())
    .filter((line) => line !== "");
  return { date: latest.date, names: new Set(names) };
}

/**
 * The name on the list that covers `host`: the host itself or one of its parent domains (the lists hold the
 * domains GFW Report tested, mostly registrable ones; most of the GFW's rules cover subdomains too).
 */
function listedName(host: string, names: Set<string>): string | undefined {
  const labels = host.split(".");
  for (let i = 0; i < labels.length - 1; i++) {
    const candidate = labels.slice(i).join(".");
    if (names.has(candidate)) return candidate;
  }
  return undefined;
}

/** Names on the list that cover a service's domains or the hosts of its endpoints. */
function listedNamesOf(service: Service, names: Set<string>): string[] {
  const hosts = [
    ...service.domains,
    ...service.features.flatMap((f) => f.endpoints.flatMap((e) => (e.host ? [e.host] : []))),
  ];
  const listed = hosts.map((h) => listedName(h, names)).filter((n): n is string => n !== undefined);
  return [...new Set(listed)];
}

const list = latestNationalList();
if (!list) {
  console.warn(
    `skipping the GFW SNI blocklist test: no censored-sni-california_<date>.txt in ${LIST_DIR} (it lives in ../shared, not in the repository)`,
  );
}

describe.skipIf(!list)("China events against GFW Report's SNI blocklist", () => {
  const kb = loadKnowledgeBase();
  const names = list?.names ?? new Set<string>();
  const listed = kb.services
    .map((service) => ({ service, names: listedNamesOf(service, names) }))
    .filter((s) => s.names.length > 0);

  it("finds knowledge-base services on the list", () => {
    // A list that matches nothing means the file's format changed, not that China unblocked everything.
    expect(listed.length).toBeGreaterThan(0);
  });

  it(`shows every listed service blocked or partial in China (list of ${list?.date})`, () => {
    const offenders = listed.flatMap(({ service, names: on }) => {
      const latest = kb.eventsFor(service.id, "CN").at(-1);
      if (latest && (latest.status === "blocked" || latest.status === "partial")) return [];
      const last = latest ? `${latest.status} since ${latest.date}` : "no China event";
      return [`${service.id} (${on.join(", ")} on the list of ${list?.date}): latest China event is ${last}`];
    });
    if (offenders.length > 0)
      console.error(`services on the GFW SNI blocklist:\n  ${offenders.join("\n  ")}`);
    expect(offenders).toEqual([]);
  });
});
