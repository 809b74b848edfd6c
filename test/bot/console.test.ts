import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runConsoleChat } from "../../bot/console.js";
import type { Store } from "../../model/store.js";
import { openStore } from "../../store/open.js";
import { realKb } from "../helpers.js";
import { decodePng } from "../support/png.js";

// The console chat as a person uses it, through its own streams: one line in, the bot's reply out, in
// the language of the question, with the commands that make sense without Telegram.

const kb = realKb();

describe("the console chat", () => {
  let store: Store;
  let chartDir: string;
  beforeEach(async () => {
    store = await openStore("memory:");
    chartDir = join(mkdtempSync(join(tmpdir(), "isblocked-console-")), "data");
  });
  afterEach(async () => {
    await store.close();
  });

  /** The intro line, then the replies to `lines`, one string each (the console writes each in one piece). */
  async function chat(lines: string[]): Promise<string[]> {
    const input = new PassThrough();
    const output = new PassThrough();
    const chunks: string[] = [];
    output.on("data", (chunk) => {
      chunks.push(String(chunk));
    });
    const done = runConsoleChat({
      input,
      output,
      lang: "en",
      context: { kb, store, defaultCountry: "CN", now: () => Date.parse("2026-12-01T12:00:00Z") },
      chartDir,
      onError: (error) => {
        throw error;
      },
    });
    input.end(`${lines.join("\n")}\n`);
    expect(await done).toBe("eof");
    return chunks.map((chunk) => chunk.trimEnd());
  }

  it.each([
    ["微信在中国被封了吗", /^微信在中国/],
    ["微信在中國被封鎖了嗎", /^微信在中國/],
    ["заблокирован ли ватсап в китае", /^WhatsApp.*Кита/],
    ["آیا واتساپ در چین مسدود است", /واتس\u200c?اپ.*چین/],
    ["is whatsapp blocked in china", /^WhatsApp in China/],
  ])("answers %s in the language it is written in", async (question, title) => {
    const [, answer] = await chat([question]);
    expect(answer?.split("\n")[0]?.replace(/^\S+\s/, "")).toMatch(title);
  });

  it("keeps the language /lang chose, and goes back to each question's own with /lang auto", async () => {
    const replies = await chat([
      "/lang ru",
      "is whatsapp blocked in china",
      "/lang auto",
      "is whatsapp blocked in china",
    ]);
    expect(replies[2]?.split("\n")[0]).toMatch(/WhatsApp.*Кита/);
    expect(replies[4]?.split("\n")[0]).toMatch(/WhatsApp in China/);
  });

  it("sets the session's country with /country", async () => {
    const replies = await chat(["/country iran", "is telegram blocked"]);
    expect(replies[1]).toMatch(/^Default country.*Iran\.$/);
    expect(replies[2]?.split("\n")[0]).toMatch(/Telegram in Iran/);
  });

  it("prints /history and writes the 30-day chart to a PNG it names", async () => {
    const replies = await chat(["/history whatsapp cn"]);
    const path = join(chartDir, "history-whatsapp-CN.png");
    // The events, then the line naming the chart's file.
    expect(replies[1]).toMatch(/^📜 WhatsApp in China: history\n/);
    expect(replies[1]).toContain("September 2017");
    expect(replies[1]?.split("\n").at(-1)).toBe(`The 30-day chart is in ${path}`);
    expect(decodePng(readFileSync(path)).width).toBeGreaterThan(0);
  });

  it("says plainly which commands need Telegram", async () => {
    const replies = await chat(["/subscribe whatsapp cn", "/report whatsapp"]);
    expect(replies[1]).toBe(
      "/subscribe needs Telegram: alerts and chat settings belong to a Telegram chat. Set BOT_TOKEN to run the bot there.",
    );
    expect(replies[2]).toMatch(/^\/report needs Telegram/);
  });
});
