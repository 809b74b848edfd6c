import type { Lang } from "../../kb/schema.js";
import type {
  ChatId,
  DeliveryJob,
  DeliveryRecord,
  DeliveryStore,
  SubscriptionStore,
} from "../../model/store.js";
import { MinHeap } from "./min-heap.js";

// The durable delivery queue. The store holds the truth: the open jobs and one record per (job, chat)
// (store/README.md, "Alert delivery"); this class keeps the deliveries still to make in memory, in the
// order they may go, and moves each record through its states:
//
//   (absent) ─claim─▶ sending ─▶ sent | failed | skipped | moved (→ the supergroup's own record)
//   pending  ─claim─▶ sending ─▶ pending again, with notBefore (429, 5xx, no answer)
//
// A record is claimed (`sending`, one compare-and-set) immediately before the request and settled only
// after Telegram's answer. On resume, a `sending` record is a request that may have reached Telegram
// before the process died: it is settled `unconfirmed` and never sent again. See bot/alerts/README.md
// for the guarantee this gives.

/** A job the dispatcher is working on, and what it needs to finish it. */
export interface JobState {
  job: DeliveryJob;
  /** Deliveries not final yet; a move replaces one by the supergroup's. At 0 the job is finished. */
  open: number;
  /** Each recipient's language, read from its settings when the job was planned or resumed. */
  langs: Map<ChatId, Lang>;
  /** Rendered text per language: every recipient of a language gets the same message. */
  texts: Map<Lang, string>;
}

export interface QueuedDelivery {
  state: JobState;
  chatId: ChatId;
  /** Epoch ms before which it may not go. */
  readyAt: number;
  /** Order of first queuing: among deliveries that may go, the oldest goes first, retries included. */
  seq: number;
}

export interface ResumeSummary {
  jobs: number;
  queued: number;
  /** `sending` records found: requests that may have reached Telegram, presumed delivered. */
  unconfirmed: number;
  finished: number;
}

/** Reads issued at once when a job's records or settings are loaded. */
const BATCH = 200;

export class DeliveryQueue {
  readonly jobs = new Map<string, JobState>();
  private readonly waiting = new MinHeap<QueuedDelivery>(
    (a, b) => a.readyAt < b.readyAt || (a.readyAt === b.readyAt && a.seq < b.seq),
  );
  private readonly ready = new MinHeap<QueuedDelivery>((a, b) => a.seq < b.seq);
  private seq = 0;

  constructor(
    private readonly store: DeliveryStore & Pick<SubscriptionStore, "getChat">,
    /** This dispatcher instance: a `sending` record of another owner is a request of a dead process. */
    readonly owner: string,
  ) {}

  /** Deliveries queued, waiting or ready. */
  get size(): number {
    return this.waiting.size + this.ready.size;
  }

  /** Picks up every open job of the store not in memory yet: after a restart, all of them. */
  async resume(now: number): Promise<ResumeSummary> {
    const summary: ResumeSummary = { jobs: 0, queued: 0, unconfirmed: 0, finished: 0 };
    for (const job of await this.store.openDeliveryJobs()) {
      if (this.jobs.has(job.id)) continue;
      const adopted = await this.adopt(job, now);
      summary.jobs++;
      summary.queued += adopted.queued;
      summary.unconfirmed += adopted.unconfirmed;
      if (adopted.finished) summary.finished++;
    }
    return summary;
  }

  /** A job just created by this dispatcher: no record exists yet, so every recipient is queued. */
  async addNew(job: DeliveryJob, langs: Map<ChatId, Lang>, now: number): Promise<void> {
    if (this.jobs.has(job.id) || job.finishedAt !== undefined) return;
    const state: JobState = { job, open: 0, langs, texts: new Map() };
    this.jobs.set(job.id, state);
    for (const chatId of job.recipients) this.enqueue(state, chatId, now);
    // Nobody to send to (every subscriber gets a digest, or none is active): done at once.
    if (state.open === 0) await this.finish(state, now);
  }

  /**
   * A job that may have been worked on before (a restart, or a job planned before a crash): each
   * recipient's record decides, following moves to supergroups. Resolves with what it found.
   */
  async adopt(
    job: DeliveryJob,
    now: number,
  ): Promise<{ queued: number; unconfirmed: number; finished: boolean }> {
    const result = { queued: 0, unconfirmed: 0, finished: false };
    if (this.jobs.has(job.id) || job.finishedAt !== undefined) return result;
    const state: JobState = { job, open: 0, langs: new Map(), texts: new Map() };
    this.jobs.set(job.id, state);
    // Queued only once every language is known, so a running dispatcher never sends one in a default.
    const toQueue: { chatId: ChatId; readyAt: number }[] = [];
    let chatIds = [...job.recipients];
    const seen = new Set<ChatId>();
    while (chatIds.length > 0) {
      const movedTo: ChatId[] = [];
      for (let i = 0; i < chatIds.length; i += BATCH) {
        const batch = chatIds.slice(i, i + BATCH).filter((id) => !seen.has(id));
        for (const id of batch) seen.add(id);
        const records = await this.store.getDeliveries(job.id, batch);
        for (const [n, chatId] of batch.entries()) {
          const record = records[n];
          if (record === undefined || record.state === "pending") {
            toQueue.push({ chatId, readyAt: record?.notBefore ?? now });
          } else if (record.state === "sending" && record.owner !== this.owner) {
            // It may have reached Telegram: resending could deliver it twice. Presumed delivered.
            await this.store.settleDelivery(job.id, chatId, {
              ...record,
              state: "unconfirmed",
              owner: undefined,
              at: now,
            });
            result.unconfirmed++;
          } else if (record.state === "sending") {
            // Our own claim whose outcome could not be written (a store failure): the claim is still ours.
            toQueue.push({ chatId, readyAt: now });
          } else if (record.state === "moved" && record.movedTo !== undefined) {
            movedTo.push(record.movedTo);
          }
        }
      }
      chatIds = movedTo;
    }
    await this.loadLangs(
      state,
      toQueue.map((q) => q.chatId),
    );
    for (const { chatId, readyAt } of toQueue) this.enqueue(state, chatId, readyAt);
    result.queued = toQueue.length;
    if (state.open === 0) {
      await this.finish(state, now);
      result.finished = true;
    }
    return result;
  }

  /** Queues a delivery of a job, to go no earlier than `readyAt`; counts it open. */
  enqueue(state: JobState, chatId: ChatId, readyAt: number): void {
    state.open++;
    this.waiting.push({ state, chatId, readyAt, seq: this.seq++ });
  }

  /** Puts a delivery back, keeping its place in line, to go no earlier than `readyAt`. */
  putBack(item: QueuedDelivery, readyAt: number): void {
    this.waiting.push({ ...item, readyAt });
  }

  /** The oldest delivery that may go at `now`, taken off the queue; undefined when none may go yet. */
  takeReady(now: number): QueuedDelivery | undefined {
    for (
      let next = this.waiting.peek();
      next !== undefined && next.readyAt <= now;
      next = this.waiting.peek()
    ) {
      this.ready.push(this.waiting.pop() as QueuedDelivery);
    }
    return this.ready.pop();
  }

  /** When the next delivery may go: now if one may, undefined if nothing is queued. */
  nextReadyAt(now: number): number | undefined {
    if (this.ready.size > 0) return now;
    return this.waiting.peek()?.readyAt;
  }

  /** Marks the delivery `sending` for this owner, right before the request. */
  claim(item: QueuedDelivery, now: number): Promise<{ claimed: boolean; record: DeliveryRecord }> {
    return this.store.claimDelivery(item.state.job.id, item.chatId, this.owner, now);
  }

  settle(item: QueuedDelivery, record: DeliveryRecord): Promise<void> {
    return this.store.settleDelivery(item.state.job.id, item.chatId, record);
  }

  /** One delivery of the job reached a final state; the job is finished with its last. */
  async complete(state: JobState, now: number): Promise<boolean> {
    state.open--;
    if (state.open > 0) return false;
    await this.finish(state, now);
    return true;
  }

  private async finish(state: JobState, now: number): Promise<void> {
    this.jobs.delete(state.job.id);
    await this.store.finishDeliveryJob(state.job.id, new Date(now).toISOString());
  }

  private async loadLangs(state: JobState, chatIds: readonly ChatId[]): Promise<void> {
    for (let i = 0; i < chatIds.length; i += BATCH) {
      const batch = chatIds.slice(i, i + BATCH);
      const settings = await Promise.all(batch.map((id) => this.store.getChat(id)));
      for (const [n, chatId] of batch.entries()) {
        const lang = settings[n]?.lang;
        if (lang) state.langs.set(chatId, lang);
      }
    }
  }
}
