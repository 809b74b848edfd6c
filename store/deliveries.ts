import type { StatusChange } from "../analysis/status-engine.js";
import type { AtomicKv, ChatId, DeliveryJob, DeliveryRecord, DigestEntry } from "../model/store.js";

// Alert delivery's part of the store (store/README.md, "Alert delivery"): jobs, one delivery record per
// (job, chat), and the daily digest queues. KvStore delegates to this class.

/** Delivery records outlive their job by far; on Redis they then expire, elsewhere finishing deletes them. */
export const DELIVERY_RECORD_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** A finished job's id is remembered this long, so that replanning its change or digest finds it done. */
export const FINISHED_JOB_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** Changes kept per chat's digest queue, oldest dropped beyond this: a digest of 100 changes is plenty. */
export const DIGEST_CAP = 100;
/** Reads and deletes issued at once when a job's records are walked. */
const BATCH = 200;

/** Change ids hold ':' and '/' (`whatsapp/CN/2026-11-21T08:00:00.000Z`): percent-encoded in keys. */
function jobPart(jobId: string): string {
  if (jobId === "") throw new RangeError("a job id may not be empty");
  return encodeURIComponent(jobId);
}

function chatPart(chatId: ChatId): string {
  if (!/^-?\d+$/.test(chatId)) throw new RangeError(`not a chat id: ${JSON.stringify(chatId)}`);
  return chatId;
}

const keys = {
  job: (jobId: string) => `alert-job:${jobPart(jobId)}`,
  /** Ids of the jobs not finished, in creation order: where a restart finds its work. */
  openJobs: () => "alert-jobs-open",
  delivery: (jobId: string, chatId: ChatId) => `alert-delivery:${jobPart(jobId)}:${chatPart(chatId)}`,
  digest: (chatId: ChatId) => `alert-digest:${chatPart(chatId)}`,
  /** Sorted ids of the chats with a non-empty digest queue. */
  digestChats: () => "alert-digest-chats",
};

export class DeliveryKv {
  constructor(private readonly kv: AtomicKv) {}

  async createDeliveryJob(job: DeliveryJob): Promise<{ job: DeliveryJob; created: boolean }> {
    let created = false;
    const stored = await this.kv.update<DeliveryJob>(keys.job(job.id), (current) => {
      created = current === undefined;
      return current ?? job;
    });
    if (!stored) throw new Error(`delivery job ${job.id} stored nothing`);
    // The job first, then its index entry. A crash in between leaves a job no restart finds, but its
    // change is still in the outbox (or its digest entries still queued): planning it again lands here,
    // finds the job and writes the entry.
    if (stored.finishedAt === undefined) {
      const open = await this.kv.get<string[]>(keys.openJobs());
      if (!open?.includes(stored.id)) {
        await this.kv.update<string[]>(keys.openJobs(), (ids = []) =>
          ids.includes(stored.id) ? ids : [...ids, stored.id],
        );
      }
    }
    return { job: stored, created };
  }

  async openDeliveryJobs(): Promise<DeliveryJob[]> {
    const ids = (await this.kv.get<string[]>(keys.openJobs())) ?? [];
    const jobs = await Promise.all(ids.map((id) => this.kv.get<DeliveryJob>(keys.job(id))));
    return jobs
      .filter((job): job is DeliveryJob => job !== undefined && job.finishedAt === undefined)
      .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  }

  async finishDeliveryJob(jobId: string, finishedAt: string): Promise<void> {
    const job = await this.kv.get<DeliveryJob>(keys.job(jobId));
    // Order matters: the tombstone first, the records last. Records deleted while the job still looked
    // open would read as "never tried" after a crash, and everything would be sent again.
    if (job && job.finishedAt === undefined) {
      await this.kv.set<DeliveryJob>(
        keys.job(jobId),
        { ...job, recipients: [], finishedAt },
        FINISHED_JOB_TTL_MS,
      );
    }
    await this.kv.update<string[]>(keys.openJobs(), (ids) => {
      if (!ids?.includes(jobId)) return ids;
      const rest = ids.filter((id) => id !== jobId);
      return rest.length > 0 ? rest : undefined;
    });
    if (job && job.finishedAt === undefined) await this.deleteRecords(jobId, job.recipients);
  }

  async getDeliveries(jobId: string, chatIds: readonly ChatId[]): Promise<(DeliveryRecord | undefined)[]> {
    return Promise.all(chatIds.map((chatId) => this.kv.get<DeliveryRecord>(keys.delivery(jobId, chatId))));
  }

  async claimDelivery(
    jobId: string,
    chatId: ChatId,
    owner: string,
    atMs: number,
  ): Promise<{ claimed: boolean; record: DeliveryRecord }> {
    let claimed = false;
    const record = await this.kv.update<DeliveryRecord>(keys.delivery(jobId, chatId), (current) => {
      claimed =
        current === undefined ||
        current.state === "pending" ||
        (current.state === "sending" && current.owner === owner);
      if (!claimed) return current;
      return { state: "sending", attempts: (current?.attempts ?? 0) + 1, owner, at: atMs };
    });
    if (!record) throw new Error(`delivery ${jobId} → ${chatId} stored nothing`);
    return { claimed, record };
  }

  async settleDelivery(jobId: string, chatId: ChatId, record: DeliveryRecord): Promise<void> {
    // A plain write: only the owner of the claim settles it.
    await this.kv.set(keys.delivery(jobId, chatId), withoutUndefined(record), DELIVERY_RECORD_TTL_MS);
  }

  async addToDigest(chatId: ChatId, change: StatusChange, addedAt: string): Promise<boolean> {
    // The index first: a crash before the queue write leaves an indexed chat with nothing queued, which
    // the digest skips, rather than a queue no digest ever finds.
    const chats = await this.kv.get<ChatId[]>(keys.digestChats());
    if (!chats?.includes(chatId)) {
      await this.kv.update<ChatId[]>(keys.digestChats(), (ids = []) =>
        ids.includes(chatId) ? ids : [...ids, chatId].sort(),
      );
    }
    let added = false;
    await this.kv.update<DigestEntry[]>(keys.digest(chatId), (entries = []) => {
      added = !entries.some((e) => e.change.id === change.id);
      return added ? [...entries, { change, addedAt }].slice(-DIGEST_CAP) : entries;
    });
    return added;
  }

  async digestChats(): Promise<ChatId[]> {
    return (await this.kv.get<ChatId[]>(keys.digestChats())) ?? [];
  }

  async getDigest(chatId: ChatId): Promise<DigestEntry[]> {
    return (await this.kv.get<DigestEntry[]>(keys.digest(chatId))) ?? [];
  }

  async removeFromDigest(chatId: ChatId, changeIds: readonly string[]): Promise<number> {
    const ids = new Set(changeIds);
    let removed = 0;
    const rest = await this.kv.update<DigestEntry[]>(keys.digest(chatId), (entries) => {
      removed = entries?.filter((e) => ids.has(e.change.id)).length ?? 0;
      if (!entries || removed === 0) return entries;
      const kept = entries.filter((e) => !ids.has(e.change.id));
      return kept.length > 0 ? kept : undefined;
    });
    if (rest === undefined) {
      // Only if the queue is still empty when the index is rewritten: a change queued meanwhile keeps it.
      const stillEmpty = (await this.kv.get<DigestEntry[]>(keys.digest(chatId))) === undefined;
      if (stillEmpty) {
        await this.kv.update<ChatId[]>(keys.digestChats(), (chats) => {
          if (!chats?.includes(chatId)) return chats;
          const others = chats.filter((id) => id !== chatId);
          return others.length > 0 ? others : undefined;
        });
      }
    }
    return removed;
  }

  /** Deletes a finished job's records, following moves to the supergroups' records. */
  private async deleteRecords(jobId: string, recipients: readonly ChatId[]): Promise<void> {
    let chatIds = [...recipients];
    const seen = new Set<ChatId>();
    while (chatIds.length > 0) {
      const moved: ChatId[] = [];
      for (let i = 0; i < chatIds.length; i += BATCH) {
        const batch = chatIds.slice(i, i + BATCH).filter((id) => !seen.has(id));
        for (const id of batch) seen.add(id);
        const records = await this.getDeliveries(jobId, batch);
        for (const record of records) if (record?.movedTo !== undefined) moved.push(record.movedTo);
        await Promise.all(batch.map((id) => this.kv.delete(keys.delivery(jobId, id))));
      }
      chatIds = moved;
    }
  }
}

/** Stored records never hold undefined fields, so that every backend stores the same string. */
function withoutUndefined(record: DeliveryRecord): DeliveryRecord {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as DeliveryRecord;
}
