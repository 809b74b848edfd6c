import type { Target } from "../../model/status.js";
import { t } from "../../present/i18n/index.js";
import { escapeHtml } from "../../present/text.js";
import { unknownCountry } from "../conversation.js";
import { renderNotUnderstood } from "../render.js";
import { parseTargetArgs } from "../targets.js";
import type { BotContext, BotDeps } from "./context.js";
import { sendHtml } from "./send.js";

/**
 * The (service, country) a command names, or undefined after telling the person what was wrong: nothing
 * named (usage), a service or country the bot does not know (suggestions).
 */
export async function targetFromArgs(
  ctx: BotContext,
  deps: BotDeps,
  command: string,
  args: string,
  options: { allowAll: boolean },
): Promise<Target | undefined> {
  const parsed = parseTargetArgs(args, deps.kb, ctx.country, options);
  switch (parsed.kind) {
    case "target":
      return parsed.target;
    case "missing": {
      const key = options.allowAll ? "usage.subscribe" : "usage.service";
      await sendHtml(ctx, escapeHtml(t(ctx.lang, key, { command })));
      return undefined;
    }
    case "unknownService":
      await sendHtml(ctx, renderNotUnderstood(deps.kb, parsed.suggestions, ctx.lang));
      return undefined;
    case "unknownCountry":
      await sendHtml(ctx, unknownCountry(parsed.input, ctx.lang));
      return undefined;
  }
}
