import type { Middleware } from "telegraf";
import { parseCommand } from "../commands.js";
import { type Callback, parseCallback, type TargetAction } from "../keyboards.js";
import type { BotContext } from "./context.js";
import { textOf } from "./messages.js";

// Commands are read from messages and from channel posts alike (Telegraf's own `command` sees messages
// only), so an admin posting /status in a channel gets the same answer as anyone in a chat.

export type CommandHandler = (ctx: BotContext, args: string) => Promise<void>;

export function commands(handlers: Record<string, CommandHandler>): Middleware<BotContext> {
  return async (ctx, next) => {
    const text = textOf(ctx);
    const command = text === undefined ? undefined : parseCommand(text, ctx.me);
    const handler = command ? handlers[command.name] : undefined;
    if (!command || !handler) return next();
    await handler(ctx, command.args);
  };
}

export function callbackOf(ctx: BotContext): Callback | undefined {
  const query = ctx.callbackQuery;
  return query && "data" in query ? parseCallback(query.data) : undefined;
}

/** Handles the buttons that act on a (service, country) with one of `actions`. */
export function targetButtons(
  actions: readonly TargetAction[],
  handler: (ctx: BotContext, callback: Extract<Callback, { kind: "target" }>) => Promise<void>,
): Middleware<BotContext> {
  return async (ctx, next) => {
    const callback = callbackOf(ctx);
    if (callback?.kind !== "target" || !actions.includes(callback.action)) return next();
    await handler(ctx, callback);
  };
}

/** Handles the buttons of one other kind (language, delivery). */
export function buttons<K extends Exclude<Callback["kind"], "target">>(
  kind: K,
  handler: (ctx: BotContext, callback: Extract<Callback, { kind: K }>) => Promise<void>,
): Middleware<BotContext> {
  return async (ctx, next) => {
    const callback = callbackOf(ctx);
    if (callback?.kind !== kind) return next();
    await handler(ctx, callback as Extract<Callback, { kind: K }>);
  };
}
