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
  const answer = await buildAnswer(parseQuestion(question, ctx.kb), ctx);
  const html = renderAnswer(ctx.kb, answer, lang);
  // Only the terminal reads the plain text: Telegram, which answers most questions, never pays for it.
  return {
    answer,
    html,
    get text() {
      return htmlToPlainText(html);
    },
  };
}

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
