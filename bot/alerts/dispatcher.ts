import { randomUUID } from "node:crypto";
import { isNews } from "../../analysis/status-engine.js";
import type { Config } from "../../core/config.js";
import type { Logger } from "../../core/log.js";
import type { IsblockedMetrics } from "../../core/metrics.js";
import { MAX_TIMER_MS } from "../../core/timers.js";
import type { KnowledgeBase } from "../../kb/knowledge-base.js";
import type { Store } from "../../model/store.js";
import { DeliveryQueue } from "./delivery-queue.js";
import { latestDigestAt, nextDigestAt } from "./digest-clock.js";
import { DEFAULT_RETRY } from "./outcome.js";
import { planChange, planDigests } from "./plan.js";
import { DeliverySender, type DeliveryStats, type SenderDeps, type SenderTuning } from "./sender.js";
import type { AlertTelegram } from "./telegram-sender.js";

// Alert delivery (bot/alerts/README.md): consumes the status engine's change outbox, fans each change
// out to its subscribers as durable per-chat deliveries (plan.ts, delivery-queue.ts), and has sender.ts
// send them within Telegram's rate limits, acting on every answer: 429 waits retry_after, 403 drops the
// chat, 400 migrate follows the group to its supergroup, 5xx and no answer back off and retry. Digest
// chats get one message a day at DIGEST_HOUR instead.
// Replicas sharing a store (Redis) each create a dispatcher with a `lease`: only the one holding the lease
// works, renewing it while alive; another takes over once it expires. A kick on a replica without the lease
// leaves a mark in the store that the holder looks for every second.

export type { DeliveryStats };

export type AlertConfig = Pick<
  Config,
  "alertRateGlobal" | "alertRatePrivate" | "alertRateGroup" | "alertPaidBroadcast" | "digestHour"
>;

export interface DispatcherTuning extends SenderTuning {
  /** The outbox is also read this often, in case a kick was missed (a change queued by another process). */
  pollIntervalMs: number;
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
  /** Alerts sent, failed and throttled, the queue's depth and the lease, for /metrics. */
  metrics?: SenderDeps["metrics"] & Partial<Pick<IsblockedMetrics, "alertQueueDepth" | "alertLeaseHeld">>;
  /** Work only while holding this lease in the store (several replicas on one store). Default: no lease. */
  lease?: Partial<DispatcherLease>;
}

export interface DispatcherLease {
  /** The claim's key in the store, shared by every replica. */
  key: string;
  /** A holder that stops renewing (crashed, cut off) is replaced this long after its last renewal. */
  ttlMs: number;
  /** How often the holder renews it and the others try to take it. */
  renewMs: number;
  /** How often the holder looks for a kick left by another replica. */
  kickCheckMs: number;
}

export const DEFAULT_LEASE: DispatcherLease = {
  key: "alert-dispatcher-lease",
  ttlMs: 15_000,
  renewMs: 5_000,
  kickCheckMs: 1_000,
};

/** Where a replica without the lease leaves its kick, and how long the mark lasts. */
const KICK_MARK_KEY = "alert-dispatcher-kick";
const KICK_MARK_TTL_MS = 60_000;

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
  private readonly config: AlertConfig;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly pollIntervalMs: number;
  private readonly newSender: (queue: DeliveryQueue) => DeliverySender;
  /** Both replaced at each new lease term: a term starts from the store, never from a stale memory. */
  private queue: DeliveryQueue;
  private sender: DeliverySender;
  private readonly lease: DispatcherLease | undefined;
  /** This dispatcher as the lease's owner. */
  private readonly id = randomUUID();
  private leading = false;
  private renewedAt = 0;
  private campaign: Promise<void> = Promise.resolve();
  private leaseTimer: NodeJS.Timeout | undefined;
  private kickTimer: NodeJS.Timeout | undefined;
  private lastKickMark: unknown;

  private running = false;
  /** Planning and digests run one at a time, in order. */
  private work: Promise<void> = Promise.resolve();
  private working = 0;
  private queuedKick: Promise<void> | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private digestTimer: NodeJS.Timeout | undefined;

  constructor(deps: AlertDispatcherDeps) {
    this.store = deps.store;
    this.config = deps.config;
    this.log = deps.log.child({ component: "alerts" });
    // Sub-millisecond: at 1000 a second, whole milliseconds would round two sends into one window.
    this.now = deps.now ?? (() => performance.timeOrigin + performance.now());
    const { pollIntervalMs = 30_000, ...tuning } = deps.tuning ?? {};
    this.pollIntervalMs = pollIntervalMs;
    this.lease = deps.lease ? { ...DEFAULT_LEASE, ...deps.lease } : undefined;
    // Read when /metrics is scraped: the queue changes in the sender, and is replaced at each lease term.
    deps.metrics?.alertQueueDepth?.sample(() => this.queue.size);
    deps.metrics?.alertLeaseHeld?.sample(() => (this.leading ? 1 : 0));
    this.newSender = (queue) =>
      new DeliverySender({
        store: deps.store,
        kb: deps.kb,
        telegram: deps.telegram,
        queue,
        rates: deps.config,
        ...(deps.metrics ? { metrics: deps.metrics } : {}),
        tuning: {
          sendTimeoutMs: 20_000,
          retry: DEFAULT_RETRY,
          maxInFlight: Math.min(256, Math.max(8, Math.ceil(deps.config.alertRateGlobal / 2))),
          random: Math.random,
          ...tuning,
        },
        stats: this.stats,
        log: this.log,
        now: this.now,
      });
    this.queue = new DeliveryQueue(this.store, randomUUID());
    this.sender = this.newSender(this.queue);
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    if (!this.lease) return this.lead();
    const { renewMs } = this.lease;
    this.leaseTimer = setInterval(() => void this.campaignOnce(), renewMs);
    this.leaseTimer.unref();
    await this.campaignOnce();
  }

  /** The work itself, once this dispatcher may do it: always without a lease, while holding it with one. */
  private async lead(): Promise<void> {
    this.leading = true;
    const resumed = await this.serial(() => this.resume());
    this.sender.start();
    this.pollTimer = setInterval(() => {
      this.kick().catch((error: unknown) => this.log.error("alert outbox failed", { error }));
    }, this.pollIntervalMs);
    this.pollTimer.unref();
    this.scheduleDigest();
    if (this.lease) {
      this.kickTimer = setInterval(() => void this.followKickMark(), this.lease.kickCheckMs);
      this.kickTimer.unref();
    }
    await this.kick();
    await this.runDigests();
    this.log.info("alerts started", { ...resumed, owner: this.queue.owner });
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.leaseTimer);
    await this.campaign;
    if (this.leading) await this.standDown();
    if (this.lease) {
      await this.store.releaseClaim(this.lease.key, this.id).catch((error: unknown) => {
        this.log.warn("alert lease not released: another replica takes over once it expires", { error });
      });
    }
    this.log.info("alerts stopped", { queued: this.queue.size });
  }

  /** Stops the work of this term and readies a fresh queue and sender for a later one. */
  private async standDown(): Promise<void> {
    this.leading = false;
    clearInterval(this.pollTimer);
    clearInterval(this.kickTimer);
    clearTimeout(this.digestTimer);
    await this.sender.stop();
    await this.work;
    if (this.lease) {
      this.queue = new DeliveryQueue(this.store, randomUUID());
      this.sender = this.newSender(this.queue);
    }
  }

  /** Takes the lease when free, renews it when held; one attempt at a time. */
  private campaignOnce(): Promise<void> {
    this.campaign = this.campaign.then(async () => {
      const lease = this.lease;
      if (!lease || !this.running) return;
      try {
        if (this.leading) {
          if (await this.store.renewClaim(lease.key, this.id, lease.ttlMs)) {
            this.renewedAt = Date.now();
            return;
          }
          this.log.warn("alert lease lost: another replica sends alerts now", { owner: this.id });
          await this.standDown();
          return;
        }
        if (await this.store.claimOnce(lease.key, lease.ttlMs, this.id)) {
          this.renewedAt = Date.now();
          this.log.info("alert lease taken: this replica sends alerts", { owner: this.id });
          // Half started is not leading: the next attempt (the claim is still ours) starts afresh.
          await this.lead().catch(async (error: unknown) => {
            await this.standDown();
            throw error;
          });
        }
      } catch (error) {
        this.log.error("alert lease: the store did not answer", { error });
        // Past the lease's expiry another replica may hold it: carrying on could only waste its work.
        if (this.leading && Date.now() - this.renewedAt >= lease.ttlMs) await this.standDown();
      }
    });
    return this.campaign;
  }

  /** On the lease holder: a kick another replica left (it ran the cycle) is planned here. */
  private async followKickMark(): Promise<void> {
    try {
      const mark = await this.store.getCached<string>(KICK_MARK_KEY);
      if (mark === undefined || mark === this.lastKickMark) return;
      this.lastKickMark = mark;
      await this.kick();
    } catch (error) {
      this.log.warn("alert kick mark unreadable", { error });
    }
  }

  kick(): Promise<void> {
    if (this.lease && !this.leading) {
      // The holder plans it: a plan made here would not reach its queue.
      return this.store.setCached(KICK_MARK_KEY, randomUUID(), KICK_MARK_TTL_MS);
    }
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
      if (jobs.length > 0)
        this.log.info("digests planned", { dueAt: dueAt.toISOString(), chats: jobs.length });
      this.sender.wake();
    });
  }

  async idle(): Promise<void> {
    while (this.queue.size > 0 || this.sender.pending > 0 || this.working > 0) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  // ---- planning ----

  private async resume(): Promise<Record<string, number>> {
    const summary = await this.queue.resume(this.now());
    for (const { job } of this.queue.jobs.values()) {
      if (job.kind === "alert") await this.sender.warm(job).catch(() => {});
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
      if (!isNews(change)) {
        // A first status equal to the history answers already showed, or with none: nobody learns anything.
        await this.store.ackChanges([change]);
        this.log.info("first status not alerted: it tells no one anything new", {
          change: change.id,
          baseline: change.baseline?.status ?? null,
        });
        continue;
      }
      const now = this.now();
      const planned = await planChange(this.store, change, new Date(now).toISOString());
      const { job } = planned;
      if (planned.created) {
        await this.sender.warm(job);
        await this.queue.addNew(job, planned.langs, now);
        this.stats.planned++;
      } else if (job.finishedAt === undefined && !this.queue.jobs.has(job.id)) {
        // Planned before a crash that came before the acknowledgement: the stored plan stands.
        await this.sender.warm(job);
        await this.queue.adopt(job, now);
      }
      // Only now: the job and every digest entry are stored, so a crash from here on loses nothing.
      await this.store.ackChanges([change]);
      this.sender.wake();
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
    if (!this.running || !this.leading) return;
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
