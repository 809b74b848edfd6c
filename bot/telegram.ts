import { createHmac, randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { Composer, Telegraf, type Telegram } from "telegraf";
import type { Update } from "telegraf/types";
import type { Logger } from "../core/log.js";
import { type IsblockedMetrics, timeUpdates } from "../core/metrics.js";
import { StoreError, type UpdateClaim } from "../model/store.js";
import { pickLang, t } from "../present/i18n/index.js";
import { escapeHtml } from "../present/text.js";
import { BotApiTransport } from "./api-transport.js";
import { commandMenu, MENU_LANGUAGES } from "./commands.js";
import {
  claimWhenFree,
  type Delivery,
  holdingClient,
  isLong,
  type ReplyGate,
  replyGate,
  serialLane,
  takeHeldReply,
  UPDATE_CLAIM_TTL_MS,
  type WebhookAnswer,
} from "./delivery.js";
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

export type { BotContext, Delivery, WebhookAnswer };

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

/** The bot as the composition root drives it. */
export type TelegramBot = Telegraf & {
  inFlight: InFlight;
  /** Handles one update as polling hands it over; `handleUpdate` does the same and tells nothing. */
  deliver(update: Update): Promise<Delivery>;
  /**
   * Handles one update as the webhook hands it over: its answer's last call is held for the webhook's
   * response (bot/delivery.ts, replyGate).
   */
  deliverByWebhook(update: Update): Promise<WebhookAnswer>;
};

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
export function createTelegramBot(options: TelegramBotOptions): TelegramBot {
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
  const { store } = options.context;
  const handle = bot.handleUpdate.bind(bot);
  /** A claim the store could not make: the error boundary reports it as the update's failure. */
  const claimFailures = new WeakMap<Update, unknown>();
  /** What each update being handled has shown its person so far. */
  const replies = new WeakMap<Update, ReplyGate>();

  // Claimed before the handler starts, even for a question that writes nothing: a question answered while
  // its claim is written would overtake a command sent just before it in the same chat. Recorded as done
  // only once telegraf is through with it (answered, failed and told, or timed out and told): a process
  // killed before that leaves a claim that lapses, and Telegram's re-delivery is handled then.
  const longLane = serialLane();
  /** Updates delivered by webhook, whose last call rides in the webhook's response. */
  const byWebhook = new WeakSet<Update>();
  const settled = () => {
    active--;
    if (active === 0) for (const wake of idle.splice(0)) wake();
  };
  const run = async (update: Update): Promise<WebhookAnswer> => {
    const updateId = update.update_id;
    // One owner per delivery: the same update delivered twice to this process is handled once too.
    const owner = randomUUID();
    active++;
    let answer: WebhookAnswer | undefined;
    try {
      let claim: UpdateClaim | undefined;
      try {
        claim = await claimWhenFree(store, updateId, owner, handlerTimeoutMs + UPDATE_CLAIM_TTL_MS);
      } catch (error) {
        claimFailures.set(update, error);
      }
      if (claim === "done") {
        options.log.debug("duplicate update ignored", { updateId });
        return { delivery: "duplicate" };
      }
      if (claim === "busy") {
        options.log.warn("update still handled elsewhere: left for Telegram to deliver again", { updateId });
        return { delivery: "busy" };
      }
      const renewal = setInterval(() => {
        store.claimUpdate(updateId, owner, UPDATE_CLAIM_TTL_MS).catch(() => undefined);
      }, UPDATE_CLAIM_TTL_MS / 3);
      renewal.unref();
      try {
        await (isLong(update) ? longLane(() => handle(update)) : handle(update));
      } finally {
        clearInterval(renewal);
      }
      const record = async () => {
        if (claim !== "claimed") return;
        await store.finishUpdate(updateId).catch((error: unknown) => {
          options.log.warn("could not record an update as handled", { updateId, error });
        });
      };
      const reply = takeHeldReply(replies.get(update));
      if (reply === undefined) {
        // Written with the next claim of its bucket, or soon after (store/updates.ts): in flight until then.
        answer = { delivery: "handled" };
        void record().finally(settled);
        return answer;
      }
      // An answer in the webhook's response is shown only once the response is written: recorded as
      // handled before that, a process killed in between would leave the update unanswered, its
      // re-delivery taken for a duplicate. Still in flight until then, so a graceful stop waits for it.
      answer = {
        delivery: "handled",
        reply,
        responded: async (written) => {
          try {
            if (written) await record();
          } finally {
            settled();
          }
        },
      };
      return answer;
    } finally {
      if (answer === undefined) settled();
    }
  };
  const deliver = async (update: Update): Promise<Delivery> => (await run(update)).delivery;
  const deliverByWebhook = (update: Update): Promise<WebhookAnswer> => {
    byWebhook.add(update);
    return run(update);
  };
  // Polling and anyone else calling handleUpdate go through the claim too.
  bot.handleUpdate = async (update) => {
    await deliver(update);
  };
  // First in the chain, so the histogram covers every middleware of every update.
  if (options.metrics) bot.use(timeUpdates(options.metrics));
  bot.use(async (ctx, next) => {
    transport.attach(ctx.telegram);
    replies.set(ctx.update, replyGate(ctx.telegram, { holdLast: byWebhook.has(ctx.update) }));
    if (claimFailures.has(ctx.update)) throw claimFailures.get(ctx.update);
    await next();
  });
  bot.use(conversationComposer(deps, options.rateLimits ?? { messages: MESSAGE_RATE, inline: INLINE_RATE }));
  // The one error boundary: a failing handler is logged, the person is told when they were waiting for an
  // answer, and the bot goes on with the next update.
  bot.catch(async (error, ctx) => {
    options.log.error("update failed", { updateId: ctx.update.update_id, updateType: ctx.updateType, error });
    const gate = replies.get(ctx.update);
    // One reply per update: whatever the handler managed to show stands, and a handler still running
    // past its timeout shows nothing after the apology. A reply on its way when the handler timed out
    // may yet arrive: its outcome decides, for as long again as the handler had (a claim's TTL at
    // least); one still unanswered then is taken as lost (Telegram not answering at all), and the person
    // is told.
    if (gate) {
      gate.closed = true;
      const waited = sleep(Math.max(handlerTimeoutMs, UPDATE_CLAIM_TTL_MS), undefined, { ref: false });
      await Promise.race([Promise.allSettled(gate.sending), waited]);
      if (gate.replied) return;
    }
    // The apology goes through the bot's own client, which the closed gate does not hold back; for a
    // webhook update, in the response like any answer.
    const client = gate && byWebhook.has(ctx.update) ? holdingClient(bot.telegram, gate) : bot.telegram;
    const apologizing = Object.create(ctx, { telegram: { value: client } }) as BotContext;
    try {
      // A store that is down (Redis gone) is no bug of the answer: the person is told to come back later.
      // Without the store the chat's own language is unknown: the person's Telegram language stands in.
      const unavailable = causedByStore(error);
      const lang = unavailable ? pickLang(ctx.from?.language_code) : ctx.lang;
      const text = t(lang, unavailable ? "error.unavailable" : "error.generic");
      if (ctx.callbackQuery) await acknowledge(apologizing, text);
      else if (isForBot(ctx)) await sendHtml(apologizing, escapeHtml(text));
    } catch (apology) {
      options.log.warn("could not report the failure", { updateId: ctx.update.update_id, error: apology });
    }
  });
  return Object.assign(bot as unknown as Telegraf, { inFlight, deliver, deliverByWebhook });
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
