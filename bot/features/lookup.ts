import { Composer } from "telegraf";
import type { Target } from "../../model/status.js";
import { buildAlternatives } from "../../pipeline/read-model.js";
import { historyChart } from "../../present/history-chart.js";
import { alternativesReply, listReply, type Reply, statusReply, targetOf } from "../conversation.js";
import { answerKeyboard } from "../keyboards.js";
import { renderAlternatives } from "../views/alternatives.js";
import { renderDetails } from "../views/details.js";
import { renderHistory } from "../views/history.js";
import { acknowledge, expiredButton } from "./buttons.js";
import { checkNowKeyboard } from "./check-now.js";
import { answerContext, type BotContext, type BotDeps } from "./context.js";
import { commands, targetButtons } from "./routing.js";
import { sendHtml } from "./send.js";

/** Sends a reply; one about a known service gets the answer's buttons. */
export async function sendReply(ctx: BotContext, deps: BotDeps, reply: Reply): Promise<void> {
  const known = reply.about && deps.kb.service(reply.about.service) && deps.kb.country(reply.about.country);
  const check = reply.check && deps.onDemand ? checkNowKeyboard(reply.check, ctx.lang) : undefined;
  await sendHtml(
    ctx,
    reply.html,
    known && reply.about
      ? { keyboard: answerKeyboard(reply.about, ctx.lang) }
      : check
        ? { keyboard: check }
        : {},
  );
}

/** /status, /list, /alternatives, and the Alternatives, Details and History buttons under an answer. */
export function lookupFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.use(
    commands({
      status: async (ctx, args) =>
        sendReply(ctx, deps, await statusReply(args, ctx.lang, answerContext(deps, ctx))),
      list: async (ctx, args) =>
        sendHtml(ctx, (await listReply(args, ctx.lang, answerContext(deps, ctx))).html),
      alternatives: async (ctx, args) =>
        sendHtml(ctx, (await alternativesReply(args, ctx.lang, answerContext(deps, ctx))).html),
      history: async (ctx, args) => {
        const parsed = targetOf("history", args, ctx.lang, answerContext(deps, ctx));
        if ("html" in parsed) return sendHtml(ctx, parsed.html);
        await sendHistory(ctx, deps, parsed.target);
      },
    }),
  );
  composer.use(
    targetButtons(["alt", "det", "his"], async (ctx, { action, target }) => {
      if (!ctx.chat || !isKnown(deps, target)) return expiredButton(ctx);
      await acknowledge(ctx);
      const { kb, store } = deps;
      if (action === "alt") {
        await sendHtml(
          ctx,
          renderAlternatives(
            kb,
            await buildAlternatives(kb, store, target.service, target.country, deps.now()),
            ctx.lang,
          ),
        );
      } else if (action === "det") {
        await sendHtml(ctx, renderDetails(kb, target, await store.getStatus(target), ctx.lang));
      } else {
        await sendHistory(ctx, deps, target);
      }
    }),
  );
  return composer;
}

/** The last 30 days as a PNG with its alt text as caption, then the timeline and dated events as text. */
async function sendHistory(ctx: BotContext, deps: BotDeps, target: Target): Promise<void> {
  const { kb, store } = deps;
  const chart = await historyChart(store, kb, target, ctx.lang);
  await ctx.replyWithPhoto({ source: chart.png, filename: "history.png" }, { caption: chart.alt });
  const events = kb.eventsFor(target.service, target.country);
  await sendHtml(ctx, renderHistory(kb, target, chart.timeline, events, ctx.lang));
}

export const isKnown = (deps: BotDeps, target: Target): boolean =>
  deps.kb.service(target.service) !== undefined && deps.kb.country(target.country) !== undefined;
