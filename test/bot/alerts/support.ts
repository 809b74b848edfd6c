import { Telegram } from "telegraf";
import type { StatusChange } from "../../../analysis/status-engine.js";
import {
  type AlertDispatcher,
  createAlertDispatcher,
  type DispatcherTuning,
} from "../../../bot/alerts/dispatcher.js";
import { telegrafSender } from "../../../bot/alerts/telegram-sender.js";
import type { Logger } from "../../../core/log.js";
import type { IsblockedMetrics } from "../../../core/metrics.js";
import type { KnowledgeBase } from "../../../kb/knowledge-base.js";
import type { FeatureStatus, ServiceStatusValue, Target } from "../../../model/status.js";
import type { Store } from "../../../model/store.js";
import type { SendRecord } from "../../support/bot-api-faults.js";
import type { BotApiServer } from "../../support/bot-api-server.js";

export const TOKEN = "123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0";

/** A confirmed change as the status engine makes it. */
export function change(
  target: Target,
  to: ServiceStatusValue,
  at: string,
  options: { from?: ServiceStatusValue | null; since?: string; features?: FeatureStatus[] } = {},
): StatusChange {
  return {
    id: `${target.service}/${target.country}/${at}`,
    target,
    from: options.from === undefined ? "accessible" : options.from,
    to,
    since: options.since ?? at,
    at,
    mechanism: to === "accessible" ? null : "tls",
    features: options.features ?? [],
  };
}

/** Puts a change in the store's outbox exactly as the status cycle does: with the engine state, in one write. */
export async function queueChange(store: Store, queued: StatusChange): Promise<void> {
  await store.updateEngineState(queued.target, (current) => ({
    state: {
      confirmed: {
        ...queued.target,
        status: queued.to,
        mechanism: queued.mechanism,
        since: queued.since,
        checkedAt: queued.at,
        features: queued.features,
        regions: [],
        confidence: 1,
      },
      candidate: null,
      observedAt: current?.observedAt && current.observedAt > queued.at ? current.observedAt : queued.at,
    },
    change: queued,
  }));
}

export const FAST_TUNING: Partial<DispatcherTuning> = {
  sendTimeoutMs: 2000,
  retry: { baseMs: 200, maxMs: 2000, maxAttempts: 5, maxRequests: 20 },
  pollIntervalMs: 60_000,
  random: () => 1,
};

export const RATES = {
  alertRateGlobal: 30,
  alertRatePrivate: 1,
  alertRateGroup: 20,
  alertPaidBroadcast: false,
  digestHour: 8,
};

export function dispatcherFor(
  server: BotApiServer,
  deps: { store: Store; kb: KnowledgeBase; log: Logger; now?: () => number; metrics?: IsblockedMetrics },
  overrides: { config?: Partial<typeof RATES>; tuning?: Partial<DispatcherTuning> } = {},
): AlertDispatcher {
  const telegram = new Telegram(TOKEN, { apiRoot: server.apiRoot });
  return createAlertDispatcher({
    ...deps,
    telegram: telegrafSender(telegram),
    config: { ...RATES, ...overrides.config },
    tuning: { ...FAST_TUNING, ...overrides.tuning },
  });
}

/** Accepted sends per chat id. */
export function acceptedByChat(sends: readonly SendRecord[]): Map<string, SendRecord[]> {
  const out = new Map<string, SendRecord[]>();
  for (const send of sends) {
    if (send.status !== 200) continue;
    out.set(send.chatId, [...(out.get(send.chatId) ?? []), send]);
  }
  return out;
}

/** The most sends in any window of `windowMs` (half open), measured on arrival times. */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] as number) - (sorted[start] as number) >= windowMs) start++;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

/** Chat ids "1".."n" (private) or "-1001".."-100n" style (groups) from `first`. */
export function chatIds(count: number, first = 1): string[] {
  return Array.from({ length: count }, (_, n) => String(first + n));
}
