import { Context } from "telegraf";
import type { Logger } from "../../core/log.js";
import type { KnowledgeBase } from "../../kb/knowledge-base.js";
import type { Lang } from "../../kb/schema.js";
import type { ReportStore, StatusStore, SubscriptionStore, UpdateStore } from "../../model/store.js";
import type { AnswerContext } from "../../pipeline/answer.js";
import type { OnDemandChecks } from "../../pipeline/check-now.js";

/** Telegraf's context plus the chat's language and default country, set before any feature runs. */
export class BotContext extends Context {
  lang: Lang = "en";
  /** The chat's default country, else DEFAULT_COUNTRY. */
  country = "";
}

/** The roles of the store the bot uses: statuses to answer, subscriptions and settings, updates, reports. */
export type BotStore = StatusStore & SubscriptionStore & UpdateStore & ReportStore;

/** What the bot is given: the answers' context with the store roles the bot's features use. */
export type BotContextDeps = Omit<AnswerContext, "store"> & { store: BotStore };

/** What every feature needs; built once by createTelegramBot. */
export interface BotDeps {
  kb: KnowledgeBase;
  store: BotStore;
  /** DEFAULT_COUNTRY: the country of a chat that has not chosen one. */
  defaultCountry: string;
  log: Logger;
  /** Epoch milliseconds. */
  now: () => number;
  /** An opaque, stable key for a person's problem reports: never their user id itself. */
  reporterKey: (personId: number) => string;
  /** On-demand probes of any domain ("Check now"); absent means not offered. */
  onDemand?: OnDemandChecks;
}

/** The answer context of this update's chat: its default country instead of DEFAULT_COUNTRY. */
export function answerContext(deps: BotDeps, ctx: BotContext): AnswerContext {
  return {
    kb: deps.kb,
    store: deps.store,
    defaultCountry: ctx.country,
    now: deps.now,
    ...(deps.onDemand ? { onDemand: deps.onDemand } : {}),
  };
}

/** The chat whose settings and subscriptions an update concerns, as the store keys it. */
export function chatKey(ctx: BotContext): string | undefined {
  const id = ctx.chat?.id;
  return id === undefined ? undefined : String(id);
}
