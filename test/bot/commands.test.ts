import { Telegram } from "telegraf";
import { afterEach, describe, expect, it } from "vitest";
import { COMMANDS, commandMenu, parseCommand } from "../../bot/commands.js";
import { registerCommands } from "../../bot/telegram.js";
import { LANGS } from "../../kb/schema.js";
import { type BotApiServer, startBotApiServer } from "../support/bot-api-server.js";
import { TOKEN } from "./support/harness.js";

describe("parseCommand", () => {
  it("reads a command of this bot with its arguments", () => {
    expect(parseCommand("/status whatsapp cn", "isblocked_bot")).toEqual({
      name: "status",
      args: "whatsapp cn",
    });
    expect(parseCommand("/Status@IsBlocked_Bot  whatsapp\n", "isblocked_bot")).toEqual({
      name: "status",
      args: "whatsapp",
    });
    expect(parseCommand("/list", undefined)).toEqual({ name: "list", args: "" });
  });

  it("ignores other bots' commands, unknown commands and text that only looks like one", () => {
    expect(parseCommand("/status@other_bot whatsapp", "isblocked_bot")).toBeUndefined();
    expect(parseCommand("/weather tehran", "isblocked_bot")).toBeUndefined();
    expect(parseCommand("/statusx", "isblocked_bot")).toBeUndefined();
    expect(parseCommand("is /status blocked", "isblocked_bot")).toBeUndefined();
  });
});

describe("command menus", () => {
  it("describes every command in every language, within Telegram's limits", () => {
    for (const lang of LANGS) {
      const menu = commandMenu(lang, "private");
      expect(menu).toHaveLength(COMMANDS.length);
      for (const { command, description } of menu) {
        expect(command).toMatch(/^[a-z0-9_]{1,32}$/);
        expect(description.length).toBeGreaterThanOrEqual(1);
        expect(description.length).toBeLessThanOrEqual(256);
      }
    }
  });

  it("leaves the channel commands out of group menus", () => {
    expect(commandMenu("en", "groups").map((c) => c.command)).not.toContain("subscribe_channel");
    expect(commandMenu("en", "private").map((c) => c.command)).toContain("subscribe_channel");
  });
});

describe("registerCommands", () => {
  let api: BotApiServer | undefined;
  afterEach(async () => api?.close());

  it("sets the menus for the default, en, zh, ru and fa, in groups and in private chats", async () => {
    api = await startBotApiServer(TOKEN);
    await registerCommands(new Telegram(TOKEN, { apiRoot: api.apiRoot }));
    const calls = api.calls.filter((c) => c.method === "setMyCommands");
    expect(
      calls.map((c) => [c.payload.language_code ?? "", (c.payload.scope as { type?: string })?.type ?? ""]),
    ).toEqual([
      ["", ""],
      ["", "all_private_chats"],
      ["en", ""],
      ["en", "all_private_chats"],
      ["zh", ""],
      ["zh", "all_private_chats"],
      ["ru", ""],
      ["ru", "all_private_chats"],
      ["fa", ""],
      ["fa", "all_private_chats"],
    ]);
    const russian = calls[6]?.payload.commands as { command: string; description: string }[];
    expect(russian[0]).toEqual({
      command: "status",
      description: "Заблокирован ли сервис? С доказательствами",
    });
    const chinese = calls[4]?.payload.commands as { command: string; description: string }[];
    expect(chinese[0]?.description).toBe("某个服务是否被封锁？附证据");
  });
});
