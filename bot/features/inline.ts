import { Composer } from "telegraf";
import type { InlineQueryResultArticle } from "telegraf/types";
import type { Lang } from "../../kb/schema.js";
import type { ParsedQuestion } from "../../model/question.js";
import { type Answer, buildAnswer } from "../../pipeline/answer.js";
import { t } from "../../present/i18n/index.js";
import { htmlToPlainText, isLastKnown, placeName, STATUS_MARK, serviceName } from "../../present/text.js";
import { parseQuestion } from "../parse.js";
import { renderAnswer } from "../render.js";
import { answerContext, type BotContext, type BotDeps } from "./context.js";
import { prepareHtml } from "./send.js";

// Inline mode: "@bot whatsapp" or "@bot whatsapp iran" in any chat offers the answer as an article to
// send there. A query the bot cannot read offers its suggestions instead, each with its own status.

/** Queries are typed by hand; a longer one is not a question worth parsing whole. */
const QUERY_LIMIT = 256;
const DESCRIPTION_LIMIT = 160;

function title(deps: BotDeps, answer: Answer, lang: Lang): string {
  const service = answer.service ? serviceName(deps.kb, answer.service, lang) : (answer.domain ?? "");
  const place = placeName(deps.kb, answer.country, answer.region, lang);
  const status = t(lang, `status.${answer.status}`);
  const lastKnown = isLastKnown(answer) ? ` (${t(lang, "answer.lastKnown")})` : "";
  return `${STATUS_MARK[answer.status]} ${t(lang, "answer.title", { service, place, status })}${lastKnown}`;
}

function article(deps: BotDeps, ctx: BotContext, answer: Answer): InlineQueryResultArticle {
  const html = renderAnswer(deps.kb, answer, ctx.lang);
  // The second line says since when, or that nothing fresh was measured: the most useful line after the title.
  // Links keep their label only: a URL in a one-line description would crowd out the words.
  const description = htmlToPlainText((html.split("\n")[1] ?? "").replace(/<a [^>]*>([^<]*)<\/a>/g, "$1"));
  return {
    type: "article",
    id: `${answer.service ?? answer.domain ?? "unknown"}:${answer.country}`.slice(0, 64),
    title: title(deps, answer, ctx.lang),
    description: Array.from(description).slice(0, DESCRIPTION_LIMIT).join(""),
    input_message_content: {
      message_text: prepareHtml(html, ctx)[0] ?? "",
      parse_mode: "HTML",
      link_preview_options: { is_disabled: true },
    },
  };
}

export function inlineFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.on("inline_query", async (ctx) => {
    const query = Array.from(ctx.inlineQuery.query.trim()).slice(0, QUERY_LIMIT).join("");
    // Answers depend on the person's default country and language: never shared between people.
    const extra = { cache_time: 60, is_personal: true };
    if (query === "") {
      return void (await ctx.answerInlineQuery([], {
        ...extra,
        button: { text: t(ctx.lang, "inline.help"), start_parameter: "inline" },
      }));
    }
    const context = answerContext(deps, ctx);
    const parsed = parseQuestion(query, deps.kb);
    const questions: ParsedQuestion[] = parsed.understood
      ? [parsed]
      : parsed.suggestions.map((service) => ({ ...parsed, understood: true, service, suggestions: [] }));
    const answers = await Promise.all(questions.map((q) => buildAnswer(q, context)));
    await ctx.answerInlineQuery(
      answers.map((a) => article(deps, ctx, a)),
      answers.length > 0
        ? extra
        : { ...extra, button: { text: t(ctx.lang, "inline.help"), start_parameter: "inline" } },
    );
  });
  return composer;
}
