import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_STORE_URL, loadConfig } from "../../core/config.js";

const TOKEN = "123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0";

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.variable);
    throw error;
  }
  return [];
}

describe("loadConfig", () => {
  it("has working defaults with an empty environment", () => {
    expect(loadConfig({})).toEqual({
      botToken: undefined,
      telegramApiRoot: undefined,
      webhookUrl: undefined,
      webhookSecret: undefined,
      storeUrl: DEFAULT_STORE_URL,
      defaultCountry: "CN",
      probeSchedule: "*/10 * * * *",
      webPort: 8080,
      logLevel: "info",
    });
  });

  it("reads every variable", () => {
    const config = loadConfig({
      BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: "http://127.0.0.1:9000",
      WEBHOOK_URL: "https://bot.example.org/hook",
      WEBHOOK_SECRET: "s3cret-value",
      STORE_URL: "redis://127.0.0.1:6379",
      DEFAULT_COUNTRY: "ir",
      PROBE_SCHEDULE: "off",
      WEB_PORT: "9090",
      LOG_LEVEL: "debug",
    });
    expect(config).toMatchObject({
      defaultCountry: "IR",
      webPort: 9090,
      probeSchedule: "off",
      logLevel: "debug",
    });
  });

  it.each([
    [{ STORE_URL: "postgres://x" }, "STORE_URL"],
    [{ STORE_URL: "sqlite://" }, "STORE_URL"],
    [{ BOT_TOKEN: "not-a-token" }, "BOT_TOKEN"],
    [{ DEFAULT_COUNTRY: "China" }, "DEFAULT_COUNTRY"],
    [{ PROBE_SCHEDULE: "every minute" }, "PROBE_SCHEDULE"],
    [{ WEB_PORT: "70000" }, "WEB_PORT"],
    [{ WEB_PORT: "eighty" }, "WEB_PORT"],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL"],
    [{ WEBHOOK_URL: "http://insecure.example/hook", BOT_TOKEN: TOKEN }, "WEBHOOK_URL"],
    [{ WEBHOOK_URL: "https://bot.example.org/hook" }, "WEBHOOK_URL"],
    [{ TELEGRAM_API_ROOT: "ftp://x" }, "TELEGRAM_API_ROOT"],
  ])("rejects %j naming %s", (env, variable) => {
    expect(problems(env)).toEqual([variable]);
  });

  it("never puts a rejected secret's value into the error", () => {
    try {
      loadConfig({ BOT_TOKEN: "123:short-but-secret" });
      expect.unreachable();
    } catch (error) {
      expect(String((error as Error).message)).not.toContain("short-but-secret");
    }
  });
});
