import type { InlineKeyboardMarkup } from "telegraf/types";
import { keepRightToLeft } from "../../present/bidi.js";
import { isRtl } from "../../present/i18n/index.js";
import { splitMessage } from "../split.js";
import type { BotContext } from "./context.js";
import { isGroup } from "./messages.js";

export interface SendOptions {
  keyboard?: InlineKeyboardMarkup;
}

/** Right to left kept for Persian, then split into messages Telegram accepts. */
export function prepareHtml(html: string, ctx: BotContext): string[] {
  return splitMessage(isRtl(ctx.lang) ? keepRightToLeft(html) : html);
}

/**
 * Sends Telegram HTML to the update's chat: split at line boundaries when longer than a message, link
 * previews off (an answer's source links would otherwise unfurl), the keyboard under the last part. In
 * groups the first part replies to the message that asked, so the thread stays readable.
 */
export async function sendHtml(ctx: BotContext, html: string, options: SendOptions = {}): Promise<void> {
  const parts = prepareHtml(html, ctx);
  const asked = ctx.message?.message_id;
  for (const [i, part] of parts.entries()) {
    await ctx.reply(part, {
      parse_mode: "HTML",
      link_preview_options: { is_disabled: true },
      ...(i === 0 && asked !== undefined && isGroup(ctx)
        ? { reply_parameters: { message_id: asked, allow_sending_without_reply: true } }
        : {}),
      ...(i === parts.length - 1 && options.keyboard ? { reply_markup: options.keyboard } : {}),
    });
  }
}
