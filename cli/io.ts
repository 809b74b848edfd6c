import { IsblockedError } from "../core/errors.js";

/** Where a command writes: stdout for its result (one JSON document with --json), stderr for the rest. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** A mistake in how the command was called: one line, a hint, exit code 2. */
export class UsageError extends IsblockedError {
  override name = "UsageError";
  constructor(message: string, options: ErrorOptions = {}) {
    super(message, { ...options, exitCode: 2 });
  }
}
