import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { z } from "zod";
import { parseYaml } from "../core/yaml.js";
import { KnowledgeBase } from "./knowledge-base.js";
import {
  bogonRange,
  type Country,
  country,
  EVIDENCE_LISTS,
  type Evidence,
  emptyEvidence,
  event,
  forgedAnswer,
  type KbEvent,
  pageFingerprint,
  type Service,
  service,
} from "./schema.js";
import { digestOf, type ParsedDocuments, readSnapshot } from "./snapshot.js";
import { KbError, type KbProblem, validateKnowledgeBase } from "./validate.js";

/** kb/ beside the package root, found from this file whether it runs from source or from dist/. */
export function defaultKbDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "kb", "services")))
      return join(dir, "kb");
    const parent = dirname(dir);
    if (parent === dir)
      throw new KbError([{ code: "KbNotFound", file: "kb", message: "no kb/ folder found" }]);
    dir = parent;
  }
}

interface Parsed<T> {
  value: T[];
  problems: KbProblem[];
}

function readYaml(file: string, label: string, problems: KbProblem[], parsed: ParsedDocuments): unknown {
  try {
    const text = readFileSync(file, "utf8");
    if (parsed.size > 0) {
      const digest = digestOf(text);
      if (parsed.has(digest)) return parsed.get(digest);
    }
    return parseYaml(text);
  } catch (error) {
    problems.push({
      code: "KbUnreadable",
      file: label,
      message: (error as Error).message.split("\n")[0] ?? "",
    });
    return undefined;
  }
}

function schemaProblems(label: string, error: z.ZodError, prefix: (string | number)[] = []): KbProblem[] {
  return error.issues.map((issue) => ({
    code: "KbSchemaViolation",
    file: label,
    message: `${[...prefix, ...issue.path].join(".") || "(root)"}: ${issue.message}`,
  }));
}

function parseList<T>(
  raw: unknown,
  label: string,
  schema: z.ZodType<T>,
  precheck?: (item: unknown, index: number) => KbProblem | undefined,
): Parsed<T> {
  const problems: KbProblem[] = [];
  // Unreadable files were reported by readYaml already.
  if (raw === undefined) return { value: [], problems };
  if (!Array.isArray(raw)) {
    return { value: [], problems: [{ code: "KbSchemaViolation", file: label, message: "expected a list" }] };
  }
  const value: T[] = [];
  raw.forEach((item, index) => {
    const early = precheck?.(item, index);
    if (early) {
      problems.push(early);
      return;
    }
    const result = schema.safeParse(item);
    if (result.success) value.push(result.data);
    else problems.push(...schemaProblems(label, result.error, [index]));
  });
  return { value, problems };
}

const eventWithoutSource = (label: string) => (item: unknown, index: number) => {
  const source = (item as { source?: unknown } | null)?.source;
  if (typeof source === "string" && source.trim() !== "") return undefined;
  const what = item as { service?: unknown; country?: unknown; date?: unknown } | null;
  return {
    code: "KbEventWithoutSource",
    file: label,
    message: `event ${index} (${String(what?.service)} ${String(what?.country)} ${String(what?.date)}) has no source`,
  };
};

const evidenceWithoutSource = (label: string, list: string) => (item: unknown, index: number) => {
  const source = (item as { source?: unknown } | null)?.source;
  if (typeof source === "string" && source.trim() !== "") return undefined;
  const what = item as { id?: unknown; cidr?: unknown } | null;
  return {
    code: "KbEvidenceWithoutSource",
    file: label,
    message: `${list}.${index} (${String(what?.id ?? what?.cidr)}) has no source`,
  };
};

/**
 * kb/evidence.yaml: optional, so that a knowledge base without it (a test fixture) still loads; the
 * analyzer then has no positive evidence and says unknown where it would have needed some.
 */
function readEvidence(file: string, label: string, problems: KbProblem[], parsed: ParsedDocuments): Evidence {
  const evidence = emptyEvidence();
  if (!existsSync(file)) return evidence;
  const raw = readYaml(file, label, problems, parsed);
  if (raw === undefined || raw === null) return evidence;
  if (typeof raw !== "object" || Array.isArray(raw)) {
    problems.push({ code: "KbSchemaViolation", file: label, message: "expected a mapping of lists" });
    return evidence;
  }
  const record = raw as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!(EVIDENCE_LISTS as readonly string[]).includes(key)) {
      problems.push({ code: "KbSchemaViolation", file: label, message: `unknown list ${key}` });
    }
  }
  const parse = <T>(list: (typeof EVIDENCE_LISTS)[number], schema: z.ZodType<T>): T[] => {
    if (record[list] === undefined) return [];
    const parsed = parseList(record[list], label, schema, evidenceWithoutSource(label, list));
    // parseList numbers problems from the list's start; say which list they are in.
    problems.push(
      ...parsed.problems.map((p) => ({
        ...p,
        message: p.message.startsWith(list) ? p.message : `${list}.${p.message}`,
      })),
    );
    return parsed.value;
  };
  evidence.bogons = parse("bogons", bogonRange);
  evidence.forgedAnswers = parse("forgedAnswers", forgedAnswer);
  evidence.blockpages = parse("blockpages", pageFingerprint);
  evidence.benignPages = parse("benignPages", pageFingerprint);
  const ids = new Set<string>();
  for (const f of [...evidence.blockpages, ...evidence.benignPages]) {
    if (ids.has(f.id)) {
      problems.push({ code: "KbDuplicateId", file: label, message: `fingerprint ${f.id} is listed twice` });
    }
    ids.add(f.id);
  }
  return evidence;
}

/** The service files of the knowledge base in `dir`, sorted by name. */
function serviceFileNames(dir: string): string[] {
  const serviceDir = join(dir, "services");
  return existsSync(serviceDir)
    ? readdirSync(serviceDir)
        .filter((f) => f.endsWith(".yaml") || f.endsWith(".yml"))
        .sort()
    : [];
}

/**
 * The history files in `dir`: `events.yaml` (one file, as small knowledge bases keep it) and then
 * `events/*.yaml`, one per country, sorted by name.
 */
function eventFiles(dir: string): string[] {
  const eventDir = join(dir, "events");
  const perCountry = existsSync(eventDir)
    ? readdirSync(eventDir)
        .filter((f) => f.endsWith(".yaml") || f.endsWith(".yml"))
        .sort()
        .map((name) => join(eventDir, name))
    : [];
  return [join(dir, "events.yaml"), ...perCountry].filter((file) => existsSync(file));
}

/** Every YAML file the loader reads from `dir` that exists: what a snapshot (kb/snapshot.ts) covers. */
export function knowledgeBaseFiles(dir: string): string[] {
  return [
    ...serviceFileNames(dir).map((name) => join(dir, "services", name)),
    ...eventFiles(dir),
    ...["countries.yaml", "evidence.yaml"].map((name) => join(dir, name)),
  ].filter((file) => existsSync(file));
}

export interface LoadOptions {
  /**
   * Take every file whose text the snapshot holds (kb/snapshot.ts) from there: `true` for the one
   * `npm run build` wrote, or its path. `start` and the other commands set it; `kb check` reads the YAML.
   */
  snapshot?: boolean | string;
}

/** Reads and validates the knowledge base; throws KbError listing every problem found. */
export function loadKnowledgeBase(dir: string = defaultKbDir(), options: LoadOptions = {}): KnowledgeBase {
  const problems: KbProblem[] = [];
  const label = (file: string) => relative(dirname(dir), file) || file;
  const parsed: ParsedDocuments =
    options.snapshot === undefined || options.snapshot === false
      ? new Map()
      : readSnapshot(options.snapshot === true ? undefined : options.snapshot);

  const services: Service[] = [];
  const serviceDir = join(dir, "services");
  for (const name of serviceFileNames(dir)) {
    const file = join(serviceDir, name);
    const raw = readYaml(file, label(file), problems, parsed);
    if (raw === undefined) continue;
    const result = service.safeParse(raw);
    if (!result.success) {
      problems.push(...schemaProblems(label(file), result.error));
      continue;
    }
    if (`${result.data.id}.yaml` !== name && `${result.data.id}.yml` !== name) {
      problems.push({
        code: "KbSchemaViolation",
        file: label(file),
        message: `id ${result.data.id} does not match the file name`,
      });
    }
    services.push(result.data);
  }

  const countriesFile = join(dir, "countries.yaml");
  const countries: Parsed<Country> = parseList(
    readYaml(countriesFile, label(countriesFile), problems, parsed),
    label(countriesFile),
    country,
  );
  const events: KbEvent[] = [];
  const eventLabels: string[] = [];
  for (const file of eventFiles(dir)) {
    const list: Parsed<KbEvent> = parseList(
      readYaml(file, label(file), problems, parsed),
      label(file),
      event,
      eventWithoutSource(label(file)),
    );
    problems.push(...list.problems);
    events.push(...list.value);
    eventLabels.push(...list.value.map(() => label(file)));
  }
  problems.push(...countries.problems);
  const evidenceFile = join(dir, "evidence.yaml");
  const evidence = readEvidence(evidenceFile, label(evidenceFile), problems, parsed);

  const kb = new KnowledgeBase(services, countries.value, events, evidence);
  problems.push(
    ...validateKnowledgeBase(kb, {
      services: (id) => label(join(serviceDir, `${id}.yaml`)),
      countries: label(countriesFile),
      events: (index) => eventLabels[index] ?? label(join(dir, "events")),
    }),
  );
  if (problems.length > 0) throw new KbError(problems);
  return kb;
}
