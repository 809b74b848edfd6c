import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runAnalyze } from "../../cli/analyze.js";
import { UsageError } from "../../cli/io.js";
import { fixturePath } from "../helpers.js";

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runAnalyze(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

const tmp = () => mkdtempSync(join(tmpdir(), "isblocked-analyze-"));

describe("isblocked analyze", () => {
  it("prints one JSON array, one object per file, in the contract's shape", async () => {
    const files = ["bug_352.json", "whatsapp.json"].map((f) => fixturePath(`ooni/${f}`));
    const r = await run([...files, "--json"]);
    expect(r.code).toBe(0);
    const results = JSON.parse(r.out);
    expect(results).toHaveLength(2);
    for (const key of ["file", "test_name", "input", "probe_cc", "status", "mechanism", "features"]) {
      expect(results[0]).toHaveProperty(key);
    }
    expect(results.map((x: { status: string }) => x.status)).toEqual(["blocked", "accessible"]);
    expect(results[0]).toMatchObject({
      file: files[0],
      test_name: "web_connectivity",
      input: "https://fa.wikipedia.org",
      probe_cc: "IR",
      mechanism: "dns",
    });
    expect(results[0].features).toEqual([{ feature: "web", status: "blocked", mechanism: "dns" }]);
  });

  it("prints a readable table with the evidence without --json", async () => {
    const r = await run([fixturePath("ooni/bug_352.json")]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^FILE\s+TEST\s+CC\s+STATUS\s+MECHANISM\s+FEATURES/);
    expect(r.out).toContain("web_connectivity  IR  blocked  dns");
    expect(r.out).toContain("10.10.34.36");
  });

  it("gives an unreadable or invalid file status unknown and an error, and still analyses the rest", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "broken.json"), "{ not json");
    const missing = join(dir, "missing.json");
    const r = await run([missing, join(dir, "broken.json"), fixturePath("ooni/bug_352.json"), "--json"]);
    expect(r.code).toBe(0);
    const [a, b, c] = JSON.parse(r.out);
    expect(a).toMatchObject({ file: missing, status: "unknown", features: [] });
    expect(a.error).toMatch(/cannot read the file: ENOENT/);
    expect(b.error).toMatch(/not valid JSON/);
    expect(c.status).toBe("blocked");
  });

  it("exits 1 only when no file could be read at all", async () => {
    const dir = tmp();
    writeFileSync(join(dir, "broken.json"), "]");
    expect((await run([join(dir, "nope.json"), join(dir, "broken.json")])).code).toBe(1);
    writeFileSync(join(dir, "other.json"), JSON.stringify({ hello: "world" }));
    const r = await run([join(dir, "other.json"), "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)[0]).toMatchObject({
      status: "unknown",
      error: "not a measurement (no test_keys)",
    });
  });

  it("refuses to run without a file", async () => {
    await expect(run(["--json"])).rejects.toBeInstanceOf(UsageError);
  });
});
