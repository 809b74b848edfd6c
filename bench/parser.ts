import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseQuestion } from "../bot/parse.js";
import { aliasKey } from "../core/text.js";
import type { AliasEntry, KnowledgeBase } from "../kb/knowledge-base.js";
import { loadKnowledgeBase } from "../kb/load.js";
import type { Figure } from "./probe-cycle.js";
import { ascending, percentile } from "./stats.js";

// The question parser's worst case on the longest message Telegram delivers (4,096 characters): every
// message anyone sends the bot passes through it, so its work per message must be bounded whatever the
// message holds. The inputs are adversarial: made-up words in each script (nothing is found exactly, so
// every word is tried as a misspelling), very long words, one-edit misses of every alias, mixed scripts,
// host-name chains, and the slowest input a random search found (`node dist/bench/parser.js --search N`).
// The figure is the slowest input's median time over RUNS parses (after WARM_UP, so the JIT has compiled
// the parser); the slowest single parse, garbage collection and a busy machine included, is shown beside.

export const MESSAGE_LENGTH = 4096;
const RUNS = 25;
/** Parses of every input before any is timed: V8 takes some 30 parses to compile the parser fully. */
const WARM_UP = 30;

/** Deterministic: the same inputs on every run (mulberry32). */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rnd: () => number, list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
const between = (rnd: () => number, min: number, max: number) => min + Math.floor(rnd() * (max - min + 1));

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => String.fromCodePoint(from + i));
export const LATIN = range(0x61, 0x7a);
export const CYRILLIC = range(0x430, 0x44f);
export const PERSIAN = [..."ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"];
/** Common Han characters, and those that start a knowledge-base alias (so every position has keys to try). */
export const HAN_CHARS = [
  ..."的一是在不了有人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严微谷脸飞油维电纸推自领赛蓝彭照威薇瓦非洋质连德美谷梯翻",
];
export const MIXED = [...LATIN, ...CYRILLIC, ...PERSIAN, ...HAN_CHARS];

/** Words of `min`..`max` letters of `alphabet`, all different, joined by spaces to MESSAGE_LENGTH. */
export function madeUpWords(seed: number, alphabet: readonly string[], min: number, max: number): string {
  const rnd = random(seed);
  const seen = new Set<string>();
  let out = "";
  while (out.length < MESSAGE_LENGTH) {
    let word = "";
    const length = between(rnd, min, max);
    for (let i = 0; i < length; i++) word += pick(rnd, alphabet);
    if (seen.has(word)) continue;
    seen.add(word);
    out += `${word} `;
  }
  return out.slice(0, MESSAGE_LENGTH);
}

/** Han text without spaces: any character, as Chinese is written. */
function hanRun(seed: number): string {
  const rnd = random(seed);
  let out = "";
  while (out.length < MESSAGE_LENGTH) out += pick(rnd, HAN_CHARS);
  return out.slice(0, MESSAGE_LENGTH);
}

/** One edit away from `key`: a letter changed, dropped, doubled or swapped with the next. */
export function nearMiss(key: string, rnd: () => number, alphabet: readonly string[]): string {
  const chars = [...key];
  const at = Math.floor(rnd() * chars.length);
  const kind = Math.floor(rnd() * 4);
  if (kind === 0) chars[at] = pick(rnd, alphabet);
  else if (kind === 1 && chars.length > 2) chars.splice(at, 1);
  else if (kind === 2) chars.splice(at, 0, chars[at] ?? "");
  else if (at + 1 < chars.length) [chars[at], chars[at + 1]] = [chars[at + 1] ?? "", chars[at] ?? ""];
  return chars.join("");
}

/** One-edit misses of every alias, all different, cycling through the aliases. */
function nearMisses(seed: number, kb: KnowledgeBase, separator: string, han: boolean): string {
  const rnd = random(seed);
  const keys = [...new Set(kb.aliases.map((a) => a.key))].filter((k) => /\p{Script=Han}/u.test(k) === han);
  const alphabetOf = (key: string) =>
    /\p{Script=Han}/u.test(key)
      ? HAN_CHARS
      : /\p{Script=Cyrillic}/u.test(key)
        ? CYRILLIC
        : /\p{Script=Arabic}/u.test(key)
          ? PERSIAN
          : LATIN;
  const seen = new Set<string>();
  let out = "";
  for (let i = 0; out.length < MESSAGE_LENGTH && i < 100_000; i++) {
    const key = keys[i % keys.length] ?? "";
    const miss = nearMiss(key, rnd, alphabetOf(key));
    if (seen.has(miss)) continue;
    seen.add(miss);
    out += miss + separator;
  }
  return out.slice(0, MESSAGE_LENGTH);
}

/** `words` made-up words joined by dots: one chain of labels for the host-name pattern. */
function dotted(seed: number): string {
  return madeUpWords(seed, LATIN, 3, 9).replaceAll(" ", ".");
}

/** Host-name chains and URL fragments, which the domain pattern scans. */
function hostChains(seed: number): string {
  const rnd = random(seed);
  let out = "";
  while (out.length < MESSAGE_LENGTH) {
    const labels = between(rnd, 1, 40);
    for (let i = 0; i < labels; i++) {
      for (let n = between(rnd, 1, 3); n > 0; n--) out += pick(rnd, LATIN);
      out += ".";
    }
    out += pick(rnd, ["com", "zz", "", "-", "c0m", "com/", "https://"]);
    out += pick(rnd, [" ", "", "."]);
  }
  return out.slice(0, MESSAGE_LENGTH);
}

const pools = new WeakMap<KnowledgeBase, { everyday: AliasEntry[]; han: AliasEntry[] }>();
/** The aliases that are everyday words, and those written with Han characters. */
function poolsOf(kb: KnowledgeBase): { everyday: AliasEntry[]; han: AliasEntry[] } {
  let found = pools.get(kb);
  if (!found) {
    found = {
      everyday: kb.aliases.filter((a) => a.ambiguous),
      han: kb.aliases.filter((a) => /\p{Script=Han}/u.test(a.key)),
    };
    pools.set(kb, found);
  }
  return found;
}

/** Units a random search combines: any of them, repeated or not, is something a message can hold. */
export function searchUnit(rnd: () => number, kb: KnowledgeBase, kinds: readonly number[]): string {
  const aliases = kb.aliases;
  const alias = () => pick(rnd, aliases).text;
  const { everyday, han } = poolsOf(kb);
  const word = (alphabet: readonly string[], min: number, max: number) => {
    let w = "";
    const length = between(rnd, min, max);
    for (let i = 0; i < length; i++) w += pick(rnd, alphabet);
    return w;
  };
  switch (pick(rnd, kinds)) {
    case 0:
      return word(LATIN, 4, 12);
    case 1:
      return word(CYRILLIC, 4, 12);
    case 2:
      return word(PERSIAN, 4, 12);
    case 3:
      return word(HAN_CHARS, 1, 8);
    case 4:
      return word(MIXED, 3, 16);
    case 5:
      return word(LATIN, 20, 200);
    case 6:
      return nearMiss(aliasKey(alias()), rnd, LATIN);
    case 7:
      return nearMiss(alias(), rnd, MIXED);
    case 8:
      return `${word(LATIN, 1, 5)}.${word(LATIN, 2, 4)}`;
    case 9:
      return pick(rnd, [" ", ".", "-", "'", "’", "\u200b", "\u00ad", "\n", "?", "/"]);
    case 10:
      return alias();
    case 11:
      return `${word(CYRILLIC, 2, 6)}${pick(rnd, ["ами", "ом", "е", "у"])}`;
    case 12:
      return Array.from({ length: between(rnd, 2, 60) }, () =>
        word(pick(rnd, [LATIN, ["1", "2"]]), 1, 3),
      ).join(".");
    case 13:
      return pick(rnd, everyday).text;
    case 14:
      return nearMiss(pick(rnd, han).key, rnd, HAN_CHARS);
    default:
      return `${pick(rnd, everyday).text} ${pick(rnd, ["in", "在", "в", "در", "is", "能用吗", "the"])}`;
  }
}

/**
 * A message of random search units of one to three kinds (so some messages hold no alias at all),
 * separated or not, cut to MESSAGE_LENGTH.
 */
export function searchMessage(seed: number, kb: KnowledgeBase): string {
  const rnd = random(seed);
  const kinds = Array.from({ length: between(rnd, 1, 3) }, () => between(rnd, 0, 15));
  const separators = [" ", " ", " ", "", ", ", "\n", ".", "。"];
  const separator = pick(rnd, separators);
  let out = "";
  while (out.length < MESSAGE_LENGTH) out += searchUnit(rnd, kb, kinds) + separator;
  return out.slice(0, MESSAGE_LENGTH);
}

/**
 * The slowest message the random search found (`--search 5000` on this machine, once the parser's work was
 * bounded: seed 701, 1.4 ms), kept as it was so that edits of the knowledge base leave it alone: everyday
 * aliases back to back ("whatsupلاین小飞机威信wiki…"), each one read against the question around it. Before,
 * the search's slowest were 4,096 characters of made-up words joined by dots (about 7 ms: the host-name
 * pattern was tried from every label of the chain); they are kept below as "dot-separated made-up words",
 * with a chain of digits, the worst of that kind.
 */
export const WORST_FOUND = [
  "whatsupلاین小飞机威信wikiTwitchмедузыТор臉譜телеге大陆照片墙Outlineмедузойсигналетелегателег",
  "а大陸сигналеМедузаMessenger大陆美杜莎ایکس纸飞机зума蓝灯زومسیگنال威信飛機照片牆纸飞机wikiТорLINE藍燈Threa",
  "dsтелеге連我guardianguardianinsimoزوم小飞机飞机油管телеге蓝灯小飛機imoвикиguardian油管guardianLa",
  "nternзумуLINE照片墙зумомвикиزوم小飞机LanternxزومLanternмедузызумتورimo臉譜xwhatsupсигнал",
  "تور小飞机藍燈LINEМедузаZoomмедузымедузузума紙飛機сигналOutlineسیگنالмедузе飞机Messengerмед",
  "узызумеLINE連我insвикизуме威信xLINEZoomзумоммедузыزومZoomZoomMessengerLINE小飞机TwitchL",
  "INE小飛機зумом臉譜guardian油管сигнале飛機Signal國內تورзумазуму紙飛機飛機小飞机wikiwhatsupТор大陸зумуS",
  "ignal蓝灯Signal藍燈inswiki小飞机guardianزومLanternimox纸飞机whatsup飛機لاین大陆照片墙连我Zoom蓝灯大陆зу",
  "меMessenger油管臉譜大陸连我照片牆大陆照片牆紙飛機медузыZoomimo油管紙飛機Threads大陸Threadsзумом照片墙imo連我зум",
  "умедузойتور脸谱脸谱зумоммедузе小飛機飞机xtweeterایکسimo照片牆紙飛機MessengerзумLINE照片墙tweeter油管",
  "tweeter藍燈臉譜تورimoایکسмедузе飞机Lanternсигнал大陸зумом飞机臉譜Lantern威信телегуSignalx国内тел",
  "егаLINEZoomзумзумом威信纸飞机Zoomзумуایکسмедузу臉譜飞机国内викиLINEмедузойایکسтелега飛機вики藍",
  "燈Медузаلاینтелеге連我Тор臉譜紙飛機Threadsсигнал紙飛機imoتورмедузуМедузамедузы小飛機xзума飛機ins",
  "سیگنال小飞机телега小飛機国内Threads藍燈медузы油管телегеOutlinexguardian美杜莎藍燈ایکس油管纸飞机سیگنالс",
  "игналеwhatsupx美杜莎小飞机сигналсигналеwiki大陆小飛機油管Медузазумезума美杜莎照片牆зумутелегасигнал",
  "Messengerмедузувики國內сигнал蓝灯لاینLINEТорзумусигнале蓝灯insТор连我insтелега连我imoلاین國",
  "內медузеwhatsupтелеге連我медузе飞机紙飛機ТорМедузаZoomвикиSignalایکسtweeterтелегуلاینзум",
  "сигналLINEзумtweeterتورмедузой脸谱imoOutlinetweeter飛機медузеتور國內imoзуме纸飞机Signal臉譜",
  "藍燈зумаМедуза脸谱ایکس美杜莎ZoomLanternтелегу纸飞机SignalLantern纸飞机Messengerсигналемедузы国",
  "内телегаwhatsupLanternLINE国内медузы藍燈вики威信國內LINE国内大陆медузу國內小飞机سیگنال小飞机телегуThr",
  "eads大陸зумом小飛機whatsup連我Торتور小飛機油管Lanternx照片墙медузывикизуму照片牆wiki威信xтелеге紙飛機зу",
  "му脸谱зумеایکس照片墙wiki藍燈зумутелегамедузеسیگنالتورтелегеМедуза照片墙Signal國內照片墙медузы油管",
  "تورсигналеguardian国内зумTwitchLanternзумузумеwikiтелега臉譜ایکسмедузезум威信Outline照片",
  "牆سیگنال大陆медузытелегеins大陆小飛機MessengerMessengerвикиТор蓝灯纸飞机藍燈медузойзумомтелегу蓝",
  "灯ThreadsзумеZoom纸飞机飛機سیگنال紙飛機小飛機大陆照片牆سیگنالзумуМедузаZoomwhatsup國內藍燈纸飞机Lantern脸",
  "谱сигналSignal飛機зуму蓝灯зумутелегутелегаOutlineтелегуOutlineсигнал國內纸飞机медузетелега",
  "飛機紙飛機国内美杜莎медузызуму大陆Медузавики飞机зумаtweeter美杜莎Outlinex蓝灯зумуx小飞机зумомТор大陆大陸Tw",
  "itchзуму小飞机зума藍燈脸谱脸谱MessengerмедузуZoomLantern脸谱照片墙Outline藍燈сигналتورtweeterimo",
  "Twitch紙飛機Медузазумумедузу油管纸飞机照片牆зумасигналесигналезумZoom蓝灯Тор大陸脸谱медузесигнал小",
  "飞机连我大陆大陆小飛機телегуМедузамедузой小飛機телега藍燈телегеLINEwikiмедузу纸飞机телегеМедузаwhat",
  "sup美杜莎зумомinsThreadstweeter照片牆国内照片墙МедузазумамедузойТорلاین油管imo连我Outlineмедузы",
  "OutlineSignalзумуLINEзумом蓝灯Messenger脸谱تورwhatsup小飞机大陆سیگنال大陆藍燈飛機зумx威信сигналеL",
  "INEwhatsup國內تور小飞机纸飞机guardianМедуза纸飞机OutlineThreadsTwitchмедузе藍燈美杜莎大陸медузойте",
  "легезум美杜莎ایکسSignal大陸imoOutlineсигналесигналеwhatsupмедузеtweeter连我телегу脸谱зуму",
  "TwitchزومLINEتور小飞机зумсигналThreadsلاینTwitchلاینimoinsTwitchзуму飛機зумезумомМеду",
  "за连我OutlineмедузузумомTwitchOutlineTwitch國內телегаinsins大陆ins照片牆Медузазум紙飛機ТорTh",
  "readsxwhatsup大陆OutlineلاینZoomThreads照片牆imo大陆تورxسیگنالтелега脸谱xguardianтелегу连我",
  "藍燈纸飞机تور大陸小飛機飞机臉譜飛機зуме紙飛機飞机大陆纸飞机小飛機whatsup威信wikiimoimo藍燈飛機ایکسguardianтелегеOut",
  "lineلاین蓝灯ТормедузойSignalмедузузумезумезумемедузойسیگنالзумуtweeterلاین紙飛機小飛機си",
  "гналلاین脸谱сигналеZoomзуме油管медузеTwitchтелегузумом紙飛機小飛機Threads連我медузы国内зумThre",
  "ads紙飛機لاین大陆ایکس大陆медузой大陆Outlineایکس纸飞机ТорxLanternThreads紙飛機国内國內照片牆wikiтелегам",
  "едузу飞机insلاینwhatsupLINEмедузутелегуimo纸飞机Threads連我大陸зумimoimoМедуза藍燈國內臉譜飞机мед",
  "узойTwitchзумтелега照片墙медузеLanternتور照片牆Outlineimo国内wikiмедузой大陸臉譜脸谱لاین照片牆Sig",
  "nal纸飞机зуме连我تورТорзумаx国内小飞机زومسیگنالTwitch纸飞机國內зумwhatsupZoomOutlineMessengerOu",
  "tline照片牆медузой照片牆ZoomвикиМедузазумоммедузу纸飞机медузу國內TwitchinsMessengerтелегу大陆",
  "威信小飞机медузойxтелегу连我Twitch藍燈美杜莎guardian小飛機зумоммедуземедузой照片牆ایکسзуму藍燈照片牆Twi",
  "tchмедузывикиimo紙飛機国内зумLINEسیگنالtweeterзумаtweeter藍燈медузе蓝灯連我Signal国内Threadsت",
  "ورсигнале大陸insguardianвикиلاین大陆飞机телеге美杜莎Messenger照片牆威信لاینLanternایکسМедузаси",
  "гналеguardianмедузуتورтелегеМедузазумуلاین小飛機imo藍燈зумсигналмедузыinsایکسguardian",
  "ThreadsLanternguardianтелегуMessenger飞机小飞机зумзумتور飞机телеге小飛機медузуinswhatsupلا",
  "ینLantern連我tweeter国内大陆зумомсигналSignalмедузызум照片墙Outlineзум大陸لاینтелегу美杜莎لاین",
  "сигнал小飞机臉譜зум藍燈",
].join("");

/** The adversarial inputs, by name; every one is MESSAGE_LENGTH characters long. */
export function adversarialInputs(kb: KnowledgeBase): { name: string; text: string }[] {
  return [
    { name: "made-up Latin words", text: madeUpWords(1, LATIN, 5, 9) },
    { name: "made-up Cyrillic words", text: madeUpWords(2, CYRILLIC, 5, 9) },
    { name: "made-up Persian words", text: madeUpWords(3, PERSIAN, 5, 9) },
    { name: "Han text", text: hanRun(4) },
    { name: "made-up Han words", text: madeUpWords(5, HAN_CHARS, 2, 5) },
    { name: "mixed-script words", text: madeUpWords(6, MIXED, 4, 12) },
    { name: "one long Latin word", text: "a".repeat(MESSAGE_LENGTH) },
    { name: "long made-up words", text: madeUpWords(7, LATIN, 40, 120) },
    { name: "near-misses of every alias", text: nearMisses(8, kb, " ", false) },
    { name: "near-misses of Han aliases", text: nearMisses(9, kb, "", true) },
    { name: "host-name chains", text: hostChains(10) },
    { name: "dot-separated made-up words", text: dotted(11) },
    { name: "a chain of digits", text: "1.".repeat(MESSAGE_LENGTH / 2) },
    { name: "a label too long, then .com", text: `${"a".repeat(MESSAGE_LENGTH - 4)}.com` },
    { name: "fuzz-found worst case", text: WORST_FOUND },
  ];
}

function timeOne(text: string, kb: KnowledgeBase, runs: number, warmUp = 0): number[] {
  for (let i = 0; i < warmUp; i++) parseQuestion(text, kb);
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    parseQuestion(text, kb);
    ms.push(performance.now() - started);
  }
  return ascending(ms);
}

export interface ParserTiming {
  name: string;
  median: number;
  slowest: number;
}

export function timeInputs(kb: KnowledgeBase, runs = RUNS): ParserTiming[] {
  const inputs = adversarialInputs(kb);
  // A bot that has run a while: the parser compiled for every kind of message, not just the first.
  for (let i = 0; i < WARM_UP; i++) for (const { text } of inputs) parseQuestion(text, kb);
  return inputs.map(({ name, text }) => {
    if (text.length !== MESSAGE_LENGTH) throw new Error(`${name}: ${text.length} characters`);
    const ms = timeOne(text, kb, runs);
    return { name, median: percentile(ms, 50), slowest: percentile(ms, 100) };
  });
}

export async function runParserBench(kb: KnowledgeBase = loadKnowledgeBase()): Promise<Figure[]> {
  const timings = timeInputs(kb);
  const worst = timings.reduce((a, b) => (b.median > a.median ? b : a));
  return [
    {
      figure: `parser, worst of ${timings.length} adversarial 4,096-char messages (median of ${RUNS}): ${worst.name}`,
      value: worst.median,
      target: 5,
      unit: "ms",
    },
    {
      figure: `parser, slowest single parse of those messages`,
      value: Math.max(...timings.map((t) => t.slowest)),
      target: null,
      unit: "ms",
    },
  ];
}

/** Random search for slow messages: the seeds whose messages took longest, slowest first. */
export function searchWorst(kb: KnowledgeBase, seeds: number, from = 1): { seed: number; ms: number }[] {
  // The first parses run before the JIT has compiled the parser: warm it up on every kind of unit first.
  for (let seed = from + seeds; seed < from + seeds + 50; seed++) timeOne(searchMessage(seed, kb), kb, 1, 5);
  const found: { seed: number; ms: number }[] = [];
  for (let seed = from; seed < from + seeds; seed++) {
    const text = searchMessage(seed, kb);
    const ms = percentile(timeOne(text, kb, 3, 2), 50);
    found.push({ seed, ms });
  }
  return found.sort((a, b) => b.ms - a.ms).slice(0, 10);
}

// Run alone: `node dist/bench/parser.js [--kb DIR]` prints every input's times; `--search N` tries N seeds.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const option = (name: string) => {
    const at = process.argv.indexOf(name);
    return at < 0 ? undefined : (process.argv[at + 1] ?? "");
  };
  const kb = loadKnowledgeBase(option("--kb") || undefined);
  if (option("--search") !== undefined) {
    const seeds = Number(option("--search")) || 1000;
    console.log(JSON.stringify(searchWorst(kb, seeds)));
  } else {
    for (const t of timeInputs(kb)) {
      console.log(
        `${t.name.padEnd(30)} median ${t.median.toFixed(3)} ms  slowest ${t.slowest.toFixed(3)} ms`,
      );
    }
    for (const f of await runParserBench(kb)) console.log(`${f.figure}: ${f.value.toFixed(3)} ${f.unit}`);
  }
}
