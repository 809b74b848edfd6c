import { createHmac } from "node:crypto";
import cron from "node-cron";
import { z } from "zod";
import { IsblockedError } from "./errors.js";
import { LOG_LEVELS, type LogLevel } from "./log.js";

// Configuration is data validated once at start-up; a bad value stops start-up with a message that names
// the variable, never a stack trace and never the secret's value.

export interface Config {
  botToken: string | undefined;
  telegramApiRoot: string | undefined;
  webhookUrl: string | undefined;
  webhookSecret: string | undefined;
  storeUrl: string;
  /** Prefix of every store key: replicas of one deployment share it, other deployments (or test runs) do not. */
  storeNamespace: string | undefined;
  defaultCountry: string;
  /**
   * The country this host is in, as whoever runs it vouches: only then is it a probe vantage of that
   * country. Unset (the default): it claims no country and measures as a control at most.
   */
  hostCountry: string | undefined;
  /** A cron expression, or `off`. */
  probeSchedule: string;
  /** Consecutive consistent cycles that confirm a status change (docs/design.md rule 6). */
  statusThreshold: number;
  /** Where probes run from; this host alone (a control, or a probe of HOST_COUNTRY) when unset. */
  vantagesFile: string | undefined;
  /** Knowledge-base ids the scheduled cycles probe; every service when unset. */
  probeServices: string[] | undefined;
  webPort: number;
  logLevel: LogLevel;
  /** Alerts per second over all chats (Telegram's broadcast limit; up to 1000 with paid broadcast). */
  alertRateGlobal: number;
  /** Alerts per second to one chat. */
  alertRatePrivate: number;
  /** Alerts per minute to one group or channel. */
  alertRateGroup: number;
  /** Send alerts with allow_paid_broadcast (Telegram Stars pay for more than 30 messages a second). */
  alertPaidBroadcast: boolean;
  /** UTC hour at which daily digests go out. */
  digestHour: number;
  /** OONI's API (ooni/README.md); undefined when OONI_API_URL is `off`. */
  ooniApiUrl: string | undefined;
  /** How long an OONI summary is reused before OONI is asked again. */
  ooniCacheMs: number;
  /** The OONI cycle's cron expression (ooni/README.md, "The feed"), or `off`. */
  ooniSchedule: string;
  /** Countries the OONI cycle watches; the knowledge base's default (ooni/plan.ts) when unset. */
  ooniCountries: string[] | undefined;
  /** Requests one OONI cycle may make, listings included. */
  ooniBudget: number;
  /** Requests a minute the OONI cycle sends at most: its budget spread over the hour, not a burst. */
  ooniRatePerMinute: number;
  /** The registered remote agents (pipeline/agents.ts); no ingest endpoint when unset. */
  agentsFile: string | undefined;
}

export const DEFAULT_STORE_URL = "sqlite://./data/isblocked.sqlite";
/**
 * A shorter WEBHOOK_SECRET is refused: anyone who can guess it can forge updates, and the log redaction
 * would have to hide every occurrence of a few ordinary letters.
 */
export const MIN_WEBHOOK_SECRET_LENGTH = 16;
export const DEFAULT_OONI_API_URL = "https://api.ooni.io";
/** Hourly, at minute 17: away from the top of the hour, when every other cron job calls OONI. */
export const DEFAULT_OONI_SCHEDULE = "17 * * * *";
/**
 * Requests per OONI cycle, and how fast they go: 1,500 at 30 a minute is fifty minutes of each hour,
 * enough to list each watched country's tests and read one measurement of every watched pair (23
 * countries × 48 services by default: 1,219 requests), so the board fills in one cycle. OONI meters each
 * address by the server time its requests cost (ooni/backend's rate-limit quotas: about 4,000 s a day); a
 * stored measurement costs little, a listing more. An operator who shares an address, or sees 429s in
 * the log, lowers OONI_BUDGET (ooni/README.md).
 */
export const DEFAULT_OONI_BUDGET = 1_500;
export const DEFAULT_OONI_RATE = 30;

/** A bad configuration: each problem names its variable (`where`). */
export class ConfigError extends IsblockedError {
  override name = "ConfigError";
  constructor(problems: { variable: string; message: string }[], options?: ErrorOptions) {
    super("invalid configuration", {
      ...options,
      problems: problems.map((p) => ({ where: p.variable, message: p.message })),
    });
  }
}

/** Telegram's free broadcast limit, and the limit with allow_paid_broadcast. */
export const FREE_BROADCAST_RATE = 30;
export const MAX_PAID_BROADCAST_RATE = 1000;

const ON_OFF = ["on", "off", "true", "false", "1", "0"];

function wholeNumber(unit: string, min: number, max: number) {
  const range = `must be ${min}-${max}`;
  return z.coerce
    .number({ error: `must be a number (${unit})` })
    .int("must be a whole number")
    .min(min, range)
    .max(max, range);
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
  WEBHOOK_URL: z
    .url({ protocol: /^https$/, error: "must be an https:// URL" })
    // The webhook takes every request to its path ahead of the site (web/server.ts, mountNode): at the
    // root it would hide the status board.
    .refine((url) => new URL(url).pathname !== "/", {
      error: "needs a path of its own (e.g. https://bot.example.org/tg/hook): the status board serves /",
    })
    .optional(),
  WEBHOOK_SECRET: z
    .string()
    .regex(
      new RegExp(`^[A-Za-z0-9_-]{${MIN_WEBHOOK_SECRET_LENGTH},256}$`),
      `must be ${MIN_WEBHOOK_SECRET_LENGTH}-256 characters of A-Z, a-z, 0-9, _ and -`,
    )
    .optional(),
  STORE_URL: z
    .string()
    .default(DEFAULT_STORE_URL)
    .refine((v) => /^(memory:|sqlite:\/\/.+|redis:\/\/.+)$/.test(v), {
      message: "must be memory:, sqlite://PATH or redis://HOST:PORT",
    }),
  STORE_NAMESPACE: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,100}$/, "must be 1-100 characters of A-Z, a-z, 0-9, _ . and -")
    .optional(),
  DEFAULT_COUNTRY: z
    .string()
    .default("CN")
    .transform((v) => v.toUpperCase())
    .refine((v) => /^[A-Z]{2}$/.test(v), { message: "must be an ISO 3166-1 alpha-2 code such as CN" }),
  HOST_COUNTRY: z
    .string()
    .transform((v) => v.toUpperCase())
    .refine((v) => /^[A-Z]{2}$/.test(v), { message: "must be an ISO 3166-1 alpha-2 code such as CN" })
    .optional(),
  PROBE_SCHEDULE: z
    .string()
    .default("*/10 * * * *")
    .refine((v) => v === "off" || cron.validate(v), { message: "must be a cron expression or off" }),
  STATUS_THRESHOLD: z.coerce
    .number({ error: "must be a number of cycles" })
    .int("must be a whole number")
    .min(1, "must be 1-10")
    .max(10, "must be 1-10")
    .default(2),
  WEB_PORT: z.coerce
    .number({ error: "must be a port number" })
    .int("must be a whole number")
    .min(0, "must be 0-65535")
    .max(65535, "must be 0-65535")
    .default(8080),
  VANTAGES_FILE: z.string().optional(),
  PROBE_SERVICES: z
    .string()
    .regex(/^[a-z0-9-]+(,[a-z0-9-]+)*$/, "must be knowledge-base service ids separated by commas")
    .optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
  // Alert delivery rates (bot/alerts/send-pacer.ts): Telegram's documented limits are the defaults.
  ALERT_RATE_GLOBAL: wholeNumber("messages a second", 1, MAX_PAID_BROADCAST_RATE).optional(),
  ALERT_RATE_PRIVATE: wholeNumber("messages a second", 1, 30).default(1),
  ALERT_RATE_GROUP: wholeNumber("messages a minute", 1, 20).default(20),
  ALERT_PAID_BROADCAST: z
    .string()
    .default("off")
    .transform((v) => v.toLowerCase())
    .refine((v) => ON_OFF.includes(v), { message: "must be on or off" })
    .transform((v) => v === "on" || v === "true" || v === "1"),
  DIGEST_HOUR: wholeNumber("UTC hour", 0, 23).default(8),
  // OONI as a source (ooni/): its public API, or `off` (tests, or a bot that must not call out).
  OONI_API_URL: z
    .string()
    .default(DEFAULT_OONI_API_URL)
    .refine((v) => v === "off" || httpUrl.safeParse(v).success, {
      message: "must be an http:// or https:// URL, or off",
    }),
  OONI_CACHE_MINUTES: wholeNumber("minutes", 1, 1440).default(60),
  // OONI as a vantage (ooni/feed.ts): an hourly cycle, at a minute of its own rather than on the hour.
  OONI_SCHEDULE: z
    .string()
    .default(DEFAULT_OONI_SCHEDULE)
    .refine((v) => v === "off" || cron.validate(v), { message: "must be a cron expression or off" }),
  OONI_COUNTRIES: z
    .string()
    .transform((v) => v.toUpperCase().replace(/\s+/g, ""))
    .refine((v) => /^[A-Z]{2}(,[A-Z]{2})*$/.test(v), {
      message: "must be ISO 3166-1 alpha-2 codes separated by commas, such as CN,IR,RU",
    })
    .optional(),
  OONI_BUDGET: wholeNumber("requests", 1, 100_000).default(DEFAULT_OONI_BUDGET),
  OONI_RATE: wholeNumber("requests a minute", 1, 6_000).default(DEFAULT_OONI_RATE),
  AGENTS_FILE: z.string().optional(),
});

/** The variables `isblocked agent` reads as `start` does (ingest/agent-config.ts adds its own). */
export const sharedAgentEnv = env.pick({
  PROBE_SCHEDULE: true,
  VANTAGES_FILE: true,
  LOG_LEVEL: true,
});

/** Parses the environment with `schema`; a bad value is a ConfigError naming each variable at fault. */
export function parseEnv<S extends z.ZodType>(schema: S, source: NodeJS.ProcessEnv): z.output<S> {
  // An empty variable (`STORE_URL= npm start`) means unset, as in most shells' idiom.
  const present = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== undefined && v.trim() !== ""),
  );
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({ variable: String(issue.path[0]), message: issue.message })),
    );
  }
  return parsed.data;
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const e = parseEnv(env, source);
  if (e.WEBHOOK_URL && !e.BOT_TOKEN) {
    throw new ConfigError([{ variable: "WEBHOOK_URL", message: "is set but BOT_TOKEN is not" }]);
  }
  // Beyond 30 a second Telegram answers 429 unless each message pays (allow_paid_broadcast).
  if (!e.ALERT_PAID_BROADCAST && (e.ALERT_RATE_GLOBAL ?? 0) > FREE_BROADCAST_RATE) {
    throw new ConfigError([
      {
        variable: "ALERT_RATE_GLOBAL",
        message: `must be 1-${FREE_BROADCAST_RATE} unless ALERT_PAID_BROADCAST is on (then up to ${MAX_PAID_BROADCAST_RATE})`,
      },
    ]);
  }
  return {
    botToken: e.BOT_TOKEN,
    telegramApiRoot: e.TELEGRAM_API_ROOT,
    webhookUrl: e.WEBHOOK_URL,
    webhookSecret:
      e.WEBHOOK_SECRET ?? (e.WEBHOOK_URL && e.BOT_TOKEN ? webhookSecretOf(e.BOT_TOKEN) : undefined),
    storeUrl: e.STORE_URL,
    storeNamespace: e.STORE_NAMESPACE,
    defaultCountry: e.DEFAULT_COUNTRY,
    hostCountry: e.HOST_COUNTRY,
    probeSchedule: e.PROBE_SCHEDULE,
    statusThreshold: e.STATUS_THRESHOLD,
    vantagesFile: e.VANTAGES_FILE,
    probeServices: e.PROBE_SERVICES?.split(","),
    webPort: e.WEB_PORT,
    logLevel: e.LOG_LEVEL,
    alertRateGlobal:
      e.ALERT_RATE_GLOBAL ?? (e.ALERT_PAID_BROADCAST ? MAX_PAID_BROADCAST_RATE : FREE_BROADCAST_RATE),
    alertRatePrivate: e.ALERT_RATE_PRIVATE,
    alertRateGroup: e.ALERT_RATE_GROUP,
    alertPaidBroadcast: e.ALERT_PAID_BROADCAST,
    digestHour: e.DIGEST_HOUR,
    ooniApiUrl: e.OONI_API_URL === "off" ? undefined : e.OONI_API_URL,
    ooniCacheMs: e.OONI_CACHE_MINUTES * 60_000,
    ooniSchedule: e.OONI_API_URL === "off" ? "off" : e.OONI_SCHEDULE,
    ooniCountries: e.OONI_COUNTRIES?.split(","),
    ooniBudget: e.OONI_BUDGET,
    ooniRatePerMinute: e.OONI_RATE,
    agentsFile: e.AGENTS_FILE,
  };
}

/**
 * The webhook secret when WEBHOOK_SECRET is unset: an HMAC of the bot token, 43 characters of the alphabet
 * Telegram allows. Derived rather than random, so that replicas behind one webhook URL and a restarted
 * process register the same secret (a random one per process would make Telegram refuse all but the
 * last replica to start); it is no weaker than the token, which alone can already reset the webhook.
 */
export function webhookSecretOf(botToken: string): string {
  return createHmac("sha256", botToken).update("isblocked webhook secret").digest("base64url");
}

/**
 * Everything that must be redacted from logs. `loaded`: secrets read after the config, from files it
 * names: the agents' keys (pipeline/agents.ts).
 */
export function secretsOf(config: Config, loaded: readonly string[] = []): string[] {
  return [config.botToken, config.webhookSecret, storePassword(config.storeUrl), ...loaded].filter(
    (s): s is string => typeof s === "string",
  );
}

/** The password in a redis:// STORE_URL, as written and decoded: either could reach a log line. */
function storePassword(url: string): string | undefined {
  if (!url.startsWith("redis://")) return undefined;
  try {
    const password = new URL(url).password;
    return password === "" ? undefined : decodeURIComponent(password);
  } catch {
    return undefined;
  }
}
