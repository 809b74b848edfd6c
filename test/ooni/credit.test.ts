import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ask, askJson } from "../../bot/ask.js";
import { ooniCreditLines } from "../../bot/views/ooni-credit.js";
import { loadConfig } from "../../core/config.js";
import { createLogger } from "../../core/log.js";
import { loadKnowledgeBase } from "../../kb/load.js";
import {
  haveExplorerApi,
  loadRecordedMeasurements,
  type OoniApiServer,
  startOoniApiServer,
} from "../../lab/ooni-api-server.js";
import type { OoniSummary } from "../../model/ooni.js";
import type { ServiceStatus } from "../../model/status.js";
import { createOoniSource } from "../../ooni/source.js";
import { openStore } from "../../store/open.js";

const summary: OoniSummary = {
  source: "ooni",
  query: { country: "CN", service: "whatsapp" },
  measurements: 37,
  anomalies: 30,
  windowDays: 7,
  lastAt: "2026-11-20T14:02:11.000Z",
  status: "blocked",
  mechanism: "dns",
  features: [{ feature: "text", status: "blocked", mechanism: "dns" }],
  analysed: 10,
  fetchedAt: "2026-11-20T15:00:00.000Z",
};

describe("the OONI credit in an answer (pure)", () => {
  it("credits OONI with the count, the window, the newest time and our analyzer's reading", () => {
    expect(ooniCreditLines(summary, "en")).toEqual([
      "🔎 OONI: 37 measurements in the last 7 days, last at 20 November 2026 14:02 UTC",
      "Our analysis of the latest 10: blocked (DNS)",
    ]);
    expect(ooniCreditLines(summary, "ru")).toEqual([
      "🔎 OONI: 37 измерений за последние 7 дней, последнее 20 ноября 2026 г. 14:02 UTC",
      "Наш анализ последних измерений (10): блокировка (DNS)",
    ]);
    expect(ooniCreditLines({ ...summary, measurements: 1 }, "en")[0]).toBe(
      "🔎 OONI: 1 measurement in the last 7 days, last at 20 November 2026 14:02 UTC",
    );
  });

  it("says when OONI has nothing, could not be asked, or leaves it out when switched off", () => {
    expect(ooniCreditLines({ ...summary, measurements: 0, lastAt: null, analysed: 0 }, "zh-Hans")).toEqual([
      "🔎 OONI：过去 7 天内没有测量。",
    ]);
    expect(ooniCreditLines({ ...summary, analysed: 0 }, "en")).toHaveLength(1);
    expect(ooniCreditLines({ source: "ooni", unavailable: true, reason: "unreachable" }, "en")).toEqual([
      "🔎 OONI's public measurements could not be fetched just now.",
    ]);
    expect(ooniCreditLines({ source: "ooni", unavailable: true, reason: "disabled" }, "en")).toEqual([]);
    expect(ooniCreditLines(undefined, "en")).toEqual([]);
  });
});

describe("OONI in tests", () => {
  it("is off unless a test names its own server (the vitest setup), and off is valid config", () => {
    expect(process.env.OONI_API_URL).toBe("off");
    expect(loadConfig({ OONI_API_URL: "off" }).ooniApiUrl).toBeUndefined();
    expect(loadConfig({}).ooniApiUrl).toBe("https://api.ooni.io");
    expect(() => loadConfig({ OONI_API_URL: "ftp://x" })).toThrow(/OONI_API_URL/);
  });
});

describe.skipIf(!haveExplorerApi)("answers with OONI's replayed measurements", () => {
  const kb = loadKnowledgeBase();
  let server: OoniApiServer;
  beforeAll(async () => {
    server = await startOoniApiServer(loadRecordedMeasurements());
  });
  afterAll(async () => {
    await server.close();
  });

  async function askJapan(question: string, lang: "en" | "ru", measured?: ServiceStatus["status"]) {
    const store = await openStore("memory:");
    if (measured) await store.putStatus(measuredWhatsappJapan(measured));
    const ooni = createOoniSource({
      baseUrl: server.url,
      store,
      kb,
      log: createLogger({ level: "silent" }),
      now: () => Date.parse("2022-11-10T12:00:00Z"),
    });
    try {
      return await ask(question, lang, {
        kb,
        store,
        defaultCountry: "JP",
        ooni,
        now: () => Date.parse("2022-11-10T12:00:00Z"),
      });
    } finally {
      ooni.close();
      await store.close();
    }
  }

  it("credits OONI in a service answer without our own measurement, in English and Russian", async () => {
    const en = await askJapan("is whatsapp blocked", "en");
    expect(en.text).toContain(
      "\n🔎 OONI: 1 measurement in the last 7 days, last at 5 November 2022 22:39 UTC\nOur analysis of the latest 1: blocked (DNS)\n",
    );
    expect(askJson(en).ooni).toMatchObject({ measurements: 1, status: "blocked", mechanism: "dns" });
    const ru = await askJapan("ватсап", "ru");
    expect(ru.text).toContain(
      "\n🔎 OONI: 1 измерение за последние 7 дней, последнее 5 ноября 2022 г. 22:39 UTC\nНаш анализ последних измерений (1): блокировка (DNS)\n",
    );
  });

  it("asks OONI when our own probes measured but could not decide, and not when they did", async () => {
    const undecided = await askJapan("is whatsapp blocked", "en", "unknown");
    expect(askJson(undecided).ooni).toMatchObject({ measurements: 1, status: "blocked" });
    const decided = await askJapan("is whatsapp blocked", "en", "accessible");
    expect(askJson(decided).ooni).toBeNull();
    expect(decided.text).not.toContain("OONI:");
  });

  it("gives ooni: null in ask --json when no source is configured", async () => {
    const store = await openStore("memory:");
    const result = await ask("is whatsapp blocked", "en", { kb, store, defaultCountry: "JP" });
    await store.close();
    expect(askJson(result).ooni).toBeNull();
    expect(result.text).not.toContain("OONI:");
  });
});

/** What our own probes confirmed about WhatsApp in Japan, a few days before the replayed measurement. */
function measuredWhatsappJapan(status: ServiceStatus["status"]): ServiceStatus {
  return {
    service: "whatsapp",
    country: "JP",
    status,
    mechanism: null,
    since: "2022-11-01T00:00:00.000Z",
    checkedAt: "2022-11-10T11:50:00.000Z",
    features: [],
    regions: [],
    confidence: status === "unknown" ? 0 : 1,
  };
}
