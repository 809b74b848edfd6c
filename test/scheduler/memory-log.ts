import { createLogger, type Logger } from "../../core/log.js";

export interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

/** A real logger whose lines land in `lines`, parsed, so tests assert on what would be written. */
export function memoryLog(): { log: Logger; lines: LogLine[]; messages: (msg: string) => LogLine[] } {
  const lines: LogLine[] = [];
  const log = createLogger({ level: "debug", write: (line) => lines.push(JSON.parse(line) as LogLine) });
  return { log, lines, messages: (msg) => lines.filter((l) => l.msg === msg) };
}
