import cron from "node-cron";
import { z } from "zod";
import { LOG_LEVELS, type LogLevel } from "./log.js";

// Configuration is data validated once at start-up; a bad value stops start-up with a message that names
// the variable, never a stack trace and never the secret's value.

export interface Config {
  botToken: string | undefined;
  telegramApiRoot: string | undefined;
  webhookUrl: string | undefined;
  webhookSecret: string | undefined;
  storeUrl: string;
  defaultCountry: string;
  /** A cron expression, or `off`. */
  probeSchedule: string;
  webPort: number;
  logLevel: LogLevel;
}

export const DEFAULT_STORE_URL = "sqlite://./data/isblocked.sqlite";

export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(
    readonly problems: { variable: string; message: string }[],
    options?: ErrorOptions,
  ) {
    super(problems.map((p) => `${p.variable}: ${p.message}`).join("\n"), options);
  }
}

const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" });

const env = z.object({
  BOT_TOKEN: z
    .string()
    .regex(
      /^\d{5,}:[A-Za-z0-9_-]{30,}$/,
      "is not a Telegram bot token (digits, a colon, then 30+ characters)",
    )
    .optional(),
  TELEGRAM_API_ROOT: httpUrl.optional(),
  WEBHOOK_URL: z.url({ protocol: /^https$/, error: "must be an https:// URL" }).optional(),
  WEBHOOK_SECRET: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,256}$/, "must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
    .optional(),
  STORE_URL: z
    .string()
    .default(DEFAULT_STORE_URL)
    .refine((v) => /^(memory:|sqlite:\/\/.+|redis:\/\/.+)$/.test(v), {
      message: "must be memory:, sqlite://PATH or redis://HOST:PORT",
    }),
  DEFAULT_COUNTRY: z
    .string()
    .default("CN")
    .transform((v) => v.toUpperCase())
    .refine((v) => /^[A-Z]{2}$/.test(v), { message: "must be an ISO 3166-1 alpha-2 code such as CN" }),
  PROBE_SCHEDULE: z
    .string()
    .default("*/10 * * * *")
    .refine((v) => v === "off" || cron.validate(v), { message: "must be a cron expression or off" }),
  WEB_PORT: z.coerce
    .number({ error: "must be a port number" })
    .int("must be a whole number")
    .min(0, "must be 0-65535")
    .max(65535, "must be 0-65535")
    .default(8080),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
});

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (`STORE_URL= npm start`) means unset, as in most shells' idiom.
  const present = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== undefined && v.trim() !== ""),
  );
  const parsed = env.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({ variable: String(issue.path[0]), message: issue.message })),
    );
  }
  const e = parsed.data;
  if (e.WEBHOOK_URL && !e.BOT_TOKEN) {
    throw new ConfigError([{ variable: "WEBHOOK_URL", message: "is set but BOT_TOKEN is not" }]);
  }
  return {
    botToken: e.BOT_TOKEN,
    telegramApiRoot: e.TELEGRAM_API_ROOT,
    webhookUrl: e.WEBHOOK_URL,
    webhookSecret: e.WEBHOOK_SECRET,
    storeUrl: e.STORE_URL,
    defaultCountry: e.DEFAULT_COUNTRY,
    probeSchedule: e.PROBE_SCHEDULE,
    webPort: e.WEB_PORT,
    logLevel: e.LOG_LEVEL,
  };
}

/** Everything that must be redacted from logs. */
export function secretsOf(config: Config): string[] {
  return [config.botToken, config.webhookSecret].filter((s): s is string => typeof s === "string");
}
