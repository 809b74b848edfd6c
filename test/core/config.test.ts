import { describe, expect, it } from "vitest";
import {
  ConfigError,
  DEFAULT_STORE_URL,
  loadConfig,
  MIN_WEBHOOK_SECRET_LENGTH,
  secretsOf,
  webhookSecretOf,
} from "../../core/config.js";

const TOKEN = "123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0";

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.where);
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
      statusThreshold: 2,
      vantagesFile: undefined,
      webPort: 8080,
      logLevel: "info",
      alertRateGlobal: 30,
      alertRatePrivate: 1,
      alertRateGroup: 20,
      alertPaidBroadcast: false,
      digestHour: 8,
      ooniApiUrl: "https://api.ooni.io",
      ooniCacheMs: 3_600_000,
      ooniSchedule: "17 * * * *",
      ooniCountries: undefined,
      ooniBudget: 1_500,
      ooniRatePerMinute: 30,
    });
  });

  it("reads every variable", () => {
    const config = loadConfig({
      BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: "http://127.0.0.1:9000",
      WEBHOOK_URL: "https://bot.example.org/hook",
      WEBHOOK_SECRET: "s3cret-value_Kq7Zt2",
      STORE_URL: "redis://127.0.0.1:6379",
      DEFAULT_COUNTRY: "ir",
      PROBE_SCHEDULE: "off",
      STATUS_THRESHOLD: "3",
      VANTAGES_FILE: "vantages.yaml",
      WEB_PORT: "9090",
      LOG_LEVEL: "debug",
      OONI_SCHEDULE: "*/30 * * * *",
      OONI_COUNTRIES: "cn, ir,ru",
      OONI_BUDGET: "200",
      OONI_RATE: "60",
    });
    expect(config).toMatchObject({
      ooniSchedule: "*/30 * * * *",
      ooniCountries: ["CN", "IR", "RU"],
      ooniBudget: 200,
      ooniRatePerMinute: 60,
      defaultCountry: "IR",
      webPort: 9090,
      probeSchedule: "off",
      statusThreshold: 3,
      vantagesFile: "vantages.yaml",
      logLevel: "debug",
    });
  });

  it.each([
    [{ STORE_URL: "postgres://x" }, "STORE_URL"],
    [{ STORE_URL: "sqlite://" }, "STORE_URL"],
    [{ BOT_TOKEN: "not-a-token" }, "BOT_TOKEN"],
    [{ DEFAULT_COUNTRY: "China" }, "DEFAULT_COUNTRY"],
    [{ PROBE_SCHEDULE: "every minute" }, "PROBE_SCHEDULE"],
    [{ STATUS_THRESHOLD: "0" }, "STATUS_THRESHOLD"],
    [{ STATUS_THRESHOLD: "11" }, "STATUS_THRESHOLD"],
    [{ STATUS_THRESHOLD: "1.5" }, "STATUS_THRESHOLD"],
    [{ STATUS_THRESHOLD: "twice" }, "STATUS_THRESHOLD"],
    [{ WEB_PORT: "70000" }, "WEB_PORT"],
    [{ WEB_PORT: "eighty" }, "WEB_PORT"],
    [{ LOG_LEVEL: "loud" }, "LOG_LEVEL"],
    [{ OONI_SCHEDULE: "hourly" }, "OONI_SCHEDULE"],
    [{ OONI_COUNTRIES: "China" }, "OONI_COUNTRIES"],
    [{ OONI_BUDGET: "0" }, "OONI_BUDGET"],
    [{ OONI_RATE: "lots" }, "OONI_RATE"],
    [{ WEBHOOK_URL: "http://insecure.example/hook", BOT_TOKEN: TOKEN }, "WEBHOOK_URL"],
    [{ WEBHOOK_URL: "https://bot.example.org/hook" }, "WEBHOOK_URL"],
    [{ WEBHOOK_URL: "https://bot.example.org/", BOT_TOKEN: TOKEN }, "WEBHOOK_URL"],
    [{ WEBHOOK_SECRET: "abc" }, "WEBHOOK_SECRET"],
    [{ WEBHOOK_SECRET: "x".repeat(MIN_WEBHOOK_SECRET_LENGTH - 1) }, "WEBHOOK_SECRET"],
    [{ WEBHOOK_SECRET: `${"x".repeat(20)}!` }, "WEBHOOK_SECRET"],
    [{ TELEGRAM_API_ROOT: "ftp://x" }, "TELEGRAM_API_ROOT"],
    [{ ALERT_RATE_GLOBAL: "0" }, "ALERT_RATE_GLOBAL"],
    [{ ALERT_RATE_GLOBAL: "31" }, "ALERT_RATE_GLOBAL"],
    [{ ALERT_RATE_GLOBAL: "1001", ALERT_PAID_BROADCAST: "on" }, "ALERT_RATE_GLOBAL"],
    [{ ALERT_RATE_GLOBAL: "2.5" }, "ALERT_RATE_GLOBAL"],
    [{ ALERT_RATE_PRIVATE: "0" }, "ALERT_RATE_PRIVATE"],
    [{ ALERT_RATE_PRIVATE: "fast" }, "ALERT_RATE_PRIVATE"],
    [{ ALERT_RATE_GROUP: "21" }, "ALERT_RATE_GROUP"],
    [{ ALERT_PAID_BROADCAST: "maybe" }, "ALERT_PAID_BROADCAST"],
    [{ DIGEST_HOUR: "24" }, "DIGEST_HOUR"],
    [{ DIGEST_HOUR: "-1" }, "DIGEST_HOUR"],
    [{ DIGEST_HOUR: "8am" }, "DIGEST_HOUR"],
    [{ STORE_NAMESPACE: "bot:prod" }, "STORE_NAMESPACE"],
    [{ STORE_NAMESPACE: "x".repeat(101) }, "STORE_NAMESPACE"],
    [{ PROBE_SERVICES: "whatsapp, telegram" }, "PROBE_SERVICES"],
    [{ PROBE_SERVICES: "WhatsApp" }, "PROBE_SERVICES"],
    [{ PROBE_SERVICES: "whatsapp,,telegram" }, "PROBE_SERVICES"],
  ])("rejects %j naming %s", (env, variable) => {
    expect(problems(env)).toEqual([variable]);
  });

  it("reads the store namespace and the services to probe", () => {
    expect(loadConfig({ STORE_NAMESPACE: "bot-prod.2", PROBE_SERVICES: "whatsapp,bbc" })).toMatchObject({
      storeNamespace: "bot-prod.2",
      probeServices: ["whatsapp", "bbc"],
    });
  });

  it("reads the alert rates and the digest hour", () => {
    expect(
      loadConfig({
        ALERT_RATE_GLOBAL: "25",
        ALERT_RATE_PRIVATE: "2",
        ALERT_RATE_GROUP: "10",
        DIGEST_HOUR: "0",
      }),
    ).toMatchObject({
      alertRateGlobal: 25,
      alertRatePrivate: 2,
      alertRateGroup: 10,
      alertPaidBroadcast: false,
      digestHour: 0,
    });
  });

  it("raises the global alert rate to 1000 a second with paid broadcast, unless told otherwise", () => {
    expect(loadConfig({ ALERT_PAID_BROADCAST: "on" })).toMatchObject({
      alertPaidBroadcast: true,
      alertRateGlobal: 1000,
    });
    expect(loadConfig({ ALERT_PAID_BROADCAST: "ON", ALERT_RATE_GLOBAL: "300" })).toMatchObject({
      alertPaidBroadcast: true,
      alertRateGlobal: 300,
    });
    expect(loadConfig({ ALERT_PAID_BROADCAST: "off" }).alertPaidBroadcast).toBe(false);
  });

  it.each([
    ["BOT_TOKEN", "123:short-but-secret"],
    ["WEBHOOK_SECRET", "tiny-secret"],
  ])("never puts a rejected secret's value into the error (%s)", (variable, value) => {
    try {
      loadConfig({ [variable]: value });
      expect.unreachable();
    } catch (error) {
      expect(String((error as Error).message)).not.toContain(value);
    }
  });

  it("keeps a given webhook secret of 16 characters or more", () => {
    const secret = "x".repeat(MIN_WEBHOOK_SECRET_LENGTH);
    const config = loadConfig({
      BOT_TOKEN: TOKEN,
      WEBHOOK_URL: "https://bot.example.org/hook",
      WEBHOOK_SECRET: secret,
    });
    expect(config.webhookSecret).toBe(secret);
  });

  it("derives the webhook secret from the token when WEBHOOK_SECRET is unset, and redacts it", () => {
    const config = loadConfig({ BOT_TOKEN: TOKEN, WEBHOOK_URL: "https://bot.example.org/hook" });
    const secret = config.webhookSecret ?? "";
    // Telegram's alphabet and length for secret_token, and strong enough for the rule a given one meets.
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(secret).not.toContain(TOKEN.split(":")[1]);
    // Every replica and every restart registers the same one; another bot's differs.
    expect(loadConfig({ BOT_TOKEN: TOKEN, WEBHOOK_URL: "https://other.example.org/x" }).webhookSecret).toBe(
      secret,
    );
    expect(webhookSecretOf("987654321:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0")).not.toBe(secret);
    expect(secretsOf(config)).toContain(secret);
    // Polling needs none.
    expect(loadConfig({ BOT_TOKEN: TOKEN }).webhookSecret).toBeUndefined();
  });
});
