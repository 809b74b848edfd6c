import { TelegramError } from "telegraf";
import { t } from "../../present/i18n/index.js";
import type { BotContext } from "./context.js";

/** Telegram shows at most 200 characters in a button's notification. */
const NOTIFICATION_LIMIT = 200;

/**
 * Answers a button press: stops the spinner, with a short notification (an alert when `alert`). Telegram
 * refuses answers to presses older than a few minutes; the press is then acted on without one, so an old
 * answer's Details button still works.
 */
export async function acknowledge(ctx: BotContext, text?: string, alert = false): Promise<void> {
  try {
    const shown = text === undefined ? undefined : Array.from(text).slice(0, NOTIFICATION_LIMIT).join("");
    await ctx.answerCbQuery(shown, alert ? { show_alert: true } : {});
  } catch (error) {
    if (!(error instanceof TelegramError && error.code === 400)) throw error;
  }
}

/** A button whose data no longer means anything (old keyboard, unknown service, forged data). */
export async function expiredButton(ctx: BotContext): Promise<void> {
  await acknowledge(ctx, t(ctx.lang, "button.expired"));
}

/** Last in the chain: any button nothing else handled still stops spinning, with an explanation. */
export async function unhandledButton(ctx: BotContext, next: () => Promise<void>): Promise<void> {
  if (ctx.callbackQuery) return expiredButton(ctx);
  return next();
}
