import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { historyBaseline } from "../../../analysis/history.js";
import type { AlertDispatcher } from "../../../bot/alerts/dispatcher.js";
import type { ServiceStatusValue, Target } from "../../../model/status.js";
import type { Store } from "../../../model/store.js";
import { runStatusCycle } from "../../../pipeline/confirm.js";
import { openStore } from "../../../store/open.js";
import { miniKb } from "../../helpers.js";
import { memoryLog } from "../../scheduler/memory-log.js";
import { type BotApiServer, startBotApiServer } from "../../support/bot-api-server.js";
import { dispatcherFor, TOKEN } from "./support.js";

// A first status is news only when it differs from what answers showed before anything was measured: the
// knowledge base's last known status. A chat that subscribed before any measurement gets no alert when the
// first measured status says what the history said (or when there was no history to differ from), and one
// alert, naming the history it replaced, when it says something else.

const kb = miniKb();
const CHATAPP_CN = { service: "chatapp", country: "CN" };
const SAFECHAT_CN = { service: "safechat", country: "CN" };

describe("alerts for a first measured status", () => {
  let server: BotApiServer;
  let store: Store;
  let dispatcher: AlertDispatcher;
  const logs = memoryLog();

  beforeEach(async () => {
    server = await startBotApiServer(TOKEN);
    store = await openStore("memory:");
    dispatcher = dispatcherFor(server, { store, kb, log: logs.log });
    await dispatcher.start();
  });
  afterEach(async () => {
    await dispatcher.stop();
    await server.close();
    await store.close();
  });

  /** Two cycles that agree: the first status is confirmed (STATUS_THRESHOLD 2), as the pipeline feeds it. */
  async function confirm(target: Target, status: ServiceStatusValue) {
    for (const minute of [0, 10]) {
      await runStatusCycle(
        [
          {
            ...target,
            status,
            mechanism: status === "accessible" ? null : "tls",
            features: [],
            regions: [],
            confidence: 0.75,
            baseline: historyBaseline(kb, target.service, target.country),
            at: new Date(Date.UTC(2026, 11, 7, 12, minute)).toISOString(),
          },
        ],
        { store, threshold: 2, log: logs.log, onChange: () => dispatcher.kick() },
      );
    }
    await dispatcher.kick();
    await dispatcher.idle();
  }

  it("equal to the history the chat was shown: no alert", async () => {
    await store.subscribe("1", CHATAPP_CN);
    await confirm(CHATAPP_CN, "blocked");
    expect((await store.getStatus(CHATAPP_CN))?.status).toBe("blocked");
    expect(server.sends).toEqual([]);
    expect(await store.pendingChanges()).toEqual([]);
  });

  it("with no history at all: no alert, nothing was known to differ from", async () => {
    await store.subscribe("1", SAFECHAT_CN);
    await confirm(SAFECHAT_CN, "accessible");
    expect(server.sends).toEqual([]);
  });

  it("different from the history: one alert, naming the history it replaced", async () => {
    await store.subscribe("1", CHATAPP_CN);
    await confirm(CHATAPP_CN, "accessible");
    expect(server.sends).toHaveLength(1);
    expect(server.sends[0]?.text.split("\n").slice(0, 2)).toEqual([
      "✅ <b>ChatApp in China is now accessible</b> (since 7 December 2026 12:00 UTC)",
      'Before: blocked, the last known status since 25 September 2017 from a dated report (<a href="https://example.org/b">source</a>).',
    ]);
  });
});
