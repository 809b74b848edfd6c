import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  FASTPATH_DIR,
  haveExplorerApi,
  type MeasurementCatalog,
  OONI_RAW_DIR,
  type OoniApiServer,
  type RecordedMeasurement,
  recordedFromRaw,
  recordedMeasurement,
  redated,
  refiled,
  startOoniApiServer,
} from "../../lab/ooni-api-server.js";
import { openStore } from "../../store/open.js";
import { freePort, type StartedProcess, startProcess, waitFor } from "../bot/support/start-process.js";
import { type BotApiServer, startBotApiServer } from "../support/bot-api-server.js";

// `isblocked start` with no vantage of its own anywhere: OONI's public measurements are its vantages. A
// loopback OONI API serves REAL recorded measurements (../shared/data/ooni-raw, read in place), re-dated to
// the last hour; the process must turn them into measured statuses with their sources and networks, and a
// change in OONI's data into exactly one alert that names OONI.

const TOKEN = "123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0";
const SUBSCRIBER = 4242;
const haveData = haveExplorerApi && existsSync(FASTPATH_DIR);
if (!haveData) {
  console.warn(
    `OONI cycle tests skipped: ${OONI_RAW_DIR} is absent (the recorded measurements live in ../shared)`,
  );
}

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

/** What OONI's API holds; a test adds measurements between cycles. */
function mutableCatalog(records: RecordedMeasurement[]): MeasurementCatalog {
  return {
    candidates: () => records.map((r) => r.meta),
    find: (uid) => records.find((r) => r.uid === uid),
  };
}

interface StatusJson {
  service: string;
  status: string;
  basis: string;
  sources: { kind: string; vantages: string[]; networks: { asn: number; name: string }[] }[];
  networks: { asn: number; name: string; status: string }[];
  measuredAt: string | null;
  stale: boolean;
}

describe.skipIf(!haveData)("isblocked start, OONI as its only vantage", () => {
  let ooni: OoniApiServer | undefined;
  let telegram: BotApiServer | undefined;
  let started: StartedProcess | undefined;

  afterEach(async () => {
    await started?.terminate();
    await ooni?.close();
    await telegram?.close();
  });

  it("turns one cycle of OONI's measurements into statuses with sources and networks, and a change into one alert", async () => {
    // Real in-country measurements: Signal in Iran (DNS, AS43754), Facebook in Iran (DNS), Telegram and
    // Facebook Messenger in Russia (both working), each re-dated into the last hour.
    const records = [
      redated(recordedMeasurement("20210415084230.511612_IR_signal_ed269d082953bf2e"), minutesAgo(50)),
      redated(recordedFromRaw(join(FASTPATH_DIR, "web_connectivity_ir_fp.json")), minutesAgo(40)),
      redated(recordedMeasurement("20221109225810.435617_RU_telegram_ecbc73cacd8ea566"), minutesAgo(45)),
      redated(recordedMeasurement("01202003044cadd4e9b30806be0e72a6e05e161a"), minutesAgo(35)),
    ];
    ooni = await startOoniApiServer(mutableCatalog(records));
    telegram = await startBotApiServer(TOKEN);

    const dir = mkdtempSync(join(tmpdir(), "isblocked-ooni-"));
    const storeUrl = `sqlite://${join(dir, "isblocked.sqlite")}`;
    const store = await openStore(storeUrl);
    await store.subscribe(String(SUBSCRIBER), { service: "signal", country: "IR" });
    await store.close();

    const port = await freePort();
    started = startProcess(
      {
        STORE_URL: storeUrl,
        WEB_PORT: String(port),
        LOG_LEVEL: "debug",
        PROBE_SCHEDULE: "off",
        OONI_API_URL: ooni.url,
        OONI_COUNTRIES: "IR,RU",
        // A cycle every two seconds: the hour of a real deployment, shrunk for a test.
        OONI_SCHEDULE: "*/2 * * * * *",
        OONI_RATE: "6000",
        BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: telegram.apiRoot,
      },
      dir,
    );
    const statuses = async (country: string): Promise<StatusJson[]> => {
      const response = await fetch(`http://127.0.0.1:${port}/api/v1/status?country=${country}`);
      return ((await response.json()) as { statuses: StatusJson[] }).statuses;
    };
    const status = async (country: string, service: string) =>
      (await statuses(country)).find((s) => s.service === service);

    await waitFor("the first OONI cycle", () => started?.logs().includes('"msg":"OONI cycle done"') ?? false);
    const signal = await status("IR", "signal");
    expect(signal).toMatchObject({ status: "blocked", basis: "measurement", stale: false });
    expect(signal?.sources).toEqual([expect.objectContaining({ kind: "ooni", vantages: ["ooni:AS43754"] })]);
    expect(signal?.networks).toEqual([{ asn: 43754, name: expect.any(String), status: "blocked" }]);
    expect(signal?.networks[0]?.name).not.toBe("");
    expect(await status("IR", "facebook")).toMatchObject({ status: "blocked", basis: "measurement" });
    expect(await status("RU", "telegram")).toMatchObject({ status: "accessible", basis: "measurement" });
    expect((await status("RU", "telegram"))?.sources[0]?.kind).toBe("ooni");
    // Signal has been blocked in Iran since 2021 by the history answers showed: a first status equal to
    // it is news to no one.
    const sent = () =>
      telegram?.calls.filter(
        (c) => c.method === "sendMessage" && String(c.payload.chat_id) === String(SUBSCRIBER),
      ) ?? [];
    expect(sent()).toEqual([]);

    // OONI's recorded data holds no two measurements of one service in one country with different
    // verdicts, so the change is staged: a real Signal measurement that worked (Brazil, 2021) filed as a
    // newer one from the same Iranian network.
    records.push(
      refiled(
        redated(recordedMeasurement("20210414233242.034345_BR_signal_390dca674022005a"), minutesAgo(5)),
        {
          probe_cc: "IR",
          probe_asn: 43754,
          uid: true,
        },
      ),
    );
    await waitFor(
      "the change confirmed",
      async () => (await status("IR", "signal"))?.status === "accessible",
      30_000,
    );
    await waitFor("the alert", () => sent().length > 0);
    // Two more cycles: the same data confirms the same status, and no second alert goes out.
    const cyclesSoFar = started.logs().split('"msg":"OONI cycle done"').length;
    await waitFor(
      "two more cycles",
      () => (started?.logs().split('"msg":"OONI cycle done"').length ?? 0) >= cyclesSoFar + 2,
      20_000,
    );
    expect(sent()).toHaveLength(1);
    const text = String(sent()[0]?.payload.text);
    expect(text).toContain("Signal in Iran is now accessible");
    expect(text).toContain("Measured by OONI volunteers on 1 network");
    expect(text).toContain("AS43754");
    expect(started.logs()).not.toContain(TOKEN.split(":")[1]);
  }, 90_000);
});
