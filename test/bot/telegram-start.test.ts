import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { type BotApiServer, startBotApiServer } from "../support/bot-api-server.js";

const bin = fileURLToPath(new URL("../../bin/isblocked.js", import.meta.url));
const TOKEN = "123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0";

const message = (updateId: number, text: string, languageCode = "en") => ({
  update_id: updateId,
  message: {
    message_id: updateId,
    date: 1_700_000_000,
    chat: { id: 42, type: "private", first_name: "Lin" },
    from: { id: 42, is_bot: false, first_name: "Lin", language_code: languageCode },
    text,
    ...(text.startsWith("/")
      ? { entities: [{ type: "bot_command", offset: 0, length: text.split(" ")[0]?.length ?? 0 }] }
      : {}),
  },
});

describe("isblocked start with BOT_TOKEN", () => {
  let api: BotApiServer | undefined;
  let child: ChildProcess | undefined;
  let logs = "";

  afterEach(async () => {
    child?.kill("SIGTERM");
    await api?.close();
  });

  it("polls the Bot API at TELEGRAM_API_ROOT and answers /start and a question in the user's language", async () => {
    api = await startBotApiServer(TOKEN);
    api.queueUpdate(message(1, "/start"));
    api.queueUpdate(message(2, "微信在中国被封了吗", "zh-hans"));
    child = spawn(process.execPath, [bin, "start"], {
      cwd: mkdtempSync(join(tmpdir(), "isblocked-tg-")),
      env: {
        PATH: process.env.PATH ?? "",
        OONI_API_URL: "off",
        STORE_URL: "memory:",
        PROBE_SCHEDULE: "off",
        WEB_PORT: "0",
        LOG_LEVEL: "debug",
        BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: api.apiRoot,
      },
    });
    child.stderr?.on("data", (d) => {
      logs += d;
    });

    const deadline = Date.now() + 15_000;
    while (api.calls.filter((c) => c.method === "sendMessage").length < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const sent = api.calls.filter((c) => c.method === "sendMessage");
    expect(sent).toHaveLength(2);
    expect(sent[0]?.payload).toMatchObject({ chat_id: 42, parse_mode: "HTML" });
    expect(String(sent[0]?.payload.text)).toMatch(/^Hello! Ask me whether a service is blocked/);
    expect(String(sent[1]?.payload.text)).toMatch(/^.*微信.*中国/);
    expect(logs).toContain("telegram bot connected");
    expect(logs).not.toContain(TOKEN.split(":")[1]);

    const exited = new Promise<number | null>((resolve) => child?.on("exit", resolve));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});
