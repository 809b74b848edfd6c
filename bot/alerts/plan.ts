import type { StatusChange } from "../../analysis/status-engine.js";
import type { Lang } from "../../kb/schema.js";
import {
  ALL_SERVICES,
  type ChatId,
  type ChatSettings,
  type DeliveryJob,
  type DeliveryStore,
  type SubscriptionStore,
} from "../../model/store.js";

// Turning a change into deliveries: who gets it, and how. Every write here is idempotent, because a crash
// before the change is acknowledged plans it again: the job is created only if absent (an earlier plan
// wins, so recipients never change once planned), digest entries are keyed by the change id.

/** Reads issued at once. */
const BATCH = 200;

export interface PlannedChange {
  /** The stored job: this plan's, or an earlier plan's if there was one. */
  job: DeliveryJob;
  created: boolean;
  /** The language of each recipient of an immediate alert. */
  langs: Map<ChatId, Lang>;
  /** Chats that get the change in their daily digest instead. */
  digest: number;
  /** Subscribers left out: chats known to be inactive (bot blocked, kicked, chat deleted). */
  inactive: number;
}

/**
 * The subscribers of the change's target and of every service in its country (`/subscribe all ir`),
 * each chat once; immediate chats get one job, digest chats a digest entry each.
 */
export async function planChange(
  store: DeliveryStore & Pick<SubscriptionStore, "subscribers" | "getChat">,
  change: StatusChange,
  nowIso: string,
): Promise<PlannedChange> {
  const { service, country } = change.target;
  const both = await Promise.all([
    store.subscribers({ service, country }),
    store.subscribers({ service: ALL_SERVICES, country }),
  ]);
  const chatIds = [...new Set(both.flat())].sort();
  const settings = await settingsOf(store, chatIds);

  const immediate: ChatId[] = [];
  const digest: ChatId[] = [];
  const langs = new Map<ChatId, Lang>();
  let inactive = 0;
  for (const [n, chatId] of chatIds.entries()) {
    const chat = settings[n];
    if (chat?.active === false) inactive++;
    else if (chat?.delivery === "digest") digest.push(chatId);
    else {
      immediate.push(chatId);
      if (chat?.lang) langs.set(chatId, chat.lang);
    }
  }
  // Digest entries before the job: the change is acknowledged only after both, so either order would be
  // replayed after a crash; this one never has a job without its digest entries.
  for (let i = 0; i < digest.length; i += BATCH) {
    await Promise.all(digest.slice(i, i + BATCH).map((chatId) => store.addToDigest(chatId, change, nowIso)));
  }
  const { job, created } = await store.createDeliveryJob({
    id: change.id,
    kind: "alert",
    changes: [change],
    recipients: immediate,
    createdAt: nowIso,
  });
  return { job, created, langs, digest: digest.length, inactive };
}

/** The digest job of one chat for the digest due at `dueAt`: its id names the chat and the UTC day. */
export function digestJobId(chatId: ChatId, dueAt: Date): string {
  return `digest/${chatId}/${dueAt.toISOString().slice(0, 10)}`;
}

/**
 * Creates the digest job of every chat with changes queued before `dueAt`, then takes those changes off
 * the chat's queue. Run again (a restart, a second run the same day), it finds each chat's job of the day
 * and only finishes taking its changes off: one digest per chat and day.
 */
export async function planDigests(
  store: DeliveryStore & Pick<SubscriptionStore, "subscribers" | "getChat">,
  dueAt: Date,
  nowIso: string,
): Promise<DeliveryJob[]> {
  const jobs: DeliveryJob[] = [];
  for (const chatId of await store.digestChats()) {
    const due = (await store.getDigest(chatId)).filter((e) => Date.parse(e.addedAt) < dueAt.getTime());
    if (due.length === 0) continue;
    if ((await store.getChat(chatId))?.active === false) {
      // The bot left the chat, or was blocked: nobody to tell.
      await store.removeFromDigest(
        chatId,
        due.map((e) => e.change.id),
      );
      continue;
    }
    const { job } = await store.createDeliveryJob({
      id: digestJobId(chatId, dueAt),
      kind: "digest",
      changes: due.map((e) => e.change),
      recipients: [chatId],
      createdAt: nowIso,
    });
    await store.removeFromDigest(
      chatId,
      job.changes.map((c) => c.id),
    );
    jobs.push(job);
  }
  return jobs;
}

async function settingsOf(
  store: DeliveryStore & Pick<SubscriptionStore, "subscribers" | "getChat">,
  chatIds: readonly ChatId[],
): Promise<(ChatSettings | undefined)[]> {
  const out: (ChatSettings | undefined)[] = [];
  for (let i = 0; i < chatIds.length; i += BATCH) {
    out.push(...(await Promise.all(chatIds.slice(i, i + BATCH).map((id) => store.getChat(id)))));
  }
  return out;
}
