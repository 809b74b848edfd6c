import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { openSqliteFile } from "../../store/kv/sqlite-file.js";
import { openStore } from "../../store/open.js";
import { freshNamespace, tempDir } from "../store/fixtures.js";
import { type Subscriber, startSubscriber, targetOf } from "./support.js";

// 200 runs of kill -9 at a random moment while a process writes subscriptions to a SQLite file. After
// every kill the file passes SQLite's integrity check and holds every subscription the process had
// acknowledged, in both the target's list and the chat's own index.
//
// Fast without cutting corners: LANES files are tortured side by side, each by one writer at a time, and
// each lane starts its next writer while the current one runs, so a run never waits for Node to start.
// The kill comes a random time after the writer's first acknowledgement: most runs die mid-write.

const RUNS = 200;
const LANES = 4;
/** The kill comes this long after the first acknowledgement, at most. */
const MAX_DELAY_MS = 40;

const dirs: { remove: () => Promise<void> }[] = [];
const live = new Set<Subscriber>();
afterAll(async () => {
  for (const worker of live) worker.child.kill("SIGKILL");
  for (const dir of dirs) await dir.remove();
});

async function integrityCheck(path: string): Promise<string> {
  const db = await openSqliteFile(path);
  try {
    const rows = db.prepare("PRAGMA integrity_check").all() as { integrity_check: string }[];
    return rows.map((r) => r.integrity_check).join("; ");
  } finally {
    db.close();
  }
}

interface LaneResult {
  notOk: number;
  acknowledged: number;
  missing: number;
  acksPerRun: number[];
}

/** Every acknowledged chat, in its target's list and with its one subscription in the chat's own index. */
async function missingOf(url: string, namespace: string, all: number[], latest: number[]): Promise<number[]> {
  const store = await openStore(url, { namespace });
  try {
    const lists = new Map<string, Set<string>>();
    for (let s = 0; s < 4; s++) {
      const target = targetOf(s);
      lists.set(target.service, new Set(await store.subscribers(target)));
    }
    const lost = all.filter((chat) => !lists.get(targetOf(chat).service)?.has(String(chat)));
    for (const chat of latest) {
      if ((await store.subscriptionsOf(String(chat))).length !== 1) lost.push(chat);
    }
    return lost;
  } finally {
    await store.close();
  }
}

async function lane(path: string, runs: number): Promise<LaneResult> {
  const url = `sqlite://${path}`;
  const namespace = freshNamespace();
  const result: LaneResult = { notOk: 0, acknowledged: 0, missing: 0, acksPerRun: [] };
  const acknowledged: number[] = [];
  let nextChat = 1;
  const spawnNext = () => {
    const worker = startSubscriber(url, namespace);
    live.add(worker);
    return worker;
  };
  let next = spawnNext();
  for (let run = 0; run < runs; run++) {
    const worker = next;
    await worker.loaded;
    worker.begin(nextChat);
    next = run + 1 < runs ? spawnNext() : next;
    await worker.firstAck;
    await sleep(Math.random() * MAX_DELAY_MS);
    worker.child.kill("SIGKILL");
    await worker.exited;
    live.delete(worker);
    expect(worker.child.signalCode).toBe("SIGKILL");
    const acks = worker.acks.map((a) => a.chat);
    result.acksPerRun.push(acks.length);
    // Chat ids go on past the last one tried: the killed process may have written one without saying so.
    nextChat = (acks.at(-1) ?? nextChat) + 2;

    const integrity = await integrityCheck(path);
    if (integrity !== "ok") result.notOk++;
    expect(integrity, `${path}, run ${run}`).toBe("ok");
    acknowledged.push(...acks);
    const lost = await missingOf(url, namespace, acknowledged, acks);
    result.missing += lost.length;
    expect(lost, `${path}, run ${run}: acknowledged subscriptions missing`).toEqual([]);
  }
  result.acknowledged = acknowledged.length;
  return result;
}

describe("kill -9 during SQLite writes", () => {
  it(`keeps the file intact and every acknowledged subscription, over ${RUNS} kills`, async () => {
    const dir = await tempDir();
    dirs.push(dir);
    const started = performance.now();
    const lanes = await Promise.all(
      Array.from({ length: LANES }, (_, n) => lane(join(dir.path, `lane${n}.sqlite`), RUNS / LANES)),
    );
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const sum = (pick: (r: LaneResult) => number) => lanes.reduce((total, r) => total + pick(r), 0);
    const perRun = lanes.flatMap((r) => r.acksPerRun).sort((a, b) => a - b);
    console.log(
      `fault sqlite-kill-9: runs ${RUNS} (${LANES} files side by side), integrity not ok ${sum((r) => r.notOk)}, acknowledged ${sum((r) => r.acknowledged)}, missing ${sum((r) => r.missing)}, acknowledgements before the kill min ${perRun[0]} median ${perRun[perRun.length >> 1]} max ${perRun.at(-1)}, ${seconds} s`,
    );
    expect(perRun).toHaveLength(RUNS);
    expect(sum((r) => r.acknowledged)).toBeGreaterThan(RUNS);
  }, 300_000);
});
