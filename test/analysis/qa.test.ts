import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { analyzeDocument } from "../../analysis/ooni/read.js";
import type { FileAnalysis, Mechanism, ServiceStatusValue } from "../../model/status.js";
import { realKb } from "../helpers.js";

// OONI's network-emulation QA corpus: 50 Web Connectivity measurements whose file name is the scenario
// that produced them. The corpus has no licence to be copied, so it is read from ../shared and this test
// skips when that folder is absent (a fresh clone). The classes below are the issue's, verbatim.

const QA_DIR = fileURLToPath(new URL("../../../shared/data/ooni-synthetic/wc05_qa/", import.meta.url));
const present = existsSync(QA_DIR);
if (!present)
  console.warn(
    `skipping the QA agreement test: ${QA_DIR} is absent (it lives in ../shared, not in the repository)`,
  );

interface Expected {
  label: string;
  statuses: ServiceStatusValue[];
  mechanisms?: Mechanism[];
}

const BLOCKED_DNS: Expected = { label: "blocked dns", statuses: ["blocked"], mechanisms: ["dns"] };
const ACCESSIBLE: Expected = { label: "accessible", statuses: ["accessible"] };
const NOT_BLOCKED: Expected = { label: "not blocked", statuses: ["outage", "unknown", "accessible"] };
const blockedAt = (...mechanisms: Mechanism[]): Expected => ({
  label: `blocked ${mechanisms.join("/")}`,
  statuses: ["blocked"],
  mechanisms,
});

/** The issue's ground truth, by scenario name; the first matching rule wins. */
const RULES: [RegExp, Expected][] = [
  [/WithInconsistentDNS/, BLOCKED_DNS],
  [/^(dnsBlocking|dnsHijackingToLocalhost|ghostDNSBlocking)/, BLOCKED_DNS],
  [/^tcpBlockingConnectTimeout/, blockedAt("tcp")],
  [/^tlsBlockingConnectionResetWithConsistentDNS/, blockedAt("tls")],
  [/^(httpBlockingConnectionReset|httpDiffWithConsistentDNS|throttling)/, blockedAt("http")],
  [/^redirectWithConsistentDNSAndThen/, blockedAt("tcp", "tls", "http")],
  [
    /^(success|idna|largeFile|cloudflareCAPTCHAWithHTTPS|dnsHijackingToProxy|controlFailureWithSuccessfulHTTPSWebsite)/,
    ACCESSIBLE,
  ],
  [
    /^(badSSLWith(ExpiredCertificate|UnknownAuthorityWithConsistentDNS|WrongServerName)|localhost|redirectWithMoreThanTen|redirectWithBrokenLocation|websiteDown|controlFailureWithSuccessfulHTTPWebsite|cloudflareCAPTCHAWithHTTP)/,
    NOT_BLOCKED,
  ],
];

const expectedFor = (file: string) => RULES.find(([pattern]) => pattern.test(file))?.[1];

const agrees = (r: FileAnalysis, e: Expected) =>
  e.statuses.includes(r.status) &&
  (e.mechanisms === undefined || (r.mechanism !== null && e.mechanisms.includes(r.mechanism)));

describe.skipIf(!present)("OONI QA corpus (wc05_qa)", () => {
  const files = present
    ? readdirSync(QA_DIR)
        .filter((f) => f.endsWith(".json"))
        .sort()
    : [];
  const results = files.map((file) => ({
    file,
    expected: expectedFor(file),
    result: analyzeDocument(JSON.parse(readFileSync(`${QA_DIR}${file}`, "utf8")), {
      file,
      evidence: realKb().evidence,
    }),
  }));

  it("has a ground-truth class for each of the 50 scenarios", () => {
    expect(files).toHaveLength(50);
    expect(results.filter((r) => r.expected === undefined).map((r) => r.file)).toEqual([]);
  });

  it("agrees with at least 49 of 50, and prints every disagreement with its reason", () => {
    const disagreements = results.filter((r) => r.expected && !agrees(r.result, r.expected));
    const rows = disagreements.map((d) => ({
      scenario: d.file.replace(/\.json$/, ""),
      expected: d.expected?.label ?? "?",
      got: `${d.result.status}${d.result.mechanism ? ` ${d.result.mechanism}` : ""}`,
      reason: d.result.evidence.join("; "),
    }));
    console.log(
      `QA agreement: ${results.length - disagreements.length}/${results.length}\n` +
        (rows.length === 0
          ? "no disagreements"
          : [
              "| scenario | expected | got | reason |",
              "|---|---|---|---|",
              ...rows.map((r) => `| ${r.scenario} | ${r.expected} | ${r.got} | ${r.reason} |`),
            ].join("\n")),
    );
    expect(results.length - disagreements.length).toBeGreaterThanOrEqual(49);
  });

  it("never calls the site's own failure censorship", () => {
    const siteFaults = results.filter((r) => r.expected === NOT_BLOCKED);
    expect(siteFaults.filter((r) => r.result.status === "blocked").map((r) => r.file)).toEqual([]);
  });
});
