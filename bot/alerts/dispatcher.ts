import { randomUUID } from "node:crypto";
import type { Config } from "../../core/config.js";
import type { Logger } from "../../core/log.js";
import type { KnowledgeBase } from "../../kb/knowledge-base.js";
import type { Lang } from "../../kb/schema.js";
import type { ChatId, DeliveryJob, DeliveryRecord, Store } from "../../store/types.js";
import { buildAlertView } from "./alert-view.js";
import { DeliveryQueue, type JobState, type QueuedDelivery } from "./delivery-queue.js";
import { latestDigestAt, nextDigestAt } from "./digest-clock.js";
import { backOff, DEFAULT_RETRY, decide, type Outcome, type RetryPolicy } from "./outcome.js";
import { planChange, planDigests } from "./plan.js";
import { AlertRateLimiter, Pacer, paceBurst } from "./rate-limiter.js";
import { type AlertView, renderAlert, renderDigest } from "./render-alert.js";
import type { AlertTelegram } from "./telegram-sender.js";

// Alert delivery (bot/alerts/README.md): consumes the status engine's change outbox, fans each change
// out to its subscribers as durable per-chat deliveries, and sends them within Telegram's rate limits,
// acting on every answer: 429 waits retry_after, 403 drops the chat, 400 migrate follows the group to its
// supergroup, 5xx and no answer back off and retry.

export type AlertConfig = Pick<
  Config,
  "alertRateGlobal" | "alertRatePrivate" | "alertRateGroup" | "alertPaidBroadcast" | "digestHour"
>;

export interface DispatcherTuning {
  /** How long one send waits for Telegram's answer. */
  sendTimeoutMs: number;
  retry: RetryPolicy;
  /** Sends waiting for an answer at once: enough to reach the global rate over a slow link. */
  maxInFlight: number;
  /** The outbox is also read this often, in case a kick was missed (a change queued by another process). */
  pollIntervalMs: number;
  /** 0..1, spreads back-offs. */
  random: () => number;
}

export interface AlertDispatcherDeps {
  store: Store;
  kb: KnowledgeBase;
  telegram: AlertTelegram;
  config: AlertConfig;
  log: Logger;
  /** Epoch ms; tests shift it to reach a digest hour. Timers stay real. */
  now?: () => number;
  tuning?: Partial<DispatcherTuning>;
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

export interface AlertDispatcher {
  /** Resumes unfinished deliveries, plans the outbox, sends a due digest, then keeps going. */
  start(): Promise<void>;
  /** Sends nothing new and waits for the sends in flight; what is left is resumed by the next start. */
  stop(): Promise<void>;
  /** Reads the outbox now; resolves once its changes are planned and acknowledged (not yet sent). */
  kick(): Promise<void>;
  /** Plans the digest due at the latest DIGEST_HOUR (idempotent: one digest per chat and day). */
  runDigests(): Promise<void>;
  /** Resolves when nothing is queued, planned or in flight. */
  idle(): Promise<void>;
  readonly stats: Readonly<DeliveryStats>;
}

/** Private chats have no language setting until someone picks one: alerts then speak English. */
const DEFAULT_LANG: Lang = "en";
/** A store write that failed is tried this often before the dispatcher moves on. */
const STORE_ATTEMPTS = 3;
/** setTimeout's ceiling. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function createAlertDispatcher(deps: AlertDispatcherDeps): AlertDispatcher {
  return new Dispatcher(deps);
}

class Dispatcher implements AlertDispatcher {
  readonly stats: DeliveryStats = {
    planned: 0,
    sent: 0,
    retried: 0,
    gone: 0,
    moved: 0,
    failed: 0,
    skipped: 0,
    unconfirmed: 0,
  };
  private readonly store: Store;
  private readonly kb: KnowledgeBase;
  private readonly telegram: AlertTelegram;
  private readonly config: AlertConfig;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly tuning: DispatcherTuning;
  private readonly queue: DeliveryQueue;
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
  /** Chats that answered 403 in this run: their other deliveries are skipped without a request. */
  private readonly inactive = new Set<ChatId>();
  /** Groups that answered 400 migrate in this run, and their supergroups. */
  private readonly migrated = new Map<ChatId, ChatId>();
  /** Each alert job's view (alternatives and their status), built once, before its first send. */
  private readonly views = new Map<string, Promise<AlertView>>();

  /** Planning and digests run one at a time, in order. */
  private work: Promise<void> = Promise.resolve();
  private working = 0;
  private queuedKick: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private digestTimer: NodeJS.Timeout | undefined;

  constructor(deps: AlertDispatcherDeps) {
    this.store = deps.store;
    this.kb = deps.kb;
    this.telegram = deps.telegram;
    this.config = deps.config;
    this.log = deps.log.child({ component: "alerts" });
    this.now = deps.now ?? Date.now;
    this.tuning = {
      sendTimeoutMs: 20_000,
      retry: DEFAULT_RETRY,
      maxInFlight: Math.min(256, Math.max(8, Math.ceil(deps.config.alertRateGlobal / 2))),
      pollIntervalMs: 30_000,
      random: Math.random,
      ...deps.tuning,
    };
    this.queue = new DeliveryQueue(this.store, randomUUID());
    this.limiter = new AlertRateLimiter(
      {
        globalPerSecond: deps.config.alertRateGlobal,
        privatePerSecond: deps.config.alertRatePrivate,
        groupPerMinute: deps.config.alertRateGroup,
      },
      this.now,
    );
    this.dispatchPace = new Pacer(1000 / deps.config.alertRateGlobal, paceBurst(deps.config.alertRateGlobal));
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const resumed = await this.serial(() => this.resume());
    this.pumping = this.pump();
    this.pollTimer = setInterval(() => {
      this.kick().catch((error: unknown) => this.log.error("alert outbox failed", { error }));
    }, this.tuning.pollIntervalMs);
    this.pollTimer.unref();
    this.scheduleDigest();
    await this.kick();
    await this.runDigests();
    this.log.info("alerts started", { ...resumed, owner: this.queue.owner });
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.pollTimer);
    clearTimeout(this.digestTimer);
    this.wake();
    await this.pumping;
    await Promise.allSettled([...this.tasks]);
    await this.work;
    this.log.info("alerts stopped", { queued: this.queue.size });
  }

  kick(): Promise<void> {
    this.queuedKick ??= this.serial(async () => {
      this.queuedKick = undefined;
      await this.planOutbox();
    });
    return this.queuedKick;
  }

  runDigests(): Promise<void> {
    return this.serial(async () => {
      const now = this.now();
      const dueAt = latestDigestAt(now, this.config.digestHour);
      const jobs = await planDigests(this.store, dueAt, new Date(now).toISOString());
      for (const job of jobs) {
        if (job.finishedAt !== undefined || this.queue.jobs.has(job.id)) continue;
        await this.queue.adopt(job, now);
        this.stats.planned++;
      }
      if (jobs.length > 0) this.log.info("digests planned", { dueAt: dueAt.toISOString(), chats: jobs.length });
      this.wake();
    });
  }

  async idle(): Promise<void> {
    while (this.queue.size > 0 || this.inFlight > 0 || this.parked.size > 0 || this.working > 0) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  // ---- planning ----

  private async resume(): Promise<Record<string, number>> {
    const summary = await this.queue.resume(this.now());
    for (const { job } of this.queue.jobs.values()) {
      if (job.kind === "alert") await this.warm(job).catch(() => {});
    }
    this.stats.unconfirmed += summary.unconfirmed;
    if (summary.unconfirmed > 0) {
      this.log.warn("deliveries interrupted by a crash presumed delivered, not resent", {
        count: summary.unconfirmed,
      });
    }
    return { resumedJobs: summary.jobs, resumedDeliveries: summary.queued, unconfirmed: summary.unconfirmed };
  }

  private async planOutbox(): Promise<void> {
    for (const change of await this.store.pendingChanges()) {
      const now = this.now();
      const planned = await planChange(this.store, change, new Date(now).toISOString());
      const { job } = planned;
      if (planned.created) {
        await this.warm(job);
        await this.queue.addNew(job, planned.langs, now);
        this.stats.planned++;
      } else if (job.finishedAt === undefined && !this.queue.jobs.has(job.id)) {
        // Planned before a crash that came before the acknowledgement: the stored plan stands.
        await this.warm(job);
        await this.queue.adopt(job, now);
      }
      // Only now: the job and every digest entry are stored, so a crash from here on loses nothing.
      await this.store.ackChanges([change]);
      this.wake();
      this.log.info("alert planned", {
        change: change.id,
        immediate: job.recipients.length,
        digest: planned.digest,
        inactive: planned.inactive,
        replanned: !planned.created,
      });
    }
  }

  private scheduleDigest(): void {
    if (!this.running) return;
    const now = this.now();
    const wait = nextDigestAt(now, this.config.digestHour).getTime() - now;
    this.digestTimer = setTimeout(
      () => {
        this.runDigests()
          .catch((error: unknown) => this.log.error("digest failed", { error }))
          .finally(() => this.scheduleDigest());
      },
      Math.min(wait, MAX_TIMER_MS),
    );
    this.digestTimer.unref();
  }

  // ---- sending ----

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
      await this.settleDurably(item, { state: "skipped", attempts: 0, error: "chat inactive", at: this.now() });
      this.stats.skipped++;
      await this.completeOne(state);
      return;
    }

    let text: string;
    let claim: { claimed: boolean; record: DeliveryRecord };
    try {
      text = await this.textFor(state, lang);
      // The claim is the last thing before the request: the window in which a crash could leave a
      // message marked `sending` that never left is one store write plus a few microtasks.
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
    // Nothing between the rate token and the request: it leaves in this turn of the event loop.
    const result = await this.telegram.sendMessage(chatId, text, {
      paidBroadcast: this.config.alertPaidBroadcast,
      timeoutMs: this.tuning.sendTimeoutMs,
    });
    const now = this.now();
    const outcome = decide(result, claim.record.attempts, now, this.tuning.retry, this.tuning.random);
    await this.apply(item, claim.record, outcome, lang);
  }

  private async apply(item: QueuedDelivery, record: DeliveryRecord, outcome: Outcome, lang: Lang): Promise<void> {
    const { state, chatId } = item;
    const now = this.now();
    const base = { attempts: record.attempts, at: now };
    switch (outcome.kind) {
      case "sent":
        await this.settleDurably(item, { ...base, state: "sent", messageId: outcome.messageId });
        this.stats.sent++;
        await this.completeOne(state);
        return;
      case "retry":
        await this.settleDurably(item, { ...base, state: "pending", notBefore: outcome.notBefore, error: outcome.reason });
        this.stats.retried++;
        this.log.debug("alert retried", { job: state.job.id, chatId, reason: outcome.reason, at: outcome.notBefore });
        this.queue.putBack(item, outcome.notBefore);
        return;
      case "gone":
        await this.settleDurably(item, { ...base, state: "failed", error: outcome.reason });
        this.stats.gone++;
        this.inactive.add(chatId);
        await this.forgetChat(chatId, outcome.reason);
        await this.completeOne(state);
        return;
      case "moved":
        await this.settleDurably(item, { ...base, state: "moved", movedTo: outcome.to, error: outcome.reason });
        this.stats.moved++;
        await this.moveChat(chatId, outcome.to);
        this.queue.enqueue(state, outcome.to, now);
        state.langs.set(outcome.to, lang);
        await this.completeOne(state);
        return;
      case "failed":
        await this.settleDurably(item, { ...base, state: "failed", error: outcome.reason });
        this.stats.failed++;
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
          this.log.error("delivery outcome not stored", { job: item.state.job.id, chatId: item.chatId, error });
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
  private warm(job: DeliveryJob): Promise<AlertView> {
    let view = this.views.get(job.id);
    if (!view) {
      const change = job.changes[0];
      if (!change) return Promise.reject(new Error(`alert job ${job.id} has no change`));
      view = buildAlertView(this.kb, this.store, change);
      this.views.set(job.id, view);
      // A failed read is tried again by the next delivery of the job.
      view.catch(() => this.views.delete(job.id));
    }
    return view;
  }

  /** One delivery of a job is final; the job's view goes with its last. */
  private async completeOne(state: JobState): Promise<void> {
    if (await this.queue.complete(state, this.now())) this.views.delete(state.job.id);
  }

  // ---- plumbing ----

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
      const timer = Number.isFinite(ms) ? setTimeout(resolve, Math.min(Math.max(0, ms), MAX_TIMER_MS)) : undefined;
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => {
      this.wakeUp = undefined;
    });
  }

  private wake(): void {
    this.wakeUp?.();
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    this.working++;
    const run = this.work.then(task).finally(() => {
      this.working--;
    });
    this.work = run.then(
      () => {},
      () => {},
    );
    return run;
  }
}
