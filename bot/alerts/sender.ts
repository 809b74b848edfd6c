import type { Logger } from "../../core/log.js";
import type { IsblockedMetrics } from "../../core/metrics.js";
import { MAX_TIMER_MS } from "../../core/timers.js";
import type { KnowledgeBase } from "../../kb/knowledge-base.js";
import type { Lang } from "../../kb/schema.js";
import type {
  ChatId,
  DeliveryJob,
  DeliveryRecord,
  DeliveryStore,
  StatusStore,
  SubscriptionStore,
} from "../../model/store.js";
import { buildAlertView } from "./alert-view.js";
import type { DeliveryQueue, JobState, QueuedDelivery } from "./delivery-queue.js";
import { backOff, decide, type Outcome, type RetryPolicy } from "./outcome.js";
import { type AlertView, renderAlert, renderDigest } from "./render-alert.js";
import { AlertRateLimiter, ARRIVAL_HEADROOM_MS, Pacer, paceBurst } from "./send-pacer.js";
import type { AlertTelegram, SendResult } from "./telegram-sender.js";

// The sending half of alert delivery: takes the queue's deliveries in order, within the caps, makes each
// request and acts on Telegram's answer (outcome.ts). Planning and the digest clock are dispatcher.ts's.

export interface SenderTuning {
  /** How long one send waits for Telegram's answer. */
  sendTimeoutMs: number;
  retry: RetryPolicy;
  /** Sends waiting for an answer at once: enough to reach the global rate over a slow link. */
  maxInFlight: number;
  /** 0..1, spreads back-offs. */
  random: () => number;
}

export interface SenderRates {
  alertRateGlobal: number;
  alertRatePrivate: number;
  alertRateGroup: number;
  alertPaidBroadcast: boolean;
}

export interface DeliveryStats {
  /** Jobs (alerts of one change, or one chat's digest) planned by this dispatcher. */
  planned: number;
  sent: number;
  /** Attempts answered 429, 5xx or not at all, to be tried again. */
  retried: number;
  /** Chats that blocked or removed the bot (403): made inactive, subscriptions removed. */
  gone: number;
  /** Groups that became supergroups: subscriptions moved, the alert sent to the new id. */
  moved: number;
  failed: number;
  /** Deliveries to chats known inactive, not sent. */
  skipped: number;
  /** Found `sending` on resume: presumed delivered, not sent again. */
  unconfirmed: number;
}

export interface SenderDeps {
  store: DeliveryStore & SubscriptionStore & Pick<StatusStore, "getStatuses">;
  kb: KnowledgeBase;
  telegram: AlertTelegram;
  queue: DeliveryQueue;
  rates: SenderRates;
  tuning: SenderTuning;
  stats: DeliveryStats;
  /** Counters served at /metrics, when the process serves them. */
  metrics?: Pick<IsblockedMetrics, "alertsSent" | "alertsFailed" | "alertsThrottled">;
  log: Logger;
  now: () => number;
}

/** Private chats have no language setting until someone picks one: alerts then speak English. */
const DEFAULT_LANG: Lang = "en";
/** A store write that failed is tried this often before the sender moves on. */
const STORE_ATTEMPTS = 3;

export class DeliverySender {
  private readonly store: DeliveryStore & SubscriptionStore & Pick<StatusStore, "getStatuses">;
  private readonly kb: KnowledgeBase;
  private readonly telegram: AlertTelegram;
  private readonly queue: DeliveryQueue;
  private readonly rates: SenderRates;
  private readonly tuning: SenderTuning;
  private readonly stats: DeliveryStats;
  private readonly metrics: SenderDeps["metrics"];
  private readonly log: Logger;
  private readonly now: () => number;
  /** The caps, applied at the moment of each request: the closest this process gets to Telegram's count. */
  private readonly limiter: AlertRateLimiter;
  /** Paces the start of deliveries to the same rate, so that few wait at the gate with a claim in hand. */
  private readonly dispatchPace: Pacer;

  private running = false;
  private pumping: Promise<void> = Promise.resolve();
  private inFlight = 0;
  private readonly tasks = new Set<Promise<void>>();
  /** Chats with a send in flight: their next delivery waits, so a chat's alerts arrive in order. */
  private readonly busy = new Set<ChatId>();
  private readonly parked = new Map<ChatId, QueuedDelivery[]>();
  /**
   * Chats whose last request is to be tried again (429 retry_after, a back-off), and until when: nothing
   * else goes to them before, so a later alert never overtakes the refused one.
   */
  private readonly heldUntil = new Map<ChatId, number>();
  /** Chats that answered 403 in this run: their other deliveries are skipped without a request. */
  private readonly inactive = new Set<ChatId>();
  /** Groups that answered 400 migrate in this run, and their supergroups. */
  private readonly migrated = new Map<ChatId, ChatId>();
  /** Each alert job's view (alternatives and their status), built once, before its first send. */
  private readonly views = new Map<string, Promise<AlertView>>();
  private wakeUp: (() => void) | undefined;

  constructor(deps: SenderDeps) {
    this.store = deps.store;
    this.kb = deps.kb;
    this.telegram = deps.telegram;
    this.queue = deps.queue;
    this.rates = deps.rates;
    this.tuning = deps.tuning;
    this.stats = deps.stats;
    this.metrics = deps.metrics;
    this.log = deps.log;
    this.now = deps.now;
    const { alertRateGlobal } = deps.rates;
    this.limiter = new AlertRateLimiter(
      {
        globalPerSecond: alertRateGlobal,
        privatePerSecond: deps.rates.alertRatePrivate,
        groupPerMinute: deps.rates.alertRateGroup,
      },
      this.now,
    );
    this.dispatchPace = new Pacer((1000 + ARRIVAL_HEADROOM_MS) / alertRateGlobal, paceBurst(alertRateGlobal));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.pumping = this.pump();
  }

  /** Starts nothing new; resolves once the requests in flight are answered and their outcomes stored. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.pumping;
    await Promise.allSettled([...this.tasks]);
  }

  /** Deliveries in flight or waiting for their chat's previous one: not in the queue, not done. */
  get pending(): number {
    return this.inFlight + this.parked.size;
  }

  /** Something was queued: look again now. */
  wake(): void {
    this.wakeUp?.();
  }

  /**
   * The one loop that decides what starts when: queue order, busy chats, the chat's own cap, then the
   * overall pace. The caps themselves are enforced again at the request (`gate`): between this start and
   * the request lies a store write whose latency varies, and requests must not bunch where Telegram counts.
   */
  private async pump(): Promise<void> {
    while (this.running) {
      const now = this.now();
      if (this.inFlight >= this.tuning.maxInFlight) {
        await this.sleep(Number.POSITIVE_INFINITY);
        continue;
      }
      const item = this.queue.takeReady(now);
      if (!item) {
        const at = this.queue.nextReadyAt(now);
        await this.sleep(at === undefined ? Number.POSITIVE_INFINITY : at - now);
        continue;
      }
      if (this.busy.has(item.chatId)) {
        this.park(item);
        continue;
      }
      const heldUntil = this.heldUntil.get(item.chatId);
      if (heldUntil !== undefined) {
        if (heldUntil > now) {
          this.queue.putBack(item, heldUntil);
          continue;
        }
        this.heldUntil.delete(item.chatId);
      }
      // A chat known gone or moved needs a store write, not a request: no pace for it.
      if (!this.inactive.has(item.chatId) && !this.migrated.has(item.chatId)) {
        const check = this.limiter.check(item.chatId);
        if (check.limitedBy === "chat") {
          this.queue.putBack(item, now + check.waitMs);
          continue;
        }
        const paceMs = this.dispatchPace.waitMs(now);
        if (paceMs > 0) {
          this.queue.putBack(item, now);
          await this.sleep(paceMs);
          continue;
        }
        this.dispatchPace.take(now);
      }
      this.launch(item);
    }
  }

  private launch(item: QueuedDelivery): void {
    this.inFlight++;
    this.busy.add(item.chatId);
    const task = this.deliver(item)
      .catch((error: unknown) => {
        // Only a bug gets here; the delivery stays open and is retried after a back-off.
        this.log.error("delivery failed", { job: item.state.job.id, chatId: item.chatId, error });
        this.queue.putBack(item, this.now() + this.tuning.retry.baseMs);
      })
      .finally(() => {
        this.inFlight--;
        this.busy.delete(item.chatId);
        this.unpark(item.chatId);
        this.tasks.delete(task);
        this.wake();
      });
    this.tasks.add(task);
  }

  private async deliver(item: QueuedDelivery): Promise<void> {
    const { state, chatId } = item;
    const lang = state.langs.get(chatId) ?? DEFAULT_LANG;
    const movedTo = this.migrated.get(chatId);
    if (movedTo !== undefined) return this.redirect(item, movedTo, lang, "moved earlier in this run");
    if (this.inactive.has(chatId)) {
      await this.settleDurably(item, {
        state: "skipped",
        attempts: 0,
        error: "chat inactive",
        at: this.now(),
      });
      this.stats.skipped++;
      await this.completeOne(state);
      return;
    }

    let text: string;
    let claim: { claimed: boolean; record: DeliveryRecord };
    try {
      text = await this.textFor(state, lang);
      // The claim is the last store write before the request; after it only the rate gate (rarely a
      // wait: starts are paced to the same rate) stands between it and the request. That is the window
      // in which a crash leaves a message `sending` that never left, and so never sent.
      claim = await this.queue.claim(item, this.now());
    } catch (error) {
      this.log.error("alert not sent: store unavailable", { job: state.job.id, chatId, error });
      this.queue.putBack(item, this.now() + backOff(1, this.tuning.retry, this.tuning.random));
      return;
    }
    if (!claim.claimed) {
      // Settled already (before a crash) or claimed by another dispatcher: not ours to send.
      await this.completeOne(state);
      return;
    }

    await this.gate(chatId);
    // Nothing between the rate token and the request: it leaves in this turn of the event loop. The
    // token comes back a window after the answer, the latest the request can have reached Telegram.
    let result: SendResult;
    try {
      result = await this.telegram.sendMessage(chatId, text, {
        paidBroadcast: this.rates.alertPaidBroadcast,
        timeoutMs: this.tuning.sendTimeoutMs,
      });
    } finally {
      this.limiter.settle(chatId);
    }
    const now = this.now();
    const outcome = decide(result, claim.record.attempts, now, this.tuning.retry, this.tuning.random);
    await this.apply(item, claim.record, outcome, lang);
  }

  private async apply(
    item: QueuedDelivery,
    record: DeliveryRecord,
    outcome: Outcome,
    lang: Lang,
  ): Promise<void> {
    const { state, chatId } = item;
    const now = this.now();
    const base = { attempts: record.attempts, at: now };
    switch (outcome.kind) {
      case "sent":
        await this.settleDurably(item, { ...base, state: "sent", messageId: outcome.messageId });
        this.stats.sent++;
        this.metrics?.alertsSent.inc();
        await this.completeOne(state);
        return;
      case "retry":
        await this.settleDurably(item, {
          ...base,
          state: "pending",
          notBefore: outcome.notBefore,
          error: outcome.reason,
        });
        this.stats.retried++;
        this.heldUntil.set(chatId, Math.max(outcome.notBefore, this.heldUntil.get(chatId) ?? 0));
        if (outcome.reason.startsWith("429")) this.metrics?.alertsThrottled.inc();
        this.log.debug("alert retried", {
          job: state.job.id,
          chatId,
          reason: outcome.reason,
          at: outcome.notBefore,
        });
        this.queue.putBack(item, outcome.notBefore);
        return;
      case "gone":
        await this.settleDurably(item, { ...base, state: "failed", error: outcome.reason });
        this.stats.gone++;
        this.metrics?.alertsFailed.inc();
        this.inactive.add(chatId);
        await this.forgetChat(chatId, outcome.reason);
        await this.completeOne(state);
        return;
      case "moved":
        await this.settleDurably(item, {
          ...base,
          state: "moved",
          movedTo: outcome.to,
          error: outcome.reason,
        });
        this.stats.moved++;
        await this.moveChat(chatId, outcome.to);
        this.queue.enqueue(state, outcome.to, now);
        state.langs.set(outcome.to, lang);
        await this.completeOne(state);
        return;
      case "failed":
        await this.settleDurably(item, { ...base, state: "failed", error: outcome.reason });
        this.stats.failed++;
        this.metrics?.alertsFailed.inc();
        this.log.warn("alert not delivered", { job: state.job.id, chatId, reason: outcome.reason });
        await this.completeOne(state);
        return;
    }
  }

  /** Waits until every cap lets a message to `chatId` go, and takes its tokens. Usually at once. */
  private async gate(chatId: ChatId): Promise<void> {
    for (;;) {
      const { waitMs } = this.limiter.check(chatId);
      if (waitMs === 0) {
        this.limiter.take(chatId);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }

  /** Another of the job's deliveries to a group that moved in this run: straight to the supergroup. */
  private async redirect(item: QueuedDelivery, to: ChatId, lang: Lang, reason: string): Promise<void> {
    const now = this.now();
    await this.settleDurably(item, { state: "moved", attempts: 0, movedTo: to, error: reason, at: now });
    this.queue.enqueue(item.state, to, now);
    item.state.langs.set(to, lang);
    await this.completeOne(item.state);
  }

  /** 403: the bot was blocked, kicked, or the account is gone. Nothing more goes there. */
  private async forgetChat(chatId: ChatId, reason: string): Promise<void> {
    try {
      await this.store.updateChat(chatId, { active: false });
      const removed = await this.store.removeChat(chatId);
      this.log.info("chat unreachable: marked inactive, subscriptions removed", { chatId, removed, reason });
    } catch (error) {
      this.log.error("could not mark chat inactive", { chatId, error });
    }
  }

  /** 400 migrate_to_chat_id: the group became a supergroup; its subscriptions and settings follow. */
  private async moveChat(from: ChatId, to: ChatId): Promise<void> {
    this.migrated.set(from, to);
    try {
      const moved = await this.store.migrateChat(from, to);
      this.log.info("group moved to its supergroup", { from, to, subscriptions: moved });
    } catch (error) {
      this.log.error("could not move chat", { from, to, error });
    }
  }

  /**
   * Writes an outcome, trying again on a store failure. If it still fails the record stays `sending`:
   * this process may try it again (the claim is its own), a restart presumes it delivered.
   */
  private async settleDurably(item: QueuedDelivery, record: DeliveryRecord): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.queue.settle(item, record);
        return;
      } catch (error) {
        if (attempt >= STORE_ATTEMPTS) {
          this.log.error("delivery outcome not stored", {
            job: item.state.job.id,
            chatId: item.chatId,
            error,
          });
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  }

  private async textFor(state: JobState, lang: Lang): Promise<string> {
    const cached = state.texts.get(lang);
    if (cached !== undefined) return cached;
    const text =
      state.job.kind === "digest"
        ? renderDigest(this.kb, state.job.changes, lang)
        : renderAlert(this.kb, await this.warm(state.job), lang);
    state.texts.set(lang, text);
    return text;
  }

  /**
   * Builds an alert's view before its deliveries are queued, so that the first sends do not wait for it
   * between taking their rate token and reaching Telegram.
   */
  warm(job: DeliveryJob): Promise<AlertView> {
    let view = this.views.get(job.id);
    if (!view) {
      const change = job.changes[0];
      if (!change) return Promise.reject(new Error(`alert job ${job.id} has no change`));
      view = buildAlertView(this.kb, this.store, change, this.now());
      this.views.set(job.id, view);
      // A failed read is tried again by the next delivery of the job.
      view.catch(() => this.views.delete(job.id));
    }
    return view;
  }

  /** One delivery of a job is final; the job's view goes with its last. Never throws. */
  private async completeOne(state: JobState): Promise<void> {
    try {
      if (await this.queue.complete(state, this.now())) this.views.delete(state.job.id);
    } catch (error) {
      // The job stays open in the store with every record final: the next start finishes it.
      this.views.delete(state.job.id);
      this.log.error("could not mark the job finished", { job: state.job.id, error });
    }
  }

  private park(item: QueuedDelivery): void {
    const waiting = this.parked.get(item.chatId);
    if (waiting) waiting.push(item);
    else this.parked.set(item.chatId, [item]);
  }

  private unpark(chatId: ChatId): void {
    const waiting = this.parked.get(chatId);
    if (!waiting) return;
    this.parked.delete(chatId);
    for (const item of waiting) this.queue.putBack(item, item.readyAt);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = Number.isFinite(ms)
        ? setTimeout(resolve, Math.min(Math.max(0, ms), MAX_TIMER_MS))
        : undefined;
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => {
      this.wakeUp = undefined;
    });
  }
}
