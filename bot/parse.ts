import { editDistance, typoBudget } from "../core/fuzzy.js";
import { aliasKey, HAN, normalize, withoutInvisible } from "../core/text.js";
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

// Words of the question itself, and of networks in general, that are never a service or a place, in the
// four languages; kept out of typo matching so "blocked" is never read as a misspelt service, nor "router"
// as Reuters.
const QUESTION_WORDS = new Set(
  [
    "is blocked block blocking banned ban censored censorship in inside the a an can could i we you use using",
    "does do did work working works still accessible available access down up open reach reachable there",
    "it now today currently right from on at to of for with and or my our status check whether if what",
    "which why how where when app apps site sites website web service please tell me about any what's",
    "internet online offline wifi router network connection phone mobile message messages email link",
    "заблокирован заблокирована заблокировано заблокированы блокировка блокируют работает работают",
    "можно ли в во на из есть ли сейчас доступен доступна доступно открывается пользоваться как почему",
    "что какой какая какие где интернет сайт сайты приложение канал каналы видео роутер сеть",
    "آیا در فیلتر است هست شده میشه میشود کار میکند میکنه دسترسی مسدود باز بسته از برای با چرا کدام",
    "الان هنوز امروز اینترنت سایت برنامه",
  ]
    .join(" ")
    .split(/\s+/)
    .map(aliasKey),
);

// Words for a kind of tool rather than one tool: "which VPN works in Iran?" is answered with suggestions of
// ways around blocking, not with one service.
const CIRCUMVENTION_WORDS = new Set(
  [
    "vpn",
    "vpns",
    "proxy",
    "proxies",
    "впн",
    "прокси",
    "翻墙",
    "翻牆",
    "梯子",
    "فیلترشکن",
    "وی پی ان",
    "پروکسی",
  ].map(aliasKey),
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

// Not a Unicode regex: with both `i` and `u`, [a-z] also matches "ſ" and the Kelvin sign "K" (they fold to
// s and k), and "ſ.com" would be taken for a host name.
const URL_OR_DOMAIN =
  /(?:https?:\/\/)?((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+([a-z]{2,24}))(?::\d{1,5})?(?:[/?#][^\s]*)?/gi;

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

/**
 * Splits into words; Han runs are kept whole (and apart from the Latin around them, "whatsapp在中国") because
 * Chinese writes no spaces between words. Positions are those of `text`.
 */
function words(text: string): Word[] {
  const out: Word[] = [];
  for (const m of text.matchAll(WORD)) out.push({ key: aliasKey(m[0]), at: m.index ?? 0 });
  return out;
}

const WORD =
  /\p{Script=Han}+|(?:(?!\p{Script=Han})[\p{L}\p{M}\p{N}])+(?:['’](?:(?!\p{Script=Han})\p{L})+)?/gu;

const LATIN_WORD = /^[\p{Script=Latin}\p{N}]+$/u;

// Russian nouns decline: "в телеграме", "из России". Aliases list the common forms; this catches the rest.
const RUSSIAN_ENDINGS = ["ами", "ями", "ом", "ем", "ой", "ей", "ах", "ях", "е", "а", "у", "ю", "и", "ы", "я"];

class AliasIndex {
  readonly byKey = new Map<string, AliasEntry>();
  readonly hanKeys: string[];
  /** Positions in `hanKeys` of the keys starting with a character, so a question tries only those. */
  readonly hanKeysByFirst = new Map<string, number[]>();
  constructor(readonly kb: KnowledgeBase) {
    for (const a of kb.aliases) if (!this.byKey.has(a.key)) this.byKey.set(a.key, a);
    this.hanKeys = [...this.byKey.keys()].filter((k) => HAN.test(k)).sort((a, b) => b.length - a.length);
    this.hanKeys.forEach((key, rank) => {
      const first = key.charAt(0);
      const ranks = this.hanKeysByFirst.get(first);
      if (ranks) ranks.push(rank);
      else this.hanKeysByFirst.set(first, [rank]);
    });
  }

  /** The Han keys that can occur in `text`, in `hanKeys` order (longest first). */
  hanKeysIn(text: string): string[] {
    const chars = new Set<string>();
    // By UTF-16 unit, as charAt above: a key may start with half of a surrogate pair.
    for (let i = 0; i < text.length; i++) chars.add(text.charAt(i));
    const ranks = new Set<number>();
    for (const char of chars) for (const rank of this.hanKeysByFirst.get(char) ?? []) ranks.add(rank);
    return [...ranks].sort((a, b) => a - b).map((rank) => this.hanKeys[rank] ?? "");
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
  // Plain loops: every question runs this for up to ten runs of words, and Array.from, slice and join took
  // most of its time.
  for (let n = Math.min(4, list.length); n >= 1; n--) {
    runs: for (let i = 0; i + n <= list.length; i++) {
      let key = "";
      for (let k = i; k < i + n; k++) {
        const word = list[k]?.key ?? "";
        if (used.has(k) || (n > 1 && HAN.test(word))) continue runs;
        key += word;
      }
      const entry = index.byKey.get(key);
      if (!entry) continue;
      matches.push({ target: entry.target, at: list[i]?.at ?? 0, fuzzy: false });
      for (let k = i; k < i + n; k++) used.add(k);
    }
  }
  return { matches, used };
}

const SEPARATOR = /[\s.\-_'’]/;
const NON_HAN_WORD_CHAR = /^(?!\p{Script=Han})[\p{L}\p{N}]$/u;

/**
 * Chinese: finds aliases written with Han characters ("微信", "谷歌邮箱", and mixed ones such as "google邮箱" or
 * "脸书 messenger") anywhere in the text, longest first, without overlaps; a Latin end of an alias must not
 * be part of a longer Latin word. Returns the matches and the text with the matched characters blanked.
 */
function hanMatches(text: string, index: AliasIndex): { matches: Match[]; rest: string } {
  // Every key holds a Han character: a question with none (most, outside Chinese) has nothing to find.
  if (!HAN.test(text)) return { matches: [], rest: text };
  // The text without the separators alias keys drop, and where each of its characters came from.
  const from: number[] = [];
  let compact = "";
  for (let i = 0; i < text.length; i++) {
    if (SEPARATOR.test(text.charAt(i))) continue;
    compact += text.charAt(i);
    from.push(i);
  }
  const isWordChar = (i: number) => NON_HAN_WORD_CHAR.test(text.charAt(i));
  const taken = new Array<boolean>(compact.length).fill(false);
  const matches: Match[] = [];
  for (const key of index.hanKeysIn(compact)) {
    for (let pos = compact.indexOf(key); pos >= 0; pos = compact.indexOf(key, pos + 1)) {
      const start = from[pos] ?? 0;
      const end = from[pos + key.length - 1] ?? 0;
      if (taken.slice(pos, pos + key.length).some(Boolean)) continue;
      if (!HAN.test(key.charAt(0)) && isWordChar(start - 1)) continue;
      if (!HAN.test(key.charAt(key.length - 1)) && isWordChar(end + 1)) continue;
      taken.fill(true, pos, pos + key.length);
      const entry = index.byKey.get(key);
      if (entry) matches.push({ target: entry.target, at: start, fuzzy: false });
    }
  }
  const units = text.split("");
  taken.forEach((t, k) => {
    if (t) units[from[k] ?? 0] = " ";
  });
  return { matches, rest: units.join("") };
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

/**
 * The alias a misspelt word most likely means: within the word's typo budget, and starting with the same
 * letter (misspellings rarely change the first letter; "email" is not a misspelt "gmail"). Han runs are
 * sentences, not words.
 */
function closest(word: string, index: AliasIndex, kinds: AliasTarget["kind"][]): AliasEntry | undefined {
  const budget = typoBudget(word.length);
  if (budget === 0 || QUESTION_WORDS.has(word) || HAN.test(word)) return undefined;
  let best: AliasEntry | undefined;
  let bestDistance = budget + 1;
  for (const entry of index.byKey.values()) {
    if (!kinds.includes(entry.target.kind) || typoBudget(entry.key.length) === 0) continue;
    if (entry.key.charAt(0) !== word.charAt(0)) continue;
    const d = editDistance(word, entry.key, bestDistance - 1);
    if (d < bestDistance) {
      best = entry;
      bestDistance = d;
    }
  }
  return best;
}

/** URLs and host names: with a scheme, a common top-level domain, or under a KB domain ("discord.gg"). */
function domainsIn(text: string, kb: KnowledgeBase): { host: string; start: number; end: number }[] {
  const out: { host: string; start: number; end: number }[] = [];
  for (const m of text.matchAll(URL_OR_DOMAIN)) {
    const host = (m[1] ?? "").toLowerCase();
    const tld = (m[2] ?? "").toLowerCase();
    const explicitUrl = /^https?:\/\//i.test(m[0]);
    if (!explicitUrl && !TLDS.has(tld) && !kb.serviceForHost(host)) continue;
    out.push({ host, start: m.index ?? 0, end: (m.index ?? 0) + m[0].length });
  }
  return out;
}

/** Whether the question asks for a kind of circumvention tool ("vpn", "翻墙", "فیلتر شکن") rather than one. */
function namesCircumvention(list: Word[]): boolean {
  return list.some((word, i) => {
    if (HAN.test(word.key)) return [...CIRCUMVENTION_WORDS].some((w) => word.key.includes(w));
    let joined = "";
    for (const next of list.slice(i, i + 3)) {
      joined += next.key;
      if (CIRCUMVENTION_WORDS.has(joined)) return true;
    }
    return false;
  });
}

/**
 * Services a question that named none may have meant: a word of four letters or more starts one of its
 * aliases (or an alias of four letters or more starts the word), or is within one edit per three letters of
 * it. Best first, at most 3. Shorter words are too short to guess from: "get" is not a misspelt "gpt".
 */
function suggestionsFor(list: Word[], used: Set<number>, index: AliasIndex): string[] {
  const scored = new Map<string, number>();
  const tried = new Set<string>();
  list.forEach((word, i) => {
    if (used.has(i) || word.key.length < 4 || QUESTION_WORDS.has(word.key) || HAN.test(word.key)) return;
    if (tried.has(word.key)) return;
    tried.add(word.key);
    for (const entry of index.byKey.values()) {
      if (entry.target.kind !== "service" || entry.key.length < 3) continue;
      const prefix =
        entry.key.startsWith(word.key) || (entry.key.length >= 4 && word.key.startsWith(entry.key));
      const limit = Math.max(1, Math.floor(Math.max(word.key.length, entry.key.length) / 3));
      const score = prefix ? 0 : editDistance(word.key, entry.key, limit);
      if (score <= limit && score < (scored.get(entry.target.id) ?? Number.POSITIVE_INFINITY)) {
        scored.set(entry.target.id, score);
      }
    }
  });
  return [...scored.entries()]
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
    .slice(0, 3)
    .map(([id]) => id);
}

/** Ways around blocking, purpose-built tools (Tor, Psiphon, ...) before commercial VPNs. At most 3. */
function circumventionSuggestions(kb: KnowledgeBase): string[] {
  return kb
    .circumventionTools()
    .sort((a, b) => Number(a.category !== "circumvention") - Number(b.category !== "circumvention"))
    .slice(0, 3)
    .map((s) => s.id);
}

/** Understands a free-text question or command arguments. Pure: same input, same answer. */
export function parseQuestion(input: string, kb: KnowledgeBase): ParsedQuestion {
  const index = indexFor(kb);
  // "/status@isblocked_bot whatsapp cn" → "whatsapp cn"
  let text = input.replace(/^\s*\/[a-z_]+(?:@\w+)?/i, " ");

  let domain: string | null = null;
  let service: string | null = null;
  for (const d of domainsIn(text, kb)) {
    const owner = kb.serviceForHost(d.host);
    if (domain === null) domain = d.host.replace(/^www\./, "");
    if (owner && service === null) service = owner;
    text = `${text.slice(0, d.start)}${" ".repeat(d.end - d.start)}${text.slice(d.end)}`;
  }

  const han = hanMatches(normalize(text), index);
  const list = words(han.rest);
  const exact = exactMatches(list, index);
  const matches = han.matches.concat(exact.matches);
  list.forEach((word, i) => {
    if (exact.used.has(i) || HAN.test(word.key)) return;
    const entry = inflectedMatch(word, index);
    if (entry) {
      matches.push({ target: entry.target, at: word.at, fuzzy: false });
      exact.used.add(i);
    }
  });

  const has = (kind: AliasTarget["kind"]) => matches.some((m) => m.target.kind === kind);
  // Long messages repeat words: look each one up once.
  const tried = new Map<string, AliasEntry | undefined>();
  const fuzzy = (key: string, kinds: AliasTarget["kind"][]) => {
    const id = `${kinds.join()}:${key}`;
    if (!tried.has(id)) tried.set(id, closest(key, index, kinds));
    return tried.get(id);
  };
  if (service === null && !has("service")) {
    list.forEach((word, i) => {
      if (exact.used.has(i)) return;
      const entry = fuzzy(word.key, ["service"]);
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
  // On the text with its invisible marks gone: a soft hyphen in "ch\u00adinese" must not make "ch" a code.
  if (country === null) country = countryCode(withoutInvisible(text), kb);
  if (country === null) {
    // A misspelt place: "chinaa", "bejing", "tehram". Latin script only: Russian and Persian place names are
    // listed with their inflected forms, and ordinary words sit one edit from them ("канале" and "Канаде").
    for (const [i, word] of list.entries()) {
      if (exact.used.has(i) || !LATIN_WORD.test(word.key)) continue;
      const entry = fuzzy(word.key, ["country", "region"]);
      if (entry?.target.kind === "country") country = entry.target.code;
      if (entry?.target.kind === "region") {
        country = entry.target.country;
        region = entry.target.id;
      }
      if (entry) break;
    }
  }

  if (service === null) {
    const first = matches.filter((m) => m.target.kind === "service").sort((a, b) => a.at - b.at)[0];
    if (first?.target.kind === "service") service = first.target.id;
  }

  const understood = service !== null || domain !== null;
  let suggestions: string[] = [];
  if (!understood) {
    suggestions = namesCircumvention(list)
      ? circumventionSuggestions(kb)
      : suggestionsFor(list, exact.used, index);
  }
  return { understood, service, domain, country, region, suggestions };
}

/**
 * A two-letter ISO code standing alone: "whatsapp cn", "/status telegram IR". A code that is also a word
 * ("in", "by") counts only in capitals, and not when the whole question is in capitals ("IS IT BLOCKED IN
 * MY CITY").
 */
function countryCode(text: string, kb: KnowledgeBase): string | null {
  const shouting = !/\p{Ll}/u.test(text);
  // Not a letter pair inside a contraction: "I've" is not Venezuela.
  for (const m of text.matchAll(/(?<![\p{L}\p{N}'’])([A-Za-z]{2})(?![\p{L}\p{N}'’])/gu)) {
    const raw = m[1] ?? "";
    const code = raw.toUpperCase();
    if (!kb.country(code)) continue;
    if ((raw !== code || shouting) && CODES_THAT_ARE_WORDS.has(raw.toLowerCase())) continue;
    return code;
  }
  return null;
}
