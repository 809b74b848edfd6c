import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { classifyAddress, findBenignPage, findBlockpage } from "../../analysis/evidence.js";
import { addressHost, canonicalIp, cidrContains, parseCidr, parseIp } from "../../analysis/ip.js";
import { testKeysOf } from "../../analysis/ooni/normalize.js";
import { loadKnowledgeBase } from "../../kb/load.js";
import { KbError } from "../../kb/validate.js";
import { fixturePath, miniKb, realKb } from "../helpers.js";
import { page } from "./build.js";

describe("kb/evidence.yaml", () => {
  it("loads bogons, forged answers, blockpages and benign pages, each with a source URL", () => {
    const { evidence } = realKb();
    expect(evidence.bogons.length).toBeGreaterThan(10);
    expect(evidence.forgedAnswers.length).toBeGreaterThan(5);
    expect(evidence.blockpages.length).toBeGreaterThan(5);
    expect(evidence.benignPages.length).toBeGreaterThan(0);
    const all = [
      ...evidence.bogons,
      ...evidence.forgedAnswers,
      ...evidence.blockpages,
      ...evidence.benignPages,
    ];
    for (const entry of all) expect(entry.source).toMatch(/^https?:\/\/\S+$/);
  });

  it("is optional: a knowledge base without it has no evidence", () => {
    expect(miniKb().evidence).toEqual({ bogons: [], forgedAnswers: [], blockpages: [], benignPages: [] });
  });

  function codesWith(yaml: string): string[] {
    const dir = mkdtempSync(join(tmpdir(), "isblocked-evidence-"));
    cpSync(fixturePath("kb-mini"), dir, { recursive: true });
    writeFileSync(join(dir, "evidence.yaml"), yaml);
    try {
      loadKnowledgeBase(dir);
      return [];
    } catch (error) {
      if (error instanceof KbError) return error.kbProblems.map((p) => p.code);
      throw error;
    }
  }

  it.each([
    [
      "an entry without a source",
      "bogons:\n  - { cidr: 10.0.0.0/8, label: private }\n",
      "KbEvidenceWithoutSource",
    ],
    [
      "an empty source",
      "bogons:\n  - { cidr: 10.0.0.0/8, label: private, source: '' }\n",
      "KbEvidenceWithoutSource",
    ],
    [
      "a source that is not a URL",
      "bogons:\n  - { cidr: 10.0.0.0/8, label: private, source: RFC 1918 }\n",
      "KbSchemaViolation",
    ],
    [
      "a range that is not one",
      "bogons:\n  - { cidr: 10.0.0.0/33, label: x, source: 'https://example.org' }\n",
      "KbSchemaViolation",
    ],
    [
      "a forged answer without a country",
      "forgedAnswers:\n  - { cidr: 10.10.34.34, label: x, source: 'https://example.org' }\n",
      "KbSchemaViolation",
    ],
    [
      "a header fingerprint without its header",
      "blockpages:\n  - { id: x, where: header, match: prefix, pattern: http://warning, label: x, source: 'https://example.org' }\n",
      "KbSchemaViolation",
    ],
    ["an unknown list", "blockpage:\n  - {}\n", "KbSchemaViolation"],
  ])("names %s", (_name, yaml, code) => {
    expect(codesWith(yaml)).toContain(code);
  });

  it("accepts a well-formed file", () => {
    expect(
      codesWith(
        "bogons:\n  - { cidr: 'fc00::/7', label: ula, source: 'https://www.rfc-editor.org/rfc/rfc4193' }\n",
      ),
    ).toEqual([]);
  });
});

describe("evidence matchers", () => {
  const evidence = () => realKb().evidence;

  it.each([
    ["10.10.34.35", "IR", "forged", "Iran"],
    ["10.10.34.35", "IT", "bogon", "RFC 1918"],
    ["10.10.34.99", "IR", "forged", "10.10.34.0/24"],
    ["127.0.0.1", null, "bogon", "loopback"],
    ["::ffff:127.0.0.1", null, "bogon", "loopback"],
    ["0.0.0.0", null, "bogon", "this network"],
    ["::", null, "bogon", "unspecified"],
    ["fe80::1", null, "bogon", "link-local"],
    ["100.64.1.1", null, "bogon", "carrier-grade NAT"],
    ["8.7.198.45", "CN", "forged", "Great Firewall"],
    ["243.185.187.39", "CN", "forged", "Great Firewall"],
    ["243.185.187.39", "US", "bogon", "reserved"],
    ["2001::caa0:80d2", "CN", "forged", "Teredo"],
  ] as const)("%s in %s is %s (%s)", (ip, country, kind, label) => {
    const m = classifyAddress(evidence(), ip, country);
    expect(m?.kind).toBe(kind);
    expect(m?.label).toContain(label);
  });

  it.each(["8.8.8.8", "93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "not an address"])(
    "%s is no evidence",
    (ip) => {
      expect(classifyAddress(evidence(), ip, "CN")).toBeNull();
    },
  );

  it("finds a blockpage in a Location header, also when OONI stored it as base64", () => {
    const plain = page({ code: 302, headers: { Location: "http://lamanlabuh.aduankonten.id/" } });
    expect(findBlockpage(evidence(), plain)?.id).toBe("id-kominfo-lamanlabuh");
    const data = Buffer.from("http://warning.rt.ru/?id=1").toString("base64");
    const raw = {
      requests: [
        {
          request: { url: "http://x.ru/" },
          response: { code: 302, headers: { Location: { format: "base64", data } } },
        },
      ],
    };
    const response = testKeysOf(raw).requests[0]?.response;
    expect(response && findBlockpage(evidence(), response)?.id).toBe("ru-rostelecom-warning");
  });

  it("finds Cloudflare's challenge as benign, by header or by body", () => {
    expect(
      findBenignPage(evidence(), page({ code: 403, headers: { "CF-Mitigated": "challenge" } })),
    ).not.toBeNull();
    expect(
      findBenignPage(
        evidence(),
        page({ code: 503, body: '<script src="/cdn-cgi/challenge-platform/h/g/x"></script>' }),
      ),
    ).not.toBeNull();
    expect(findBenignPage(evidence(), page({ code: 200, body: "<title>Access Denied</title>" }))).toBeNull();
  });
});

describe("ip", () => {
  it.each([
    ["1.2.3.4", 4],
    ["::1", 6],
    ["[2001:db8::1]", 6],
    ["::ffff:1.2.3.4", 6],
    ["fe80::1%eth0", 6],
  ] as const)("parses %s", (text, family) => {
    expect(parseIp(text)?.family).toBe(family);
  });

  it.each(["1.2.3", "256.1.1.1", "1::2::3", "hello", "", "1.2.3.4.5", "12345::"])("rejects %s", (text) => {
    expect(parseIp(text)).toBeNull();
  });

  it("matches ranges, IPv4-mapped IPv6 included", () => {
    const range = parseCidr("10.0.0.0/8");
    expect(range && cidrContains(range, "10.255.0.1")).toBe(true);
    expect(range && cidrContains(range, "11.0.0.1")).toBe(false);
    expect(range && cidrContains(range, "::ffff:10.1.2.3")).toBe(true);
    const v6 = parseCidr("fc00::/7");
    expect(v6 && cidrContains(v6, "fd12::1")).toBe(true);
    expect(v6 && cidrContains(v6, "10.0.0.1")).toBe(false);
    expect(parseCidr("10.0.0.0/40")).toBeNull();
  });

  it("reads addresses out of ip:port and compares them canonically", () => {
    expect(addressHost("1.2.3.4:443")).toBe("1.2.3.4");
    expect(addressHost("[2001:db8::1]:443")).toBe("2001:db8::1");
    expect(addressHost("2001:db8::1")).toBe("2001:db8::1");
    expect(addressHost(null)).toBeNull();
    expect(canonicalIp("2001:DB8:0:0::1")).toBe(canonicalIp("2001:db8::1"));
  });
});
