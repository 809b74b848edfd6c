import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Store } from "../../../model/store.js";
import { openStore } from "../../../store/open.js";
import { fixturePath, miniKb } from "../../helpers.js";
import { memoryLog } from "../../scheduler/memory-log.js";
import { type Backend, freshNamespace, redisBackend, sqliteBackend } from "../../store/fixtures.js";
import { type BotApiServer, startBotApiServer } from "../../support/bot-api-server.js";
import { acceptedByChat, change, chatIds, dispatcherFor, queueChange, TOKEN } from "./support.js";

// A crash mid-fan-out, then a new dispatcher on the same store: every subscriber gets the alert exactly
// once. At the crash, the first deliveries are settled `sent`, some are in flight (the server has them and
// holds its answers) and the rest have not been tried. In flight means `sending` in the store: presumed
// delivered, never sent again (the server did accept them). The untried ones are sent by the new dispatcher.

const KB = miniKb();
const CHATAPP_CN = { service: "chatapp", country: "CN" };
const SUBSCRIBERS = 40;
/** Answered at once; later sends are held by the server, so at the crash exactly IN_FLIGHT are in flight. */
const ANSWERED = 10;
const IN_FLIGHT = 4;
const WORKER = fileURLToPath(new URL("./dispatcher-worker.mjs", import.meta.url));
const BUILT = existsSync(fileURLToPath(new URL("../../../dist/bot/alerts/dispatcher.js", import.meta.url)));

const BACKENDS: Backend[] = [sqliteBackend(), redisBackend()];
if (BACKENDS.some((b) => b.skipReason)) console.log("REDIS_URL unset: Redis crash test skipped");

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe.each(BACKENDS)("alerts across a crash: $kind store", (backend) => {
  describe.skipIf(backend.skipReason !== undefined)(
    backend.skipReason ?? "lose nothing, repeat nothing",
    () => {
      let url = "";
      let namespace = "";
      let server: BotApiServer;
      const opened: Store[] = [];

      beforeAll(async () => {
        url = await backend.start();
      });
      afterAll(async () => {
        await backend.stop();
      });
      beforeEach(async () => {
        namespace = freshNamespace();
        server = await startBotApiServer(TOKEN);
        server.onSend({
          answer: (send) => (send.index >= ANSWERED ? { kind: "ok", delayMs: 1500 } : undefined),
        });
        const store = await open();
        for (const id of chatIds(SUBSCRIBERS)) await store.subscribe(id, CHATAPP_CN);
        await queueChange(store, change(CHATAPP_CN, "blocked", "2026-11-21T08:00:00.000Z"));
      });
      afterEach(async () => {
        await server.close();
        for (const store of opened.splice(0)) await store.close().catch(() => {});
      });

      const open = async () => {
        const store = await openStore(url, { namespace });
        opened.push(store);
        return store;
      };

      /** The second life: a new dispatcher on the same store finishes the job. */
      const restartAndFinish = async () => {
        server.clearSendRules();
        const store = await open();
        const { log, messages } = memoryLog();
        const dispatcher = dispatcherFor(server, { store, kb: KB, log });
        await dispatcher.start();
        await dispatcher.idle();
        await dispatcher.stop();
        return { store, dispatcher, messages };
      };

      it("in process: the store connection dies with sends in flight", async () => {
        const store = await open();
        const first = dispatcherFor(
          server,
          { store, kb: KB, log: memoryLog().log },
          {
            config: { alertRateGlobal: 100 },
            tuning: { maxInFlight: IN_FLIGHT },
          },
        );
        await first.start();
        await until(() => server.sends.length >= ANSWERED + IN_FLIGHT, "the sends in flight");
        await sleep(100);
        // The crash: from here on this dispatcher can write nothing, and it claims nothing more.
        await store.close();
        expect(server.sends).toHaveLength(ANSWERED + IN_FLIGHT);

        const second = await restartAndFinish();
        await first.stop();

        const byChat = acceptedByChat(server.sends);
        expect(byChat.size).toBe(SUBSCRIBERS);
        expect([...byChat.values()].every((sends) => sends.length === 1)).toBe(true);
        expect(server.sends).toHaveLength(SUBSCRIBERS);
        expect(second.dispatcher.stats).toMatchObject({
          unconfirmed: IN_FLIGHT,
          sent: SUBSCRIBERS - ANSWERED - IN_FLIGHT,
        });
        expect(
          second.messages("deliveries interrupted by a crash presumed delivered, not resent"),
        ).toHaveLength(1);
        expect(await second.store.openDeliveryJobs()).toEqual([]);
        expect(await second.store.pendingChanges()).toEqual([]);
      });

      it.skipIf(!BUILT)("another process: SIGKILL mid-fan-out", async () => {
        const child = spawn(process.execPath, [
          WORKER,
          url,
          namespace,
          server.apiRoot,
          TOKEN,
          fixturePath("kb-mini"),
          String(IN_FLIGHT),
        ]);
        let stderr = "";
        child.stderr.on("data", (chunk: Buffer) => {
          stderr += chunk.toString();
        });
        try {
          await until(
            () => server.sends.length >= ANSWERED + IN_FLIGHT,
            `the sends in flight (worker: ${stderr})`,
          );
          // Quiet: every slot is taken by a held send, so nothing is being claimed when the kill lands.
          await sleep(200);
          expect(server.sends).toHaveLength(ANSWERED + IN_FLIGHT);
        } finally {
          child.kill("SIGKILL");
          if (child.exitCode === null && child.signalCode === null) await once(child, "exit");
        }
        expect(child.signalCode).toBe("SIGKILL");

        const second = await restartAndFinish();

        const byChat = acceptedByChat(server.sends);
        expect(byChat.size).toBe(SUBSCRIBERS);
        expect([...byChat.values()].every((sends) => sends.length === 1)).toBe(true);
        expect(server.sends).toHaveLength(SUBSCRIBERS);
        expect(second.dispatcher.stats).toMatchObject({
          unconfirmed: IN_FLIGHT,
          sent: SUBSCRIBERS - ANSWERED - IN_FLIGHT,
        });
      });
    },
  );
});
