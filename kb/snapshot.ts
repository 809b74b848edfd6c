import { createHash } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual } from "node:util";

// Parsing the knowledge base's YAML is most of start-up's CPU (the `yaml` library, cold, takes longer than
// everything else the knowledge base needs), while the same documents read back from JSON take a few
// milliseconds. `npm run build` therefore stores every YAML document, parsed, in one JSON file keyed by the
// SHA-256 of the file's text. The loader looks each file's text up there and parses the YAML only when it
// is missing: an edited, added or renamed file is never served stale, whatever its mtime says (a checkout,
// a `COPY` or an archive can make an edited file look older than the snapshot), and everything after the
// parse (schema, cross-file rules, named errors) runs as before.

const FORMAT = "isblocked-kb-snapshot";
const VERSION = 1;

/** dist/kb/kb-snapshot.json, beside the compiled loader. */
export const DEFAULT_SNAPSHOT = fileURLToPath(new URL("./kb-snapshot.json", import.meta.url));

/** Parsed YAML documents by the SHA-256 (hex) of their text. */
export type ParsedDocuments = ReadonlyMap<string, unknown>;

export function digestOf(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * The snapshot at `file`; an empty map when there is none or it is not one (a checkout that never ran the
 * build, a snapshot of an older format): the loader then parses every file, which is only slower.
 */
export function readSnapshot(file: string = DEFAULT_SNAPSHOT): ParsedDocuments {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return new Map();
  }
  const snapshot = raw as { format?: unknown; version?: unknown; documents?: unknown } | null;
  if (snapshot?.format !== FORMAT || snapshot.version !== VERSION) return new Map();
  const documents = snapshot.documents;
  if (typeof documents !== "object" || documents === null || Array.isArray(documents)) return new Map();
  return new Map(Object.entries(documents));
}

/**
 * Writes the snapshot of `texts` (YAML file contents) with `parse`, the loader's own YAML parse. A text that
 * does not parse, or whose document would not survive JSON unchanged, is left out, so the loader parses it
 * itself and reports what it reports today. Returns how many documents were stored.
 */
export function writeSnapshot(
  texts: readonly string[],
  parse: (text: string) => unknown,
  file: string,
): number {
  const documents: Record<string, unknown> = {};
  for (const text of texts) {
    let document: unknown;
    try {
      document = parse(text);
    } catch {
      continue;
    }
    if (document === undefined) continue;
    if (!isDeepStrictEqual(JSON.parse(JSON.stringify(document)), document)) continue;
    documents[digestOf(text)] = document;
  }
  // Written under another name and renamed: a start-up never reads half a snapshot.
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, JSON.stringify({ format: FORMAT, version: VERSION, documents }));
  renameSync(partial, file);
  return Object.keys(documents).length;
}
