import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { analyzeContextFor } from "../analysis/judge.js";
import { analyzeDocument } from "../analysis/ooni/read.js";
import { unknownResult } from "../analysis/ooni/result.js";
import type { KnowledgeBase } from "../kb/knowledge-base.js";
import { loadKnowledgeBase } from "../kb/load.js";
import type { FileAnalysis } from "../model/status.js";
import { type Io, UsageError } from "./io.js";

// `isblocked analyze FILE... [--json]`: verdicts for measurement files, ours or OONI's. The files are read
// here; the analysis itself is pure (analysis/). A file that cannot be read or parsed gets status
// unknown and an `error`, and the others are still analysed. Exit code: 0 when at least one file could
// be read as JSON (whatever its verdict), 1 when none could, 2 for wrong usage.

const EVIDENCE_LINES = 4;

async function analyzeFile(
  file: string,
  kb: KnowledgeBase,
): Promise<{ result: FileAnalysis; read: boolean }> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    return {
      result: unknownResult(
        file,
        {},
        `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      ),
      read: false,
    };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return { result: unknownResult(file, {}, `not valid JSON: ${(error as Error).message}`), read: false };
  }
  const result = analyzeDocument(doc, analyzeContextFor(kb, file));
  return { result, read: true };
}

function table(results: readonly FileAnalysis[]): string {
  const rows = results.map((r) => [
    r.file,
    r.test_name ?? "-",
    r.probe_cc ?? "-",
    r.status,
    r.mechanism ?? "-",
    r.features.map((f) => `${f.feature} ${f.status}${f.mechanism ? `/${f.mechanism}` : ""}`).join(", ") ||
      "-",
  ]);
  const head = ["FILE", "TEST", "CC", "STATUS", "MECHANISM", "FEATURES"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  const out = [line(head)];
  results.forEach((r, i) => {
    out.push(line(rows[i] ?? []));
    if (r.error) out.push(`    error: ${r.error}`);
    for (const e of r.evidence.slice(0, EVIDENCE_LINES)) out.push(`    ${e}`);
  });
  return `${out.join("\n")}\n`;
}

export async function runAnalyze(args: string[], io: Io): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    options: { json: { type: "boolean" } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length === 0) throw new UsageError("usage: isblocked analyze FILE... [--json]");
  const kb = loadKnowledgeBase();
  const analysed = [];
  for (const file of positionals) analysed.push(await analyzeFile(file, kb));
  const results = analysed.map((a) => a.result);
  io.out(values.json ? `${JSON.stringify(results, null, 2)}\n` : table(results));
  return analysed.some((a) => a.read) ? 0 : 1;
}
