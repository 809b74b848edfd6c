import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "../../model/store.js";
import {
  type BackupEntry,
  BackupError,
  backupStore,
  readBackup,
  restoreStore,
  StoreNotEmptyError,
} from "../../store/backup.js";
import { openStore } from "../../store/open.js";
import { freshNamespace, REDIS_URL, tempDir } from "../store/fixtures.js";

// Backup and restore (store/backup.ts, `isblocked backup` / `restore`) against a real SQLite file and the
// real Redis: a backup taken while a writer keeps subscribing is one point in time, and restoring it into
// a fresh store, of either backend, gives back exactly what it holds.

const bin = fileURLToPath(new URL("../../bin/isblocked.js", import.meta.url));
const TARGET = { service: "whatsapp", country: "CN" };
if (REDIS_URL === undefined) console.log("REDIS_URL unset: the Redis backup and restore cases are skipped");

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await dir.remove();
});

const file = (name: string) => join(dir.path, name);

/**
 * Subscribes chats 1, 2, 3... one after another until stopped. Each subscribe writes `subs:` and then the
 * chat's `chat-subs:`, so a consistent copy holds subscribers 1..k, and the reverse index of each of them
 * except perhaps k, and of no chat after k.
 */
function startWriter(store: Store) {
  let acknowledged = 0;
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      await store.subscribe(String(acknowledged + 1), TARGET);
      acknowledged++;
      // As a bot's commands do, each write waits for I/O: the SQLite store's statements are synchronous, so
      // a loop of bare store calls would never let the timers of this test run.
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();
  return {
    acknowledged: () => acknowledged,
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** Checks a restored copy of the writer's store is one point of its history; resolves to k. */
async function expectConsistent(store: Store, atLeast: number, atMost: number): Promise<number> {
  const subscribers = (await store.subscribers(TARGET)).map(Number).sort((a, b) => a - b);
  const k = subscribers.length;
  expect(subscribers).toEqual(Array.from({ length: k }, (_, n) => n + 1));
  expect(k).toBeGreaterThanOrEqual(atLeast);
  expect(k).toBeLessThanOrEqual(atMost);
  for (let chat = 1; chat <= atMost + 1; chat++) {
    const indexed = (await store.subscriptionsOf(String(chat))).length === 1;
    if (chat < k) expect(indexed, `chat ${chat} of ${k}`).toBe(true);
    if (chat > k) expect(indexed, `chat ${chat} after ${k}`).toBe(false);
  }
  return k;
}

/** Key and value of each entry, without the time to live, which moves on between two reads. */
const contents = (entries: BackupEntry[]) => entries.map(({ key, value }) => [key, value]);

interface Case {
  kind: "sqlite" | "redis";
  skip: boolean;
  /** A STORE_URL and namespace no other case uses. */
  fresh(): { url: string; namespace: string };
}

let files = 0;
const CASES: Case[] = [
  {
    kind: "sqlite",
    skip: false,
    fresh: () => ({ url: `sqlite://${file(`store-${++files}.sqlite`)}`, namespace: "isblocked" }),
  },
  {
    kind: "redis",
    skip: REDIS_URL === undefined,
    fresh: () => ({ url: REDIS_URL ?? "", namespace: freshNamespace() }),
  },
];

describe.each(CASES)("backup and restore: $kind", (c) => {
  it.skipIf(c.skip)(
    "backs up one point in time while a writer goes on, and restores it into either backend",
    async () => {
      const source = c.fresh();
      const store = await openStore(source.url, { namespace: source.namespace });
      const writer = startWriter(store);
      try {
        await until(() => writer.acknowledged() >= 30);
        const before = writer.acknowledged();
        const backup = file(`${c.kind}-${files}.backup`);
        const summary = await backupStore(source.url, backup, { namespace: source.namespace });
        const after = writer.acknowledged();
        await until(() => writer.acknowledged() >= after + 10);
        await writer.stop();
        expect(summary).toMatchObject({ backend: c.kind, format: c.kind === "sqlite" ? "sqlite" : "json" });

        const { namespace, entries } = await readBackup(backup);
        expect(namespace).toBe(source.namespace);
        expect(entries.length).toBe(summary.entries);
        const targets: Case[] = CASES.filter((t) => !t.skip);
        for (const target of targets) {
          const into = target.fresh();
          expect(await restoreStore(into.url, backup, { namespace: into.namespace })).toBe(entries.length);
          const restored = await openStore(into.url, { namespace: into.namespace });
          try {
            // Everything acknowledged before the backup began is there; nothing written after it ended.
            const k = await expectConsistent(restored, before, after + 1);
            console.log(
              `fault backup-under-writes (${c.kind} → ${target.kind}): ${entries.length} keys, subscribers ${k} of ${before}..${after + 1} acknowledged around it`,
            );
          } finally {
            await restored.close();
          }
          // A backup of the restored store holds exactly the same keys and values.
          const again = file(`again-${++files}.backup`);
          await backupStore(into.url, again, { namespace: into.namespace });
          expect(contents((await readBackup(again)).entries)).toEqual(contents(entries));
        }
      } finally {
        await writer.stop();
        await store.close();
      }
    },
  );

  it.skipIf(c.skip)("refuses to restore over a store that holds data, unless forced", async () => {
    const source = c.fresh();
    const store = await openStore(source.url, { namespace: source.namespace });
    await store.subscribe("1", TARGET);
    await store.close();
    const backup = file(`${c.kind}-refuse-${++files}.backup`);
    await backupStore(source.url, backup, { namespace: source.namespace });

    const into = c.fresh();
    const other = await openStore(into.url, { namespace: into.namespace });
    await other.subscribe("2", TARGET);
    await other.close();
    await expect(restoreStore(into.url, backup, { namespace: into.namespace })).rejects.toThrow(
      StoreNotEmptyError,
    );
    const untouched = await openStore(into.url, { namespace: into.namespace });
    expect(await untouched.subscribers(TARGET)).toEqual(["2"]);
    await untouched.close();

    await restoreStore(into.url, backup, { namespace: into.namespace, force: true });
    const replaced = await openStore(into.url, { namespace: into.namespace });
    expect(await replaced.subscribers(TARGET)).toEqual(["1"]);
    expect(await replaced.subscriptionsOf("2")).toEqual([]);
    await replaced.close();
  });
});

describe("backup and restore: refusals", () => {
  it("refuses a memory: store, an existing backup file and a file that is no backup", async () => {
    await expect(backupStore("memory:", file("memory.backup"))).rejects.toThrow(/memory: store/);
    const source = CASES[0]?.fresh() ?? { url: "", namespace: "" };
    const store = await openStore(source.url);
    await store.subscribe("1", TARGET);
    await store.close();
    const backup = file("twice.backup");
    await backupStore(source.url, backup);
    await expect(backupStore(source.url, backup)).rejects.toThrow(/exists already/);
    await expect(restoreStore(source.url, file("none.backup"))).rejects.toThrow(BackupError);
    const notBackup = file("not-a-backup.json");
    spawnSync("sh", ["-c", `echo '{"hello":1}' > '${notBackup}'`]);
    await expect(restoreStore(CASES[0]?.fresh().url ?? "", notBackup)).rejects.toThrow(
      /not an isblocked backup/,
    );
  });
});

describe("isblocked backup / restore", () => {
  const run = (args: string[], storeUrl: string) =>
    spawnSync(process.execPath, [bin, ...args], {
      cwd: dir.path,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", STORE_URL: storeUrl, LOG_LEVEL: "warn" },
      timeout: 60_000,
    });

  it("backs up, refuses to restore over data, restores with --force and into a new store", async () => {
    const source = `sqlite://${file("cli-source.sqlite")}`;
    const store = await openStore(source);
    await store.subscribe("42", TARGET);
    await store.updateChat("42", { lang: "fa" });
    await store.close();

    const backed = run(["backup", "cli.backup", "--json"], source);
    expect(backed.stderr).toBe("");
    expect(backed.status).toBe(0);
    expect(JSON.parse(backed.stdout)).toMatchObject({
      file: file("cli.backup"),
      backend: "sqlite",
      format: "sqlite",
      entries: 3,
    });
    expect(existsSync(file("cli.backup"))).toBe(true);

    const refused = run(["restore", "cli.backup"], source);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toBe(
      "isblocked: the store is not empty: restore --force replaces what it holds\n",
    );
    const forced = run(["restore", "cli.backup", "--force"], source);
    expect(forced.stderr).toBe("");
    expect(forced.stdout).toBe(`restored 3 keys from ${file("cli.backup")} into ${source}\n`);

    const fresh = `sqlite://${file("cli-fresh/store.sqlite")}`;
    expect(run(["restore", "cli.backup"], fresh).status).toBe(0);
    const restored = await openStore(fresh);
    expect(await restored.subscribers(TARGET)).toEqual(["42"]);
    expect(await restored.getChat("42")).toMatchObject({ lang: "fa" });
    await restored.close();

    const usage = run(["restore"], fresh);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/^isblocked: usage: isblocked restore FILE \[--force\]\n/);
  });
});
