import type { ServiceStatus, Target, TimelineEntry } from "../analysis/types.js";
import type { AtomicKv, ChatId, ChatSettings, Store } from "./types.js";

/** Older timeline entries are dropped beyond this: a status that flaps for years stays one small value. */
export const TIMELINE_CAP = 1000;

/** The key layout (store/README.md). Parts never contain ':', so no two targets share a key. */
const keys = {
  status: (t: Target) => `status:${part(t.country)}:${part(t.service)}`,
  /** Sorted service ids with a status in one country, so listing a country reads only its own keys. */
  statusIndex: (country: string) => `status-index:${part(country)}`,
  timeline: (t: Target) => `timeline:${part(t.country)}:${part(t.service)}`,
  /** Sorted chat ids: the list alerts are sent to, and the source of truth for subscriptions. */
  subscribers: (t: Target) => `subs:${part(t.service)}:${part(t.country)}`,
  /** The targets of one chat: a reverse index for "my subscriptions" and removeChat. */
  chatSubscriptions: (chatId: ChatId) => `chat-subs:${part(chatId)}`,
  chat: (chatId: ChatId) => `chat:${part(chatId)}`,
};

/** The domain store over any AtomicKv: every read-modify-write below is one atomic `update`. */
export class KvStore implements Store {
  readonly kind: Store["kind"];

  constructor(private readonly kv: AtomicKv) {
    this.kind = kv.kind;
  }

  async getStatus(target: Target): Promise<ServiceStatus | undefined> {
    return this.kv.get<ServiceStatus>(keys.status(target));
  }

  async putStatus(status: ServiceStatus): Promise<void> {
    // Index first: a crash before the status write leaves an index entry without a status, which
    // listStatuses skips, rather than a status that listing never finds.
    const index = await this.kv.get<string[]>(keys.statusIndex(status.country));
    if (!index?.includes(status.service)) {
      await this.kv.update<string[]>(keys.statusIndex(status.country), (services = []) =>
        withSorted(services, status.service),
      );
    }
    await this.kv.set(keys.status(status), status);
  }

  async listStatuses(country: string): Promise<ServiceStatus[]> {
    const services = (await this.kv.get<string[]>(keys.statusIndex(country))) ?? [];
    const statuses = await Promise.all(services.map((service) => this.getStatus({ service, country })));
    return statuses.filter((status) => status !== undefined);
  }

  async appendTimeline(target: Target, entry: TimelineEntry): Promise<void> {
    await this.kv.update<TimelineEntry[]>(keys.timeline(target), (entries = []) =>
      [...entries, entry].slice(-TIMELINE_CAP),
    );
  }

  async getTimeline(target: Target): Promise<TimelineEntry[]> {
    return (await this.kv.get<TimelineEntry[]>(keys.timeline(target))) ?? [];
  }

  async subscribe(chatId: ChatId, target: Target): Promise<boolean> {
    // The per-target list first: once it holds the chat, alerts reach it even if the process dies before
    // the reverse index is written; subscribing again repairs the index.
    let added = false;
    await this.kv.update<ChatId[]>(keys.subscribers(target), (chatIds = []) => {
      added = !chatIds.includes(chatId);
      return added ? withSorted(chatIds, chatId) : chatIds;
    });
    await this.kv.update<Target[]>(keys.chatSubscriptions(chatId), (targets = []) =>
      targets.some((t) => sameTarget(t, target)) ? targets : [...targets, toTarget(target)],
    );
    return added;
  }

  async unsubscribe(chatId: ChatId, target: Target): Promise<boolean> {
    // Same order as subscribe: the per-target list decides who gets alerts, so it changes first.
    const removed = await this.removeSubscriber(chatId, target);
    await this.kv.update<Target[]>(keys.chatSubscriptions(chatId), (targets) =>
      withoutTargets(targets, [target]),
    );
    return removed;
  }

  async subscribers(target: Target): Promise<ChatId[]> {
    return (await this.kv.get<ChatId[]>(keys.subscribers(target))) ?? [];
  }

  async subscriptionsOf(chatId: ChatId): Promise<Target[]> {
    return (await this.kv.get<Target[]>(keys.chatSubscriptions(chatId))) ?? [];
  }

  async removeChat(chatId: ChatId): Promise<number> {
    const targets = await this.subscriptionsOf(chatId);
    let removed = 0;
    for (const target of targets) {
      if (await this.removeSubscriber(chatId, target)) removed++;
    }
    // Only the targets handled above: a subscription added meanwhile keeps its index entry.
    await this.kv.update<Target[]>(keys.chatSubscriptions(chatId), (current) =>
      withoutTargets(current, targets),
    );
    return removed;
  }

  async getChat(chatId: ChatId): Promise<ChatSettings | undefined> {
    return this.kv.get<ChatSettings>(keys.chat(chatId));
  }

  async updateChat(chatId: ChatId, patch: Partial<Omit<ChatSettings, "chatId">>): Promise<ChatSettings> {
    const updated = await this.kv.update<ChatSettings>(keys.chat(chatId), (current) =>
      withoutUndefined({ ...current, ...patch, chatId }),
    );
    return updated ?? { chatId };
  }

  async close(): Promise<void> {
    return this.kv.close();
  }

  /** Resolves true when the chat was in the target's list. */
  private async removeSubscriber(chatId: ChatId, target: Target): Promise<boolean> {
    let removed = false;
    await this.kv.update<ChatId[]>(keys.subscribers(target), (chatIds) => {
      removed = chatIds?.includes(chatId) ?? false;
      if (!chatIds || !removed) return chatIds;
      const rest = chatIds.filter((id) => id !== chatId);
      return rest.length > 0 ? rest : undefined;
    });
    return removed;
  }
}

function part(value: string): string {
  if (value === "" || value.includes(":"))
    throw new RangeError(`not a valid key part: ${JSON.stringify(value)}`);
  return value;
}

function withSorted(sorted: readonly string[], item: string): string[] {
  return [...sorted, item].sort();
}

function sameTarget(a: Target, b: Target): boolean {
  return a.service === b.service && a.country === b.country;
}

/** Only the two fields: callers may pass richer objects (a ServiceStatus is a Target too). */
function toTarget(target: Target): Target {
  return { service: target.service, country: target.country };
}

/** The list without `removed`; undefined (deletes the key) when nothing is left. */
function withoutTargets(targets: Target[] | undefined, removed: readonly Target[]): Target[] | undefined {
  if (!targets) return undefined;
  const rest = targets.filter((t) => !removed.some((r) => sameTarget(t, r)));
  if (rest.length === targets.length) return targets;
  return rest.length > 0 ? rest : undefined;
}

/** A patch field set to undefined clears it, and stored settings never hold undefined. */
function withoutUndefined(settings: ChatSettings): ChatSettings {
  return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) as ChatSettings;
}
