import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runConsoleChat } from "../../bot/console.js";
import { statusView } from "../../pipeline/status-view.js";
import { realKb } from "../helpers.js";
import { type RunningServer, startSeededServer } from "../web/seed.js";

// History is the baseline everywhere: on a fresh store, with nothing measured, the console (the bot's own
// answer, as plain text), the board, the service page and the API all give WhatsApp in China the knowledge
// base's last known status, dated and sourced, and none of them claims a measurement.

const kb = realKb();
// The baseline every surface must tell: the latest run of one status in the history, and where it starts.
const baseline = statusView(kb, { service: "whatsapp", country: "CN" }, undefined);
let running: RunningServer;

beforeAll(async () => {
  running = await startSeededServer(kb, []);
});
afterAll(async () => {
  await running?.close();
});

async function consoleAnswer(question: string): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = "";
  output.on("data", (d: Buffer) => {
    text += d.toString();
  });
  const done = runConsoleChat({
    input,
    output,
    lang: "en",
    context: { kb, store: running.store, defaultCountry: "CN" },
    chartDir: "data",
    onError: (error) => {
      throw error;
    },
  });
  input.end(`${question}\n`);
  await done;
  return text;
}

describe("a fresh store: every surface tells the same last known status", () => {
  it("console, board, service page and API agree on WhatsApp in China", async () => {
    expect(baseline).toMatchObject({ basis: "history", status: "blocked", since: "2017-09" });
    const source = baseline.event?.source ?? "";

    const chat = await consoleAnswer("is whatsapp blocked in china");
    expect(chat).toContain("⛔ WhatsApp in China");
    expect(chat).toContain("No fresh measurement; last known: blocked since");
    expect(chat).toContain(source);
    expect(chat).toContain("How we know: no fresh measurement from inside China");
    expect(chat).not.toMatch(/compared with|confidence/i);

    const api = (await (await fetch(`${running.base}/api/v1/status?country=CN&service=whatsapp`)).json()) as {
      statuses: { status: string; basis: string; since: string; checkedAt: string | null; source: string }[];
    };
    const [status] = api.statuses;
    expect(status).toMatchObject({ status: "blocked", basis: "history", checkedAt: null, source });

    const page = await (await fetch(`${running.base}/s/whatsapp/CN?lang=en`)).text();
    expect(page).toContain('<p class="status-line" data-basis="history">');
    expect(page).toContain('data-status="blocked"');
    expect(page).toContain(source);
    expect(page).not.toContain("Confidence");

    const board = await (await fetch(`${running.base}/?country=CN&lang=en`)).text();
    const row = /<tr data-service="whatsapp" data-basis="history">[\s\S]*?<\/tr>/.exec(board)?.[0] ?? "";
    expect(row).toContain('data-status="blocked"');
    expect(row).toContain("last known,");

    // The date each surface gives is the same one.
    expect(status?.since).toBe("2017-09");
    expect(row).toContain("last known, September 2017");
    expect(chat).toContain("blocked since September 2017");
    expect(page).toContain("Last known since September 2017");
  });
});
