import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { openStore } from "../../store/open.js";
import { freePort } from "../bot/support/start-process.js";
import { freshNamespace, tempDir } from "../store/fixtures.js";
import { startSubscriber, targetOf } from "./support.js";

// Redis killed (SIGKILL) and restarted under a process that keeps subscribing: with the append-only file
// synced every second, no subscription acknowledged more than 1 s before the kill may be lost. The
// machine's shared Redis is never touched: this starts a redis-server of its own on a free loopback port.

const hasRedisServer = spawnSync("redis-server", ["--version"]).status === 0;
if (!hasRedisServer) console.log("redis-server not on PATH: the Redis kill-and-restart fault is skipped");

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function redisServer(dir: string, port: number): { child: ChildProcess; up: Promise<void> } {
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir];
  args.push("--appendonly", "yes", "--appendfsync", "everysec", "--save", "");
  const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
  const up = new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (data) => {
      out += data;
      if (out.includes("Ready to accept connections")) resolve();
    });
    child.on("exit", (code) => reject(new Error(`redis-server exited ${code}: ${out}`)));
  });
  return { child, up };
}

describe.skipIf(!hasRedisServer)("Redis killed and restarted", () => {
  it("loses no subscription acknowledged more than 1 s before the kill", async () => {
    const dir = await tempDir();
    cleanups.push(dir.remove);
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    const namespace = freshNamespace();
    let redis = redisServer(dir.path, port);
    cleanups.push(async () => redis.child.kill("SIGKILL"));
    await redis.up;

    const worker = startSubscriber(url, namespace, 1);
    cleanups.push(async () => worker.child.kill("SIGKILL"));
    await worker.ready;
    await sleep(2500);
    const killedAt = Date.now();
    redis.child.kill("SIGKILL");
    await new Promise((resolve) => redis.child.once("exit", resolve));
    const ackedBeforeKill = worker.acks.filter((a) => a.at <= killedAt);
    await sleep(500);
    redis = redisServer(dir.path, port);
    await redis.up;
    // The writer reconnects by itself and goes on.
    const resumedFrom = worker.acks.length;
    while (worker.acks.length < resumedFrom + 20) await sleep(20);
    worker.child.kill("SIGKILL");

    const store = await openStore(url, { namespace });
    cleanups.push(() => store.close());
    const present = new Set<number>();
    for (let s = 0; s < 4; s++) {
      for (const chat of await store.subscribers(targetOf(s))) present.add(Number(chat));
    }
    const lost = ackedBeforeKill.filter((a) => !present.has(a.chat));
    const lostOlder = lost.filter((a) => a.at < killedAt - 1000);
    const resumed = worker.acks.slice(resumedFrom).filter((a) => !present.has(a.chat));
    console.log(
      `fault redis-kill-restart: acknowledged before the kill ${ackedBeforeKill.length}, lost older than 1 s ${lostOlder.length}, lost in the last second ${lost.length - lostOlder.length}, written after the restart ${worker.acks.length - resumedFrom} (missing ${resumed.length})`,
    );
    expect(ackedBeforeKill.length).toBeGreaterThan(50);
    expect(lostOlder).toEqual([]);
    expect(resumed).toEqual([]);
  }, 120_000);
});
