// Structured logs: one JSON object per line on stderr, so stdout stays free for answers and --json.
// Secrets are redacted by value, wherever they appear (a token inside a URL in an error message too).

export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Values that must never be written: bot token, webhook secret, agent keys. */
  secrets?: readonly string[];
  write?: (line: string) => void;
  now?: () => Date;
}

const REDACTED = "[REDACTED]";
// A Telegram bot token has this shape even when it was not configured here (e.g. echoed in a URL).
const TOKEN_SHAPE = /(?<!\d)\d{5,}:[A-Za-z0-9_-]{30,}/g;

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  return out.replace(TOKEN_SHAPE, REDACTED);
}

function serializeError(error: Error, withStack: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { name: error.name, message: error.message };
  if (withStack && error.stack) out.stack = error.stack;
  if (error.cause instanceof Error) out.cause = serializeError(error.cause, withStack);
  else if (error.cause !== undefined) out.cause = String(error.cause);
  return out;
}

function toJson(fields: Record<string, unknown>, withStack: boolean): string {
  return JSON.stringify(fields, (_key, value: unknown) => {
    if (value instanceof Error) return serializeError(value, withStack);
    if (typeof value === "bigint") return value.toString();
    return value;
  });
}

export function createLogger(options: LoggerOptions = {}, base: Record<string, unknown> = {}): Logger {
  const level = options.level ?? "info";
  const secrets = options.secrets ?? [];
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const now = options.now ?? (() => new Date());

  const emit = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (rank[lvl] < rank[level]) return;
    // A stack trace is for whoever debugs: an expected failure (OONI unreachable, a warning) is one short
    // line, an error (a bug, a store gone) keeps its stack, and LOG_LEVEL=debug keeps every one.
    const withStack = lvl === "error" || level === "debug";
    const line = toJson({ time: now().toISOString(), level: lvl, msg, ...base, ...fields }, withStack);
    write(redact(line, secrets));
  };
  return {
    debug: (msg, fields) => emit("debug", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    error: (msg, fields) => emit("error", msg, fields),
    child: (fields) => createLogger(options, { ...base, ...fields }),
  };
}
