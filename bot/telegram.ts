import { createHmac } from "node:crypto";
import { Composer, Telegraf, type Telegram } from "telegraf";
import type { Logger } from "../core/log.js";
import { type IsblockedMetrics, timeUpdates } from "../core/metrics.js";
import { StoreError } from "../model/store.js";
import { pickLang, t } from "../present/i18n/index.js";
import { escapeHtml } from "../present/text.js";
import { BotApiTransport } from "./api-transport.js";
import { commandMenu, MENU_LANGUAGES } from "./commands.js";
import { aboutFeature } from "./features/about.js";
import { acknowledge, unhandledButton } from "./features/buttons.js";
import { channelsFeature } from "./features/channels.js";
import { checkNowFeature } from "./features/check-now.js";
import { BotContext, type BotContextDeps, type BotDeps } from "./features/context.js";
import { groupsFeature } from "./features/groups.js";
import { inlineFeature } from "./features/inline.js";
import { locale } from "./features/locale.js";
import { lookupFeature } from "./features/lookup.js";
import { isForBot, isPlainText } from "./features/messages.js";
import { questionsFeature } from "./features/questions.js";
import { type RateLimits, rateLimit } from "./features/rate-limit.js";
import { reportFeature } from "./features/report.js";
import { sendHtml } from "./features/send.js";
import { settingsFeature } from "./features/settings.js";
import { subscriptionsFeature } from "./features/subscriptions.js";
import { INLINE_RATE, MESSAGE_RATE } from "./person-limiter.js";

export type { BotContext };

export interface TelegramBotOptions {
  token: string;
  apiRoot?: string;
  /** Knowledge base, store and DEFAULT_COUNTRY. */
  context: BotContextDeps;
  log: Logger;
  /** Epoch milliseconds, for reports and rate limits; tests pass their own clock. */
  now?: () => number;
  rateLimits?: RateLimits;
  /** Where the time spent on each update is recorded (isblocked_update_duration_seconds). */
  metrics?: Pick<IsblockedMetrics, "updateDuration">;
  /** How long one update may take before the bot moves on; default HANDLER_TIMEOUT_MS. */
  handlerTimeoutMs?: number;
}

/**
 * A handler still running after this is abandoned (and logged): while telegraf waits on a batch of
 * updates it fetches no more, so one hanging handler must not hold the bot for long.
 */
export const HANDLER_TIMEOUT_MS = 10_000;

/** What the composition root needs to stop the bot cleanly. */
export interface InFlight {
  /** Updates being handled now. */
  count(): number;
  /** Resolves when none are being handled, or after `ms`. */
  drained(ms: number): Promise<void>;
}

/**
 * The updates the bot handles, for `launch({ allowedUpdates })`: Telegram otherwise keeps whatever list a
 * webhook was last registered with.
 */
export const ALLOWED_UPDATES = [
  "message",
  "channel_post",
  "callback_query",
  "inline_query",
  "my_chat_member",
] as const;

/** Every feature but the questions, in the order an update meets them: membership changes first. */
export function commandFeatures(deps: BotDeps): Composer<BotContext>[] {
  return [
    groupsFeature(deps),
    aboutFeature(deps),
    lookupFeature(deps),
    checkNowFeature(deps),
    settingsFeature(deps),
    subscriptionsFeature(deps),
    channelsFeature(deps),
    reportFeature(deps),
    inlineFeature(deps),
  ];
}

/** Every feature, in the order an update meets them: rate limit and language first, free text last. */
export function conversationComposer(deps: BotDeps, limits: RateLimits): Composer<BotContext> {
  const questions = questionsFeature(deps);
  return new Composer<BotContext>(
    rateLimit(limits, deps.now),
    locale(deps),
    Composer.branch(
      isPlainText,
      questions,
      new Composer<BotContext>(...commandFeatures(deps), questions, unhandledButton),
    ),
  );
}

/**
 * A person's key for problem reports: an HMAC of their id under the bot token, so the store never holds
 * who reported what, and the key cannot be recomputed from a user id without the token.
 */
function reporterKeys(token: string): (personId: number) => string {
  return (personId) => createHmac("sha256", token).update(`report:${personId}`).digest("hex").slice(0, 32);
}

/**
 * The bot, every feature assembled behind one error boundary. Typed as a plain Telegraf for the composition
 * root: launching, stopping and `handleUpdate` build the bot's own context (BotContext) themselves.
 */
export function createTelegramBot(options: TelegramBotOptions): Telegraf & { inFlight: InFlight } {
  const handlerTimeoutMs = options.handlerTimeoutMs ?? HANDLER_TIMEOUT_MS;
  const bot = new Telegraf<BotContext>(options.token, {
    contextType: BotContext,
    handlerTimeout: handlerTimeoutMs,
    // webhookReply off: a reply sent inside the webhook response cannot fail visibly.
    telegram: { webhookReply: false, ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}) },
  });
  // Every Telegram client of this bot, its own and the one telegraf makes for each update, sends JSON
  // methods through one keep-alive transport.
  const transport = new BotApiTransport(bot.telegram);
  transport.attach(bot.telegram);
  const deps: BotDeps = {
    ...options.context,
    log: options.log,
    now: options.now ?? options.context.now ?? Date.now,
    reporterKey: reporterKeys(options.token),
  };
  let active = 0;
  const idle: (() => void)[] = [];
  const inFlight: InFlight = {
    count: () => active,
    drained: (ms) =>
      active === 0
        ? Promise.resolve()
        : new Promise((resolve) => {
            const timer = setTimeout(resolve, ms);
            idle.push(() => {
              clearTimeout(timer);
              resolve();
            });
          }),
  };
  // First in the chain, so the histogram covers every middleware of every update.
  if (options.metrics) bot.use(timeUpdates(options.metrics));
  bot.use(async (ctx, next) => {
    transport.attach(ctx.telegram);
    // Counted from the start, claim included: a stop requested meanwhile must wait for this update.
    active++;
    let done = false;
    const release = () => {
      if (done) return;
      done = true;
      active--;
      if (active === 0) for (const wake of idle.splice(0)) wake();
    };
    // Past the handler timeout telegraf has given up on the update (and the error boundary has told the
    // person): a stop no longer waits for it.
    const abandoned = setTimeout(release, handlerTimeoutMs);
    abandoned.unref();
    try {
      // Telegram redelivers a webhook update it did not see acknowledged, and replicas share a webhook:
      // the store remembers which update ids were claimed, so each is handled once. Claimed before the
      // handler starts, even for a question that writes nothing: a question answered while its claim is
      // written would overtake a command sent just before it in the same chat.
      if (!(await options.context.store.claimUpdate(ctx.update.update_id))) {
        options.log.debug("duplicate update ignored", { updateId: ctx.update.update_id });
        return;
      }
      await next();
    } finally {
      clearTimeout(abandoned);
      release();
    }
  });
  bot.use(conversationComposer(deps, options.rateLimits ?? { messages: MESSAGE_RATE, inline: INLINE_RATE }));
  // The one error boundary: a failing handler is logged, the person is told when they were waiting for an
  // answer, and the bot goes on with the next update.
  bot.catch(async (error, ctx) => {
    options.log.error("update failed", { updateId: ctx.update.update_id, updateType: ctx.updateType, error });
    try {
      // A store that is down (Redis gone) is no bug of the answer: the person is told to come back later.
      // Without the store the chat's own language is unknown: the person's Telegram language stands in.
      const unavailable = causedByStore(error);
      const lang = unavailable ? pickLang(ctx.from?.language_code) : ctx.lang;
      const text = t(lang, unavailable ? "error.unavailable" : "error.generic");
      if (ctx.callbackQuery) await acknowledge(ctx, text);
      else if (isForBot(ctx)) await sendHtml(ctx, escapeHtml(text));
    } catch (apology) {
      options.log.warn("could not report the failure", { updateId: ctx.update.update_id, error: apology });
    }
  });
  return Object.assign(bot as unknown as Telegraf, { inFlight });
}

/** Whether the store failing is what made `error` (anywhere along its causes). */
function causedByStore(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    if (e instanceof StoreError) return true;
  }
  return false;
}

/**
 * Registers the command menus with Telegram (setMyCommands): for every menu language, all commands in
 * private chats and all but the private-only ones in groups. Call once at launch; see MENU_LANGUAGES.
 */
export async function registerCommands(telegram: Telegram): Promise<void> {
  for (const { languageCode, lang } of MENU_LANGUAGES) {
    const language = languageCode ? { language_code: languageCode } : {};
    await telegram.setMyCommands(commandMenu(lang, "groups"), language);
    await telegram.setMyCommands(commandMenu(lang, "private"), {
      ...language,
      scope: { type: "all_private_chats" },
    });
  }
}
