import type { ServiceStatus, Target } from "../model/status.js";
import type { AtomicKv, ChatId, ChatSettings } from "../model/store.js";
import type { ChangeMark } from "./change-mark.js";
import { KvStore } from "./domain.js";

// An answer reads its chat's settings, a dozen statuses and a report count, which change only when a
// command changes the chat, a cycle writes a status or a person reports a problem: so they are kept in
// this process and the store is read on a miss only.
// Whatever any process on the store writes to them, it then moves the store's change mark
// (store/change-mark.ts); every read here compares the mark first and forgets everything kept once it
// moved. A read that begins after a write finished therefore sees that write, on this replica or another.

/**
 * Beyond this many kept statuses (or chats) no more are kept: targets are the knowledge base's, far
 * fewer; chats beyond it are read from the store as before.
 */
const MAX_KEPT = 20_000;

/** The domain store with statuses and report counts read through a cache (store/README.md). */
export class CachedKvStore extends KvStore {
  /** The mark everything kept was read under; undefined: nothing kept. */
  private mark: string | undefined;
  /**
   * Moves whenever everything kept is forgotten. A read keeps what it got only if this did not move while
   * it was under way: a write (here, or seen through the mark) finished meanwhile, and what was read may be
   * older than it, even where moving the mark failed and it still reads the same.
   */
  private generation = 0;
  /** Statuses by target, null for a target without one. Frozen: every reader shares them. */
  private readonly statuses = new Map<string, ServiceStatus | null>();
  /** Targets nobody reported at or after the time kept: the count stays 0 for any later start. */
  private readonly unreported = new Map<string, number>();
  /** Chat settings by chat, null for a chat without any (most people asking a question). Frozen. */
  private readonly chats = new Map<ChatId, ChatSettings | null>();

  constructor(
    kv: AtomicKv,
    private readonly changes: ChangeMark,
    options?: ConstructorParameters<typeof KvStore>[1],
  ) {
    super(kv, options);
  }

  override async getStatus(target: Target): Promise<ServiceStatus | undefined> {
    return (await this.getStatuses([target]))[0];
  }

  override async getStatuses(targets: readonly Target[]): Promise<(ServiceStatus | undefined)[]> {
    const generation = await this.markNow();
    const found: (ServiceStatus | undefined)[] = [];
    const missing: Target[] = [];
    for (const target of targets) {
      const kept = this.statuses.get(keyOf(target));
      if (kept === undefined) missing.push(target);
      found.push(kept ?? undefined);
    }
    if (missing.length === 0) return found;
    const read = await super.getStatuses(missing);
    const keep = this.generation === generation && this.statuses.size + missing.length <= MAX_KEPT;
    const byKey = new Map<string, ServiceStatus | undefined>();
    for (const [i, target] of missing.entries()) {
      const status = read[i] === undefined ? undefined : deepFreeze(read[i]);
      byKey.set(keyOf(target), status);
      if (keep) this.statuses.set(keyOf(target), status ?? null);
    }
    return targets.map((target, i) => found[i] ?? byKey.get(keyOf(target)));
  }

  override async getChat(chatId: ChatId): Promise<ChatSettings | undefined> {
    const generation = await this.markNow();
    const kept = this.chats.get(chatId);
    if (kept !== undefined) return kept ?? undefined;
    const read = await super.getChat(chatId);
    const settings = read === undefined ? undefined : deepFreeze(read);
    if (this.generation === generation && this.chats.size < MAX_KEPT)
      this.chats.set(chatId, settings ?? null);
    return settings;
  }

  override async updateChat(
    chatId: ChatId,
    patch: Partial<Omit<ChatSettings, "chatId">>,
  ): Promise<ChatSettings> {
    return this.afterWrite(() => super.updateChat(chatId, patch));
  }

  override async migrateChat(from: ChatId, to: ChatId): Promise<number> {
    return this.afterWrite(() => super.migrateChat(from, to));
  }

  override async putStatus(status: ServiceStatus): Promise<void> {
    await this.afterWrite(() => super.putStatus(status));
  }

  override async countReports(target: Target, sinceMs: number): Promise<number> {
    const generation = await this.markNow();
    const key = keyOf(target);
    const quietSince = this.unreported.get(key);
    if (quietSince !== undefined && sinceMs >= quietSince) return 0;
    const count = await super.countReports(target, sinceMs);
    if (count === 0 && this.generation === generation && this.unreported.size < MAX_KEPT) {
      this.unreported.set(key, Math.min(sinceMs, quietSince ?? sinceMs));
    }
    return count;
  }

  override async addReport(reporter: string, target: Target, atMs: number): Promise<boolean> {
    return this.afterWrite(() => super.addReport(reporter, target, atMs));
  }

  async changeGeneration(): Promise<number> {
    return this.markNow();
  }

  override async close(): Promise<void> {
    try {
      await super.close();
    } finally {
      await this.changes.close();
    }
  }

  /** Reads the mark, forgetting everything kept under another one; the generation a read began in. */
  private async markNow(): Promise<number> {
    const mark = await this.changes.read();
    if (mark !== this.mark) this.forget(mark);
    return this.generation;
  }

  private forget(mark: string | undefined): void {
    this.statuses.clear();
    this.unreported.clear();
    this.chats.clear();
    this.mark = mark;
    this.generation++;
  }

  /**
   * Runs a write of something kept and gives back what it resolves to, after moving the mark, failed write
   * or not (it may have landed). This process forgets at once, so it reads its own write even if moving
   * the mark fails; other processes see it once the mark moved, which the next cycle's write retries.
   */
  private async afterWrite<T>(write: () => Promise<T>): Promise<T> {
    let failure: { error: unknown } | undefined;
    let written: T | undefined;
    try {
      written = await write();
    } catch (error) {
      failure = { error };
    }
    this.forget(undefined);
    try {
      await this.changes.bump();
    } catch (error) {
      // The write's own failure says more than the mark's: it is the one the caller acts on.
      throw failure ? failure.error : error;
    }
    if (failure) throw failure.error;
    return written as T;
  }
}

function keyOf(target: Target): string {
  return `${target.country}:${target.service}`;
}

/** Frozen all the way down: a reader that tried to change a shared status would fail, not corrupt it. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
