import { Composer } from "telegraf";
import { REPORT_WINDOW_MS } from "../../model/store.js";
import { renderReportReceipt } from "../views/reports.js";
import type { BotContext, BotDeps } from "./context.js";
import { commands } from "./routing.js";
import { sendHtml } from "./send.js";
import { targetFromArgs } from "./target-args.js";

/**
 * /report <service> [country]: a person says a service does not work for them. Stored once per person,
 * service and country per hour, counted as "N people reported problems", and never a verdict on its own.
 */
export function reportFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.use(
    commands({
      report: async (ctx, args) => {
        // The person, or the chat an anonymous admin or a channel speaks as.
        const personId = ctx.message?.sender_chat?.id ?? ctx.from?.id ?? ctx.chat?.id;
        const target = await targetFromArgs(ctx, deps, "report", args, { allowAll: false });
        if (!target || personId === undefined) return;
        const now = deps.now();
        const accepted = await deps.store.addReport(deps.reporterKey(personId), target, now);
        const recent = await deps.store.countReports(target, now - REPORT_WINDOW_MS);
        await sendHtml(ctx, renderReportReceipt(deps.kb, target, accepted, recent, ctx.lang));
      },
    }),
  );
  return composer;
}
