import type { Lang } from "../kb/schema.js";
import { type Answer, type AnswerContext, buildAnswer } from "../pipeline/answer.js";
import { statusFields } from "../present/json.js";
import { htmlToPlainText } from "../present/text.js";
import { parseQuestion } from "./parse.js";
import { renderAnswer } from "./render.js";

/** One question, answered: the data, the Telegram HTML and the plain text of the same answer. */
export interface AskResult {
  answer: Answer;
  html: string;
  text: string;
}

/** The single path from a question to an answer, shared by the console, `isblocked ask` and Telegram. */
export async function ask(question: string, lang: Lang, ctx: AnswerContext): Promise<AskResult> {
  const reuse = await recentAnswers.lookup(question, lang, ctx);
  if (reuse.found) return result(reuse.found.answer, reuse.found.html);
  const answer = await buildAnswer(parseQuestion(question, ctx.kb), ctx);
  const html = renderAnswer(ctx.kb, answer, lang);
  await reuse.keep(answer, html);
  return result(answer, html);
}

function result(answer: Answer, html: string): AskResult {
  // Only the terminal reads the plain text: Telegram, which answers most questions, never pays for it.
  return {
    answer,
    html,
    get text() {
      return htmlToPlainText(html);
    },
  };
}

/** How long an answer is given again to the same question: nothing it says moves within it but the clock. */
export const ANSWER_REUSE_MS = 1000;
/** Questions whose answers are kept, per store. */
const REUSED_QUESTIONS = 500;

interface KeptAnswer {
  kb: AnswerContext["kb"];
  generation: number;
  builtAtMs: number;
  answer: Answer;
  html: string;
}

/**
 * The answers of the last second, given again to the same question in the same language and default
 * country while the store says nothing changed (`changeGeneration`: a status, a report, a chat setting,
 * here or on another replica). A question asked by many at once (a service just went down) is then
 * parsed, read and rendered once a second instead of once per person: about a fifth of the time of an
 * answer (npm run bench, bot latency). An answer that asked OONI is not kept: OONI's measurements come
 * from outside the store, and the generation says nothing of them.
 */
class RecentAnswers {
  private readonly byStore = new WeakMap<object, Map<string, KeptAnswer>>();

  async lookup(question: string, lang: Lang, ctx: AnswerContext) {
    const generation = await ctx.store.changeGeneration?.();
    const nowMs = ctx.now?.() ?? Date.now();
    const key = `${lang}\u0000${ctx.defaultCountry}\u0000${ctx.ooni ? "o" : ""}${ctx.onDemand ? "d" : ""}\u0000${question}`;
    let kept = this.byStore.get(ctx.store);
    const found = kept?.get(key);
    const fresh =
      found !== undefined &&
      generation !== undefined &&
      found.generation === generation &&
      found.kb === ctx.kb &&
      nowMs >= found.builtAtMs &&
      nowMs - found.builtAtMs < ANSWER_REUSE_MS;
    return {
      found: fresh ? found : undefined,
      keep: async (answer: Answer, html: string) => {
        if (generation === undefined || answer.ooni !== undefined) return;
        // Kept only if nothing changed while it was built: its reads may predate the change.
        if ((await ctx.store.changeGeneration?.()) !== generation) return;
        if (kept === undefined) {
          kept = new Map();
          this.byStore.set(ctx.store, kept);
        }
        kept.delete(key);
        if (kept.size >= REUSED_QUESTIONS) kept.delete(kept.keys().next().value as string);
        kept.set(key, { kb: ctx.kb, generation, builtAtMs: nowMs, answer, html });
      },
    };
  }
}

const recentAnswers = new RecentAnswers();

/** The JSON document of docs/design.md's `ask` contract, plus `basis`, `mechanism` and `suggestions`. */
export function askJson(result: AskResult): Record<string, unknown> {
  const a = result.answer;
  return {
    understood: a.understood,
    service: a.service,
    domain: a.domain,
    country: a.country,
    region: a.region,
    // The status's fields exactly as /api/v1/status shapes them.
    ...statusFields(a),
    alternatives: a.alternatives.map((s) => ({ service: s.service, status: s.status })),
    suggestions: a.suggestions,
    ooni: a.ooni && !("unavailable" in a.ooni) ? a.ooni : null,
    text: result.text,
  };
}
