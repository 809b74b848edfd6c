import { editDistance, letterSet, lettersApart, typoBudget } from "../core/fuzzy.js";
import { aliasKey, HAN, normalize, withoutInvisible } from "../core/text.js";
import type { AliasEntry, AliasTarget, KnowledgeBase } from "../kb/knowledge-base.js";
import type { ParsedQuestion } from "../model/question.js";

/**
 * Counts the parser's comparisons of a message's text with aliases and known words: a step through a
 * trie, a look-up of a run of words, an alias a word is weighed against as a misspelling. Tests and the
 * benchmark pass one to see the work a message cost; the parser never reads it.
 */
export interface ParseMeter {
  comparisons: number;
}

// The most comparisons each stage makes for one message, whatever it holds: every message anyone sends the
// bot passes through here, and a 4,096-character one of made-up words once cost a quarter of a second (each
// word weighed against every alias). Real questions use a small part of each: the caps only cut the work on
// long, made-up text, whose later words then go unread.
const CAP = {
  /** Steps through the trie of aliases written with Han characters: four per character of 4,096. */
  han: 16_384,
  /** Steps through the trie of Han question words, over the Han text no alias took. */
  hanWords: 16_384,
  /** Look-ups of runs of words and of Russian stems: about 20 per word of a 4,096-character message. */
  exact: 16_384,
  /** Aliases that words are weighed against as misspellings (of services, then of places). */
  fuzzy: 4_096,
  /** Aliases weighed against the words of a question that named nothing, for suggestions. */
  suggestions: 2_048,
} as const;

/** The most comparisons one message costs, whatever its length (the sum of the stages' caps). */
export const MAX_COMPARISONS = CAP.han + CAP.hanWords + CAP.exact + CAP.fuzzy + CAP.suggestions;

/** One stage's share of the work: `take` counts a comparison, and answers false once the cap is spent. */
class Budget {
  private left: number;
  constructor(
    cap: number,
    private readonly meter: ParseMeter | undefined,
  ) {
    this.left = cap;
  }
  take(): boolean {
    if (this.left <= 0) return false;
    this.left--;
    if (this.meter) this.meter.comparisons++;
    return true;
  }
}

const keys = (...lines: string[]) => lines.join(" ").split(/\s+/).filter(Boolean).map(aliasKey);

// Words of the question itself, and of networks in general, that are never a service or a place, in the
// four languages; kept out of typo matching so "blocked" is never read as a misspelt service, nor "router"
// as Reuters.
const QUESTION_WORDS = new Set(
  keys(
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
  ),
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

// ── Everyday aliases ───────────────────────────────────────────────────────────────────────────────────
// An alias the knowledge base marks ambiguous ("line", "signal", 飞机 "aeroplane", 油管 "pipe", сигнал,
// تور "tour") names its service only where the message is a question about it (`unconfirmed`):
// - the message holds nothing but names, places, country codes and the words questions are made of, and
//   asks something with them: whether it works, where, or about another service too ("LINE in china",
//   "连我在中国能用吗", "is signal working?"); or it is the name alone ("油管"). "hey, what's up" asks nothing;
// - or it asks whether something works or is blocked, names a place or another service, and the alias
//   stands next to a word of the question ("is", "in", "use", 在, 能用, در): "hi, is signal blocked in iran?
//   my cousin says so".
// Where another service is named too, the alias must stand next to such a word ("can I use Signal or
// Telegram?"; not 飞机上能用微信吗 "can I use WeChat on the plane?"). Never right after a word that makes it
// a common noun ("the signal", "my phone line", 坐飞机 "take a plane", "این تور"), nor, in Chinese, before
// one (飞机票 "plane ticket"). An ambiguous place (国内 "domestic") counts only in a question about a service
// or about getting round blocks.

/** Words questions are made of besides QUESTION_WORDS: a message of only these, names and places is a question. */
const FUNCTION_WORDS = new Set([
  ...QUESTION_WORDS,
  ...keys(
    "should would will shall be are was were been am has have had not yes isn't doesn't don't can't cannot",
    "won't didn't aren't wasn't its i'm i've i'd hey hi hello thanks thank anyone someone know still also",
    "too really even just so but here is there people us they them",
    "не да а и или но у меня мне нас вас тебя уже еще тоже там тут здесь с со по через без для от до за",
    "пользуюсь пользуетесь сидим грузится грузятся тормозит тормозят открываются работать заблокировали",
    "разблокировали проблемы проблема звонить звонки",
    "فیلتره فیلترشکن بدون رفع شد میشه تو توی رو را و یا هم کرد کنم کند می نمیکنه نمیشه بازه قطع وصل چطور",
    "کجا من ما",
  ),
]);

/** Words that ask whether something works or is blocked. */
const BLOCK_WORDS = new Set(
  keys(
    "blocked block blocking banned ban censored censorship work works working down accessible available",
    "access open reach reachable unblocked restricted filtered use using install load loads loading connect",
    "connecting",
    "заблокирован заблокирована заблокировано заблокированы заблокировали блокировка блокируют работает",
    "работают работать доступен доступна доступно открывается открываются пользоваться пользуюсь",
    "грузится грузятся загружается тормозит",
    "فیلتر فیلتره مسدود باز بازه بسته کار دسترسی قطع فیلترشکن",
  ),
);

/** Words after which an everyday word is a common noun: "the signal", "my phone line", "این تور". */
const DETERMINERS = new Set(
  keys(
    "the a an my your his her our their its this that these those no weak strong good bad poor full lost",
    "phone cell mobile wifi internet network radio tv gps satellite same every each some any one",
    "мой моя мое мои твой твоя наш наша ваш ваша этот эта это тот та нет слабый слабая слабого плохой",
    "плохая хороший хорошая уровень сотовый сотовая сотового мобильный мобильная мобильного",
    "این آن یک اون همین همون",
    // Han: demonstratives, measure words, and verbs whose object is the everyday thing ("坐飞机").
    "这 這 那 一 架 根 条 條 个 個 坐 乘 搭 打 开 開 折 叠 疊 摺 买 買 有 很有",
  ),
);

/** Words before which an everyday Han word is a place or a thing: 飞机上 "on the plane", 飞机票 "plane ticket". */
const NOUN_AFTER = new Set(keys("上 里 裡 中 内 內 外 下 票 场 場 杯 餐 头 頭 的"));

/** Words that ask about a name after an answer: "and signal?", "what about zoom", "а сигнал?", "飞机呢". */
const FOLLOW_UP_BEFORE = new Set(keys("and or about also а и или про насчет و یا 和 或 还有 還有"));
const FOLLOW_UP_AFTER = new Set(keys("呢 چی چطور"));

/** Words of a question an everyday word stands next to when it is the service asked about. */
const ANCHORS = new Set([...FUNCTION_WORDS, ...BLOCK_WORDS].filter((w) => !DETERMINERS.has(w)));
const HAN_ANCHORS_BEFORE = new Set(
  keys("用 能用 可以用 上 能上 打开 打開 登录 登錄 登陆 登陸 下载 下載 使用 和 或 或者 跟 与 與"),
);
const HAN_ANCHORS_AFTER = new Set(
  keys(
    "在 能 能用 能上 能看 可以 可以用 被 被封 被墙 被牆 还 還 还能 還能 是否 会 會 吗 嗎 呢 打不开 打不開 用不了",
    "上不去 进不去 進不去 连不上 連不上 不能 封 封了 墙了 牆了 现在 現在 怎么 怎麼 到底 是不是 有没有 有沒有 最近",
    "今天 又 也 和 或 或者 跟 与 與 还可以 還可以 可否 能否 正常",
  ),
);

/** Han words that ask whether something works or is blocked (BLOCK_WORDS for Chinese). */
const HAN_BLOCK_WORDS = keys(
  "封 墙 牆 被封 被墙 被牆 封了 墙了 牆了 屏蔽 封锁 封鎖 封禁 禁止 能用 可以用 还能用 還能用 能上 上不去 打不开",
  "打不開 用不了 访问 訪問 能访问 能訪問 连不上 連不上 进不去 進不去 能看 能打开 能打開 翻墙 翻牆 使用 用 正常",
);
/**
 * Han words a question is made of besides names and places (FUNCTION_WORDS for Chinese), to read the Han
 * text between them: a message whose Han text is all these is a question ("在…能用吗").
 */
const HAN_WORDS = [
  ...HAN_BLOCK_WORDS,
  ...keys(
    "在 能 吗 嗎 被 了 可以 可 还 還 上 不 打开 打開 看 听 聽 能听 能聽 收听 收聽 怎么 怎麼 怎样 怎樣 为什么",
    "為什麼 是否 现在 現在 最近 今天 会 會 后 後 呢 啊 吧 的 登录 登錄 登陆 登陸 下载 下載 连接 連接 能否 可否",
    "有没有 有沒有 我 我们 我們 你 还能 還能 到底 是不是 是 好 也 都 又 和 或 或者 跟 与 與 什么 什麼 软件 軟件",
    "軟體 应用 應用 网站 網站 网页 網頁 版 浏览器 瀏覽器 国外 國外 海外 境外 外国 外國 地区 地區 请问 請問",
    "谢谢 謝謝 还可以 還可以 打得开 打得開 网络 網絡 網路",
  ),
];
const HAN_BLOCK = new Set(HAN_BLOCK_WORDS);

/**
 * Chinese words that hold an alias and mean something else: the alias must not be read inside them
 * (维基解密 is WikiLeaks, not Wikipedia; 输油管 an oil pipeline, not YouTube; 连我都 "even I", not LINE).
 */
const NOT_ALIASES = keys(
  "维基解密 維基解密 输油管 輸油管 油管道 石油管 连我都 連我都 连我也 連我也 国内外 國內外",
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
// s and k), and "ſ.com" would be taken for a host name. A host name starts where no label goes on before
// it (not inside a label, nor right after "label."): tried from every label of a long chain of them
// ("1.1.1.…"), the pattern cost time in the square of the chain's length.
const URL_OR_DOMAIN =
  /(?:https?:\/\/)?(?<![a-z0-9])(?<![a-z0-9]\.)((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+([a-z]{2,24}))(?::\d{1,5})?(?:[/?#][^\s]*)?/gi;

interface Match {
  entry: AliasEntry;
  /** Position in the question, so the first-named service wins. */
  at: number;
  fuzzy: boolean;
  /** The words of `words()` it took, first and last; none for a match inside Han text. */
  words: [number, number] | null;
  /** An ambiguous alias not (yet) confirmed by the question around it. */
  tentative: boolean;
}

interface Word {
  key: string;
  at: number;
  /** A run of Han characters. */
  han: boolean;
}

/**
 * Splits normalised text into words; Han runs are kept whole (and apart from the Latin around them,
 * "whatsapp在中国") because Chinese writes no spaces between words. Positions are those of `text`. Keys are
 * in `aliasKey` form: the text is normalised already and a word holds no separator but an apostrophe.
 */
function words(text: string): Word[] {
  const out: Word[] = [];
  for (const m of text.matchAll(WORD)) {
    if (out.length === MAX_WORDS) break;
    const raw = m[0];
    const key = APOSTROPHE.test(raw) ? raw.replace(APOSTROPHES, "") : raw;
    out.push({ key, at: m.index ?? 0, han: HAN_FIRST.test(raw) });
  }
  return out;
}

/**
 * The most words of a message the parser reads. Questions are a few words long; a long message is read up
 * to here, and Han text up to the end of its MAX_WORDS-th word (aliases found in it split its runs, so the
 * words are counted again after).
 */
const MAX_WORDS = 512;

/** `text` up to the end of its MAX_WORDS-th word. */
function firstWords(text: string): string {
  let count = 0;
  for (const m of text.matchAll(WORD)) {
    if (++count === MAX_WORDS) return text.slice(0, (m.index ?? 0) + m[0].length);
  }
  return text;
}

const APOSTROPHE = /['’]/;
const APOSTROPHES = /['’]/g;
const HAN_FIRST = /^\p{Script=Han}/u;

const WORD =
  /\p{Script=Han}+|(?:(?!\p{Script=Han})[\p{L}\p{M}\p{N}])+(?:['’](?:(?!\p{Script=Han})\p{L})+)?/gu;

const LATIN_WORD = /^[\p{Script=Latin}\p{N}]+$/u;

// Russian nouns decline: "в телеграме", "из России". Aliases list the common forms; this catches the rest.
const RUSSIAN_ENDINGS = ["ами", "ями", "ом", "ем", "ой", "ей", "ах", "ях", "е", "а", "у", "ю", "и", "ы", "я"];

/** A trie by UTF-16 unit (a key may start with half of a surrogate pair). `value` is set where a key ends. */
interface TrieNode<T> {
  next: Map<number, TrieNode<T>>;
  value?: T;
}

function trieOf<T>(entries: Iterable<[string, T]>): TrieNode<T> {
  const root: TrieNode<T> = { next: new Map() };
  for (const [key, value] of entries) {
    let node = root;
    for (let i = 0; i < key.length; i++) {
      const unit = key.charCodeAt(i);
      let child = node.next.get(unit);
      if (!child) {
        child = { next: new Map() };
        node.next.set(unit, child);
      }
      node = child;
    }
    if (node.value === undefined) node.value = value;
  }
  return root;
}

const HAN_WORD_TRIE = trieOf(HAN_WORDS.map((w): [string, true] => [w, true]));

/** An alias with what the misspelling search needs: its rank in the index (ties go to the first) and letters. */
interface Candidate {
  entry: AliasEntry;
  rank: number;
  letters: number;
}

type Group = "service" | "place";
const groupOf = (target: AliasTarget): Group => (target.kind === "service" ? "service" : "place");

class AliasIndex {
  readonly byKey = new Map<string, AliasEntry>();
  /** Aliases holding a Han character, and NOT_ALIASES (null): Chinese is matched inside running text. */
  readonly han: TrieNode<AliasEntry | null>;
  /** Misspelling candidates by group and first letter, then by length: a word of length n tries n±1. */
  readonly typos = new Map<string, Candidate[][]>();
  /** Service aliases of three letters or more by length, for suggestions. */
  readonly suggestByLength = new Map<number, Candidate[]>();
  readonly suggestLengths: number[];
  /** Service ids by every prefix (four letters or more) of their aliases. */
  readonly servicePrefixes = new Map<string, Set<string>>();
  readonly longestServiceKey: number;
  /** Every prefix of every key: a run of words that is none is no alias, nor is any longer run. */
  readonly prefixes = new Set<string>();
  /** The most labels of a knowledge-base domain ("web.whatsapp.com": 3). */
  readonly domainLabels: number;

  constructor(readonly kb: KnowledgeBase) {
    for (const a of kb.aliases) if (!this.byKey.has(a.key)) this.byKey.set(a.key, a);
    const hanEntries: [string, AliasEntry | null][] = [];
    for (const [key, entry] of this.byKey) {
      if (HAN.test(key)) hanEntries.push([key, entry]);
      for (let n = 1; n <= key.length; n++) this.prefixes.add(key.slice(0, n));
    }
    for (const key of NOT_ALIASES) if (!this.byKey.has(key)) hanEntries.push([key, null]);
    this.han = trieOf(hanEntries);

    let rank = 0;
    let longest = 0;
    for (const [key, entry] of this.byKey) {
      const candidate = { entry, rank: rank++, letters: letterSet(key) };
      if (typoBudget(key.length) > 0 && !HAN.test(key)) {
        const bucket = typoBucket(groupOf(entry.target), key.charAt(0));
        let byLength = this.typos.get(bucket);
        if (!byLength) {
          byLength = [];
          this.typos.set(bucket, byLength);
        }
        const list = byLength[key.length];
        if (list) list.push(candidate);
        else byLength[key.length] = [candidate];
      }
      if (entry.target.kind !== "service" || key.length < 3) continue;
      longest = Math.max(longest, key.length);
      const list = this.suggestByLength.get(key.length);
      if (list) list.push(candidate);
      else this.suggestByLength.set(key.length, [candidate]);
      for (let n = 4; n <= key.length; n++) {
        const prefix = key.slice(0, n);
        const ids = this.servicePrefixes.get(prefix);
        if (ids) ids.add(entry.target.id);
        else this.servicePrefixes.set(prefix, new Set([entry.target.id]));
      }
    }
    this.suggestLengths = [...this.suggestByLength.keys()].sort((a, b) => a - b);
    this.domainLabels = Math.max(2, ...kb.services.flatMap((s) => s.domains.map((d) => d.split(".").length)));
    this.longestServiceKey = longest;
  }
}

const typoBucket = (group: Group, first: string) => `${group}\u0000${first}`;

const indexes = new WeakMap<KnowledgeBase, AliasIndex>();
function indexFor(kb: KnowledgeBase): AliasIndex {
  let index = indexes.get(kb);
  if (!index) {
    index = new AliasIndex(kb);
    indexes.set(kb, index);
  }
  return index;
}

function exactMatches(list: Word[], index: AliasIndex, budget: Budget): Match[] {
  const matches: Match[] = [];
  const taken = new Array<boolean>(list.length).fill(false);
  // Whether each word starts some alias: only those start runs of two words or more.
  const starts: boolean[] = [];
  for (const word of list) {
    if (!budget.take()) return matches;
    starts.push(!word.han && index.prefixes.has(word.key));
  }
  // Longest run of words first, so "mainland china" beats "china" and "whats app" beats "app".
  // Plain loops: every question runs this for up to ten runs of words, and Array.from, slice and join took
  // most of its time.
  for (let n = Math.min(4, list.length); n >= 1; n--) {
    runs: for (let i = 0; i + n <= list.length; i++) {
      if (n > 1 && !starts[i]) continue;
      let key = "";
      for (let k = i; k < i + n; k++) {
        const word = list[k];
        if (!word || taken[k] || (n > 1 && word.han)) continue runs;
        key += word.key;
        if (k < i + n - 1) {
          if (!budget.take()) return matches;
          if (!index.prefixes.has(key)) continue runs;
        }
      }
      if (!budget.take()) return matches;
      const entry = index.byKey.get(key);
      if (!entry) continue;
      matches.push({ entry, at: list[i]?.at ?? 0, fuzzy: false, words: [i, i + n - 1], tentative: false });
      taken.fill(true, i, i + n);
    }
  }
  return matches;
}

// What alias keys drop (aliasKey): white space (as JavaScript's \s), dots, dashes, underscores, apostrophes.
const SEPARATORS = new Set(
  [
    ..."\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff.-_'’",
  ].map((c) => c.charCodeAt(0)),
);
const NON_HAN_WORD_CHAR = /^(?!\p{Script=Han})[\p{L}\p{N}]$/u;

interface HanHit {
  /** Null for a word of NOT_ALIASES. */
  entry: AliasEntry | null;
  key: string;
  at: number;
  /** The match made of it (set by the caller). */
  match?: Match;
}

/**
 * Chinese: finds aliases written with Han characters ("微信", "谷歌邮箱", and mixed ones such as "google邮箱" or
 * "脸书 messenger", separators skipped as alias keys drop them) anywhere in the text, from the left, the
 * longest at each place, so 美国国内 is 美国 and a word of NOT_ALIASES hides the alias inside it; a Latin
 * end of an alias must not be part of a longer Latin word. Returns what it found and the text with those
 * characters blanked.
 */
function hanMatches(text: string, index: AliasIndex, budget: Budget): { hits: HanHit[]; rest: string } {
  // Every key holds a Han character: a question with none (most, outside Chinese) has nothing to find.
  if (!HAN.test(text)) return { hits: [], rest: text };
  const isWordChar = (i: number) => NON_HAN_WORD_CHAR.test(text.charAt(i));
  const hits: HanHit[] = [];
  const rest: string[] = [];
  let copied = 0;
  scan: for (let pos = 0; pos < text.length; ) {
    if (SEPARATORS.has(text.charCodeAt(pos))) {
      pos++;
      continue;
    }
    let node = index.han;
    let found: AliasEntry | null | undefined;
    let end = pos;
    let separated = false;
    for (let k = pos; k < text.length; k++) {
      if (!budget.take()) break scan;
      const unit = text.charCodeAt(k);
      if (SEPARATORS.has(unit)) {
        separated = true;
        continue;
      }
      const child = node.next.get(unit);
      if (!child) break;
      node = child;
      if (node.value === undefined) continue;
      if (!HAN.test(text.charAt(pos)) && isWordChar(pos - 1)) continue;
      if (!HAN.test(text.charAt(k)) && isWordChar(k + 1)) continue;
      found = node.value;
      end = k;
    }
    if (found === undefined) {
      pos++;
      continue;
    }
    rest.push(text.slice(copied, pos));
    let key = text.slice(pos, end + 1);
    if (separated) {
      key = "";
      for (let k = pos; k <= end; k++) {
        const separator = SEPARATORS.has(text.charCodeAt(k));
        if (!separator) key += text.charAt(k);
        rest.push(separator ? text.charAt(k) : " ");
      }
    } else {
      rest.push(" ".repeat(end + 1 - pos));
    }
    copied = end + 1;
    hits.push({ entry: found, key, at: pos });
    pos = end + 1;
  }
  rest.push(text.slice(copied));
  return { hits, rest: rest.join("") };
}

function inflectedMatch(word: Word, index: AliasIndex, budget: Budget): AliasEntry | undefined {
  if (!/^\p{Script=Cyrillic}{4,}$/u.test(word.key)) return undefined;
  for (const ending of RUSSIAN_ENDINGS) {
    if (!word.key.endsWith(ending) || word.key.length - ending.length < 3) continue;
    const stem = word.key.slice(0, -ending.length);
    for (const key of [stem, `${stem}а`, `${stem}я`]) {
      if (!budget.take()) return undefined;
      const entry = index.byKey.get(key);
      if (entry) return entry;
    }
  }
  return undefined;
}

/**
 * The alias a misspelt word most likely means: within the word's typo budget, and starting with the same
 * letter (misspellings rarely change the first letter; "email" is not a misspelt "gmail"). Han runs are
 * sentences, not words. Of equally close aliases, the first in the index.
 */
function closest(word: string, index: AliasIndex, group: Group, budget: Budget): AliasEntry | undefined {
  const typos = typoBudget(word.length);
  if (typos === 0 || QUESTION_WORDS.has(word) || HAN.test(word)) return undefined;
  const byLength = index.typos.get(typoBucket(group, word.charAt(0)));
  if (!byLength) return undefined;
  const letters = letterSet(word);
  let best: Candidate | undefined;
  let bestDistance = typos + 1;
  for (let length = word.length - typos; length <= word.length + typos; length++) {
    for (const candidate of byLength[length] ?? []) {
      if (!budget.take()) return best?.entry;
      if (lettersApart(letters, candidate.letters) > 2 * typos) continue;
      const d = editDistance(word, candidate.entry.key, typos);
      if (d < bestDistance || (d === bestDistance && d <= typos && candidate.rank < (best?.rank ?? 0))) {
        best = candidate;
        bestDistance = d;
      }
    }
  }
  return best?.entry;
}

/** URLs and host names: with a scheme, a common top-level domain, or under a KB domain ("discord.gg"). */
function domainsIn(
  text: string,
  index: AliasIndex,
): { host: string; owner: string | undefined; start: number; end: number }[] {
  const out: { host: string; owner: string | undefined; start: number; end: number }[] = [];
  // Every host name holds a dot: most messages have none, and the pattern costs dozens of steps a letter.
  if (!text.includes(".")) return out;
  for (const m of text.matchAll(URL_OR_DOMAIN)) {
    const host = (m[1] ?? "").toLowerCase();
    const tld = (m[2] ?? "").toLowerCase();
    const explicitUrl = /^https?:\/\//i.test(m[0]);
    // Only the labels a knowledge-base domain can end with: a chain of a thousand is looked up in its tail.
    const owner = index.kb.serviceForHost(host.split(".").slice(-index.domainLabels).join("."));
    if (!explicitUrl && !TLDS.has(tld) && !owner) continue;
    out.push({ host, owner, start: m.index ?? 0, end: (m.index ?? 0) + m[0].length });
  }
  return out;
}

/** Whether the question asks for a kind of circumvention tool ("vpn", "翻墙", "فیلتر شکن") rather than one. */
function namesCircumvention(list: Word[]): boolean {
  return list.some((word, i) => {
    if (word.han) {
      for (const w of CIRCUMVENTION_WORDS) if (word.key.includes(w)) return true;
      return false;
    }
    let joined = "";
    for (let k = i; k < Math.min(list.length, i + 3); k++) {
      joined += list[k]?.key ?? "";
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
function suggestionsFor(list: Word[], used: Set<number>, index: AliasIndex, budget: Budget): string[] {
  const scored = new Map<string, number>();
  const score = (id: string, value: number) => {
    if (value < (scored.get(id) ?? Number.POSITIVE_INFINITY)) scored.set(id, value);
  };
  const tried = new Set<string>();
  reading: for (const [i, word] of list.entries()) {
    const key = word.key;
    if (used.has(i) || key.length < 4 || QUESTION_WORDS.has(key) || word.han) continue;
    if (tried.has(key)) continue;
    tried.add(key);
    // The word starts an alias, or an alias of four letters or more starts the word.
    if (!budget.take()) break;
    for (const id of index.servicePrefixes.get(key) ?? []) score(id, 0);
    for (let n = 4; n < key.length && n <= index.longestServiceKey; n++) {
      if (!budget.take()) break reading;
      const entry = index.byKey.get(key.slice(0, n));
      if (entry?.target.kind === "service") score(entry.target.id, 0);
    }
    // Within one edit per three letters: only aliases whose length is that close can be.
    const letters = letterSet(key);
    for (const length of index.suggestLengths) {
      const limit = Math.max(1, Math.floor(Math.max(key.length, length) / 3));
      if (Math.abs(key.length - length) > limit) continue;
      for (const candidate of index.suggestByLength.get(length) ?? []) {
        if (!budget.take()) break reading;
        if (lettersApart(letters, candidate.letters) > 2 * limit) continue;
        const d = editDistance(key, candidate.entry.key, limit);
        if (d <= limit && candidate.entry.target.kind === "service") score(candidate.entry.target.id, d);
      }
    }
  }
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

/** A piece of the message as the context rules read it: a name, or a word that is or is not a question's. */
interface Token {
  at: number;
  key: string;
  match: Match | null;
  /** A name, a place, a word of a question, a country code: what a bare question is made of. */
  known: boolean;
  /** A word asking whether something works or is blocked. */
  block: boolean;
  /** A country code ("signal IR"). */
  place?: boolean;
  /** A word of Han text (its neighbours are read with the Han lists). */
  han: boolean;
}

/** Han text no alias took, cut into question words (longest first) and single unknown characters. */
function hanTokens(word: Word, budget: Budget): Token[] {
  const out: Token[] = [];
  const text = word.key;
  for (let pos = 0; pos < text.length; ) {
    let node = HAN_WORD_TRIE;
    let length = 0;
    for (let k = pos; k < text.length; k++) {
      if (!budget.take()) {
        out.push({
          at: word.at + pos,
          key: text.slice(pos),
          match: null,
          known: false,
          block: false,
          han: true,
        });
        return out;
      }
      const child = node.next.get(text.charCodeAt(k));
      if (!child) break;
      node = child;
      if (node.value) length = k - pos + 1;
    }
    const key = text.slice(pos, pos + Math.max(1, length));
    out.push({
      at: word.at + pos,
      key,
      match: null,
      known: length > 0,
      block: HAN_BLOCK.has(key),
      han: true,
    });
    pos += key.length;
  }
  return out;
}

/** The message as tokens, in order: Han hits, matched runs of words, and every other word. */
function tokensOf(
  list: Word[],
  hanHits: HanHit[],
  matches: Match[],
  kb: KnowledgeBase,
  budget: Budget,
): Token[] {
  const tokens: Token[] = [];
  const byFirstWord = new Map<number, Match>();
  const covered = new Set<number>();
  const live = new Set(matches);
  for (const m of matches) {
    if (m.words === null) continue;
    byFirstWord.set(m.words[0], m);
    for (let k = m.words[0]; k <= m.words[1]; k++) covered.add(k);
  }
  let next = 0;
  const hitsBefore = (at: number) => {
    for (let hit = hanHits[next]; hit !== undefined && hit.at < at; hit = hanHits[++next]) {
      const match = hit.match && live.has(hit.match) ? hit.match : null;
      tokens.push({ at: hit.at, key: hit.key, match, known: hit.entry !== null, block: false, han: true });
    }
  };
  for (const [i, word] of list.entries()) {
    hitsBefore(word.at);
    const match = byFirstWord.get(i);
    if (match) {
      tokens.push({ at: word.at, key: word.key, match, known: true, block: false, han: false });
    } else if (word.han) {
      for (const token of hanTokens(word, budget)) tokens.push(token);
    } else if (!covered.has(i)) {
      const key = word.key;
      const code =
        key.length === 2 && !CODES_THAT_ARE_WORDS.has(key) && kb.country(key.toUpperCase()) !== undefined;
      const known =
        FUNCTION_WORDS.has(key) ||
        BLOCK_WORDS.has(key) ||
        DETERMINERS.has(key) ||
        CIRCUMVENTION_WORDS.has(key) ||
        code;
      tokens.push({
        at: word.at,
        key,
        match: null,
        known,
        block: BLOCK_WORDS.has(key),
        han: false,
        place: code,
      });
    }
  }
  hitsBefore(Number.POSITIVE_INFINITY);
  return tokens;
}

/**
 * Confirms the tentative (ambiguous) service matches the message reads as questions about them, and
 * returns those it does not (see "Everyday aliases" above).
 */
function unconfirmed(tokens: Token[], domainService: boolean): Match[] {
  const isService = (t: Token | undefined) => t?.match?.entry.target.kind === "service";
  const bare = tokens.every((t) => t.known);
  const blockWord = tokens.some((t) => t.block);
  const place = tokens.some((t) => t.place || (t.match && !isService(t)));
  const named = domainService || tokens.some((t) => isService(t) && !t.match?.tentative);
  const rejected: Match[] = [];
  tokens.forEach((t, k) => {
    const match = t.match;
    if (!match?.tentative || !isService(t)) return;
    const before = tokens[k - 1];
    const after = tokens[k + 1];
    const noun = (before && DETERMINERS.has(before.key)) || (after?.han && NOUN_AFTER.has(after.key));
    const anchored =
      (before !== undefined &&
        before.match === null &&
        (before.han ? HAN_ANCHORS_BEFORE.has(before.key) : ANCHORS.has(before.key))) ||
      (after !== undefined &&
        after.match === null &&
        (after.han ? HAN_ANCHORS_AFTER.has(after.key) : ANCHORS.has(after.key)));
    // A bare message still asks something: whether it works, where, about another service too, or about
    // this one after an answer ("and signal?", "飞机呢"); or it is the name alone ("油管"). "hey, what's up"
    // is a greeting.
    const followUp =
      (before !== undefined && FOLLOW_UP_BEFORE.has(before.key)) ||
      (after !== undefined && FOLLOW_UP_AFTER.has(after.key));
    const asksSomething = blockWord || place || named || followUp || tokens.length === 1;
    const asked =
      (bare && asksSomething && (!named || anchored)) || (anchored && blockWord && (place || named));
    if (!noun && asked) match.tentative = false;
    else rejected.push(match);
  });
  return rejected;
}

/** Understands a free-text question or command arguments. Pure: same input, same answer. */
export function parseQuestion(input: string, kb: KnowledgeBase, meter?: ParseMeter): ParsedQuestion {
  const index = indexFor(kb);
  // "/status@isblocked_bot whatsapp cn" → "whatsapp cn"
  let text = input.replace(/^\s*\/[a-z_]+(?:@\w+)?/i, " ");

  let domain: string | null = null;
  let service: string | null = null;
  const domains = domainsIn(text, index);
  if (domains.length > 0) {
    const pieces: string[] = [];
    let copied = 0;
    for (const d of domains) {
      if (domain === null) domain = d.host.replace(/^www\./, "");
      if (d.owner && service === null) service = d.owner;
      pieces.push(text.slice(copied, d.start), " ".repeat(d.end - d.start));
      copied = d.end;
    }
    text = pieces.join("") + text.slice(copied);
  }
  const domainService = service !== null;

  const exactBudget = new Budget(CAP.exact, meter);
  const fuzzyBudget = new Budget(CAP.fuzzy, meter);
  const han = hanMatches(firstWords(normalize(text)), index, new Budget(CAP.han, meter));
  const list = words(han.rest);
  const matches: Match[] = [];
  for (const hit of han.hits) {
    if (!hit.entry) continue;
    hit.match = { entry: hit.entry, at: hit.at, fuzzy: false, words: null, tentative: false };
    matches.push(hit.match);
  }
  matches.push(...exactMatches(list, index, exactBudget));
  const used = new Set<number>();
  for (const m of matches) if (m.words) for (let k = m.words[0]; k <= m.words[1]; k++) used.add(k);
  list.forEach((word, i) => {
    if (used.has(i) || word.han) return;
    const entry = inflectedMatch(word, index, exactBudget);
    if (entry) {
      matches.push({ entry, at: word.at, fuzzy: false, words: [i, i], tentative: false });
      used.add(i);
    }
  });

  // Everyday aliases wait for the question around them; a rejected one is an ordinary word, and its words
  // are not read again as misspellings.
  const hanWordsBudget = new Budget(CAP.hanWords, meter);
  const settle = () => {
    for (const m of matches) if (m.entry.ambiguous && m.entry.target.kind === "service") m.tentative = true;
    if (!matches.some((m) => m.tentative)) return;
    const tokens = tokensOf(list, han.hits, matches, kb, hanWordsBudget);
    const rejected = new Set(unconfirmed(tokens, domainService));
    for (const m of rejected) if (m.words) for (let k = m.words[0]; k <= m.words[1]; k++) used.add(k);
    const kept = matches.filter((m) => !rejected.has(m));
    matches.length = 0;
    matches.push(...kept);
  };
  settle();

  const hasService = () => matches.some((m) => m.entry.target.kind === "service");
  // Long messages repeat words: look each one up once.
  const tried = {
    service: new Map<string, AliasEntry | null>(),
    place: new Map<string, AliasEntry | null>(),
  };
  const fuzzy = (key: string, group: Group) => {
    let entry = tried[group].get(key);
    if (entry === undefined) {
      entry = closest(key, index, group, fuzzyBudget) ?? null;
      tried[group].set(key, entry);
    }
    return entry;
  };
  if (service === null && !hasService()) {
    list.forEach((word, i) => {
      if (used.has(i)) return;
      const entry = fuzzy(word.key, "service");
      if (entry) {
        matches.push({ entry, at: word.at, fuzzy: true, words: [i, i], tentative: false });
        used.add(i);
      }
    });
    settle();
  }

  if (service === null) {
    const first = matches.filter((m) => m.entry.target.kind === "service").sort((a, b) => a.at - b.at)[0];
    if (first?.entry.target.kind === "service") service = first.entry.target.id;
  }
  const understood = service !== null || domain !== null;
  const circumvention = namesCircumvention(list);

  let country: string | null = null;
  let region: string | null = null;
  // An ambiguous place (国内 "domestic") only in a question about a service or a way round blocks.
  const place = matches
    .filter((m) => m.entry.target.kind !== "service" && (!m.entry.ambiguous || understood || circumvention))
    .sort(
      (a, b) =>
        Number(a.entry.target.kind === "country") - Number(b.entry.target.kind === "country") || a.at - b.at,
    )[0];
  if (place?.entry.target.kind === "region") {
    country = place.entry.target.country;
    region = place.entry.target.id;
  } else if (place?.entry.target.kind === "country") {
    country = place.entry.target.code;
  }
  // On the text with its invisible marks gone: a soft hyphen in "ch\u00adinese" must not make "ch" a code.
  if (country === null) country = countryCode(withoutInvisible(text), kb);
  if (country === null) {
    // A misspelt place: "chinaa", "bejing", "tehram". Latin script only: Russian and Persian place names are
    // listed with their inflected forms, and ordinary words sit one edit from them ("канале" and "Канаде").
    for (const [i, word] of list.entries()) {
      if (used.has(i) || !LATIN_WORD.test(word.key)) continue;
      const entry = fuzzy(word.key, "place");
      if (entry?.target.kind === "country") country = entry.target.code;
      if (entry?.target.kind === "region") {
        country = entry.target.country;
        region = entry.target.id;
      }
      if (entry) break;
    }
  }

  let suggestions: string[] = [];
  if (!understood) {
    suggestions = circumvention
      ? circumventionSuggestions(kb)
      : suggestionsFor(list, used, index, new Budget(CAP.suggestions, meter));
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
