import { editDistance, typoBudget } from "../core/fuzzy.js";
import { aliasKey, HAN, normalize } from "../core/text.js";
import type { AliasEntry, AliasTarget, KnowledgeBase } from "../kb/knowledge-base.js";

/** What a question asks about, before defaults are applied. Pure data. */
export interface ParsedQuestion {
  understood: boolean;
  /** Knowledge-base service id. */
  service: string | null;
  /** Host name the question named (a URL or a bare domain), without `www.`. */
  domain: string | null;
  /** ISO 3166-1 alpha-2, only when the question names a country or one of its regions. */
  country: string | null;
  region: string | null;
  /** Up to 3 service ids that look like what was meant, when nothing was understood. */
  suggestions: string[];
}

// Words of the question itself that are never a service or a country, in the four languages; kept out of
// typo matching so "blocked" is never read as a misspelt service.
const QUESTION_WORDS = new Set(
  [
    "is blocked block blocking banned ban censored censorship in inside the a an can could i we you use using",
    "does do did work working works still accessible available access down up open reach reachable there",
    "it now today currently right from on at to of for with and or my our status check whether if what",
    "which why how where when app site website web service please tell me about any still still",
    "заблокирован заблокирована заблокировано заблокированы блокировка блокируют работает работают",
    "можно ли в во на из есть ли сейчас доступен доступна доступно открывается пользоваться как почему",
    "آیا در فیلتر است هست شده میشه میشود کار میکند میکنه دسترسی مسدود باز بسته از برای با چرا",
  ]
    .join(" ")
    .split(/\s+/),
);

// Country codes that are also common words: read as a code only when written in capitals.
const CODES_THAT_ARE_WORDS = new Set([
  "in",
  "is",
  "it",
  "to",
  "no",
  "by",
  "me",
  "my",
  "at",
  "be",
  "do",
  "so",
  "us",
]);

const TLDS = new Set(
  (
    "com net org info io me co app dev edu gov mil int biz xyz online site tv fm news blog cloud ai " +
    "cn hk tw mo ir ru by tr vn mm tm ae sa eg pk kp cu kz uz in id et ve af sy tj de nl us uk gb jp fi se ch " +
    "ca fr es it pl ua lv lt ee cz at be dk no pt gr ro hu bg rs hr si sk ie au nz br ar mx cl kr sg my th ph " +
    "il jo lb iq kw qa bh om ye ng ke za ma dz tn ly su"
  ).split(" "),
);

const URL_OR_DOMAIN =
  /(?:https?:\/\/)?((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+([a-z]{2,24}))(?::\d{1,5})?(?:[/?#][^\s]*)?/giu;

interface Match {
  target: AliasTarget;
  /** Position in the question, so the first-named service wins. */
  at: number;
  fuzzy: boolean;
}

interface Word {
  key: string;
  at: number;
}

/** Splits into words; Han runs are kept whole because Chinese writes no spaces between words. */
function words(text: string): Word[] {
  const out: Word[] = [];
  // Spaces around Han runs split "whatsapp在中国" into a Latin word and a Han run; the padding is two
  // characters per run, which only shifts positions used for ordering.
  const spaced = text.replace(/\p{Script=Han}+/gu, (run) => ` ${run} `);
  for (const m of spaced.matchAll(/[\p{L}\p{M}\p{N}]+(?:['’]\p{L}+)?/gu)) {
    out.push({ key: aliasKey(m[0]), at: m.index ?? 0 });
  }
  return out;
}

// Russian nouns decline: "в телеграме", "из России". Aliases list the common forms; this catches the rest.
const RUSSIAN_ENDINGS = ["ами", "ями", "ом", "ем", "ой", "ей", "ах", "ях", "е", "а", "у", "ю", "и", "ы", "я"];

class AliasIndex {
  readonly byKey = new Map<string, AliasEntry>();
  readonly hanKeys: string[];
  constructor(readonly kb: KnowledgeBase) {
    for (const a of kb.aliases) if (!this.byKey.has(a.key)) this.byKey.set(a.key, a);
    this.hanKeys = [...this.byKey.keys()].filter((k) => HAN.test(k)).sort((a, b) => b.length - a.length);
  }
}

const indexes = new WeakMap<KnowledgeBase, AliasIndex>();
function indexFor(kb: KnowledgeBase): AliasIndex {
  let index = indexes.get(kb);
  if (!index) {
    index = new AliasIndex(kb);
    indexes.set(kb, index);
  }
  return index;
}

function exactMatches(list: Word[], index: AliasIndex): { matches: Match[]; used: Set<number> } {
  const matches: Match[] = [];
  const used = new Set<number>();
  // Longest run of words first, so "mainland china" beats "china" and "whats app" beats "app".
  for (let n = Math.min(4, list.length); n >= 1; n--) {
    for (let i = 0; i + n <= list.length; i++) {
      if (Array.from({ length: n }, (_, k) => i + k).some((k) => used.has(k))) continue;
      const slice = list.slice(i, i + n);
      if (n > 1 && slice.some((w) => HAN.test(w.key))) continue;
      const entry = index.byKey.get(slice.map((w) => w.key).join(""));
      if (!entry) continue;
      matches.push({ target: entry.target, at: slice[0]?.at ?? 0, fuzzy: false });
      for (let k = i; k < i + n; k++) used.add(k);
    }
  }
  return { matches, used };
}

/** Chinese: find aliases inside each Han run, longest first, without overlaps. */
function hanMatches(list: Word[], used: Set<number>, index: AliasIndex): Match[] {
  const matches: Match[] = [];
  list.forEach((word, i) => {
    if (used.has(i) || !HAN.test(word.key)) return;
    const taken = new Array<boolean>(word.key.length).fill(false);
    for (const key of index.hanKeys) {
      let from = 0;
      for (;;) {
        const pos = word.key.indexOf(key, from);
        if (pos < 0) break;
        from = pos + 1;
        if (taken.slice(pos, pos + key.length).some(Boolean)) continue;
        taken.fill(true, pos, pos + key.length);
        const entry = index.byKey.get(key);
        if (entry) matches.push({ target: entry.target, at: word.at + pos, fuzzy: false });
      }
    }
  });
  return matches;
}

function inflectedMatch(word: Word, index: AliasIndex): AliasEntry | undefined {
  if (!/^\p{Script=Cyrillic}{4,}$/u.test(word.key)) return undefined;
  for (const ending of RUSSIAN_ENDINGS) {
    if (!word.key.endsWith(ending) || word.key.length - ending.length < 3) continue;
    const stem = word.key.slice(0, -ending.length);
    const entry = index.byKey.get(stem) ?? index.byKey.get(`${stem}а`) ?? index.byKey.get(`${stem}я`);
    if (entry) return entry;
  }
  return undefined;
}

function closest(word: string, index: AliasIndex, kinds: AliasTarget["kind"][]): AliasEntry | undefined {
  const budget = typoBudget(word.length);
  if (budget === 0 || QUESTION_WORDS.has(word)) return undefined;
  let best: AliasEntry | undefined;
  let bestDistance = budget + 1;
  for (const entry of index.byKey.values()) {
    if (!kinds.includes(entry.target.kind) || typoBudget(entry.key.length) === 0) continue;
    const d = editDistance(word, entry.key, bestDistance - 1);
    if (d < bestDistance) {
      best = entry;
      bestDistance = d;
    }
  }
  return best;
}

function domainsIn(text: string): { host: string; start: number; end: number }[] {
  const out: { host: string; start: number; end: number }[] = [];
  for (const m of text.matchAll(URL_OR_DOMAIN)) {
    const host = (m[1] ?? "").toLowerCase();
    const tld = (m[2] ?? "").toLowerCase();
    const explicitUrl = /^https?:\/\//i.test(m[0]);
    if (!explicitUrl && !TLDS.has(tld)) continue;
    out.push({ host, start: m.index ?? 0, end: (m.index ?? 0) + m[0].length });
  }
  return out;
}

function suggestionsFor(list: Word[], index: AliasIndex): string[] {
  const scored = new Map<string, number>();
  for (const word of list) {
    if (word.key.length < 3 || QUESTION_WORDS.has(word.key)) continue;
    for (const entry of index.byKey.values()) {
      if (entry.target.kind !== "service") continue;
      const limit = Math.max(2, Math.ceil(entry.key.length / 2));
      const d = editDistance(word.key, entry.key, limit);
      const prefix = entry.key.startsWith(word.key) || word.key.startsWith(entry.key) ? -1 : 0;
      const score = d + prefix;
      if (d <= limit && score < (scored.get(entry.target.id) ?? Number.POSITIVE_INFINITY)) {
        scored.set(entry.target.id, score);
      }
    }
  }
  return [...scored.entries()]
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
    .slice(0, 3)
    .map(([id]) => id);
}

/** Understands a free-text question or command arguments. Pure: same input, same answer. */
export function parseQuestion(input: string, kb: KnowledgeBase): ParsedQuestion {
  const index = indexFor(kb);
  // "/status@isblocked_bot whatsapp cn" → "whatsapp cn"
  let text = input.replace(/^\s*\/[a-z_]+(?:@\w+)?/i, " ");

  let domain: string | null = null;
  let service: string | null = null;
  for (const d of domainsIn(text)) {
    const owner = kb.serviceForHost(d.host);
    if (domain === null) domain = d.host.replace(/^www\./, "");
    if (owner && service === null) service = owner;
    text = `${text.slice(0, d.start)}${" ".repeat(d.end - d.start)}${text.slice(d.end)}`;
  }

  const list = words(normalize(text));
  const exact = exactMatches(list, index);
  const matches = [...exact.matches, ...hanMatches(list, exact.used, index)];
  list.forEach((word, i) => {
    if (exact.used.has(i) || HAN.test(word.key)) return;
    const entry = inflectedMatch(word, index);
    if (entry) {
      matches.push({ target: entry.target, at: word.at, fuzzy: false });
      exact.used.add(i);
    }
  });

  const has = (kind: AliasTarget["kind"]) => matches.some((m) => m.target.kind === kind);
  if (service === null && !has("service")) {
    list.forEach((word, i) => {
      if (exact.used.has(i)) return;
      const entry = closest(word.key, index, ["service"]);
      if (entry) {
        matches.push({ target: entry.target, at: word.at, fuzzy: true });
        exact.used.add(i);
      }
    });
  }

  let country: string | null = null;
  let region: string | null = null;
  const place = matches
    .filter((m) => m.target.kind !== "service")
    .sort(
      (a, b) => Number(a.target.kind === "country") - Number(b.target.kind === "country") || a.at - b.at,
    )[0];
  if (place?.target.kind === "region") {
    country = place.target.country;
    region = place.target.id;
  } else if (place?.target.kind === "country") {
    country = place.target.code;
  }
  if (country === null) country = countryCode(text, kb);
  if (country === null) {
    for (const [i, word] of list.entries()) {
      if (exact.used.has(i)) continue;
      const entry = closest(word.key, index, ["country"]);
      if (entry?.target.kind === "country") {
        country = entry.target.code;
        break;
      }
    }
  }

  if (service === null) {
    const first = matches.filter((m) => m.target.kind === "service").sort((a, b) => a.at - b.at)[0];
    if (first?.target.kind === "service") service = first.target.id;
  }

  const understood = service !== null || domain !== null;
  return {
    understood,
    service,
    domain,
    country,
    region,
    suggestions: understood ? [] : suggestionsFor(list, index),
  };
}

/** A two-letter ISO code standing alone: "whatsapp cn", "/status telegram IR". */
function countryCode(text: string, kb: KnowledgeBase): string | null {
  for (const m of text.matchAll(/(?<![\p{L}\p{N}])([A-Za-z]{2})(?![\p{L}\p{N}])/gu)) {
    const raw = m[1] ?? "";
    const code = raw.toUpperCase();
    if (!kb.country(code)) continue;
    if (raw !== code && CODES_THAT_ARE_WORDS.has(raw.toLowerCase())) continue;
    return code;
  }
  return null;
}
