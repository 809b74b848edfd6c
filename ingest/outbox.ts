import { randomUUID } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { IsblockedError } from "../core/errors.js";
import type { Measurement } from "../model/measurement.js";

// The agent's outbox: one file per measured batch, written to a temporary name and renamed into place, so
// a batch is either whole or absent whatever moment the process dies. Names start with the creation
// time, zero-padded, so sorting them sorts the batches oldest first. A batch leaves only once the bot
// accepted it (or refused it for good); the bot's idempotency makes a second delivery harmless.

export interface Batch {
  canaries: Measurement[];
  measurements: Measurement[];
  /** ISO timestamp of the cycle that measured it. */
  createdAt: string;
}

const SUFFIX = ".batch.json";
const PARTIAL = ".partial";

export class OutboxError extends IsblockedError {
  override name = "OutboxError";
}

export class Outbox {
  constructor(readonly dir: string) {}

  /** Creates the folder and removes what a crash left half-written. */
  async open(): Promise<void> {
    try {
      await mkdir(this.dir, { recursive: true });
      const names = await readdir(this.dir);
      await Promise.all(
        names.filter((n) => n.endsWith(PARTIAL)).map((n) => rm(join(this.dir, n), { force: true })),
      );
    } catch (error) {
      throw new OutboxError(`cannot use the outbox folder ${this.dir}`, { cause: error });
    }
  }

  async add(batch: Batch, atMs = Date.now()): Promise<string> {
    const name = `${String(atMs).padStart(15, "0")}-${randomUUID()}${SUFFIX}`;
    const partial = join(this.dir, `${name}${PARTIAL}`);
    await writeFile(partial, JSON.stringify(batch), { flag: "wx" });
    await rename(partial, join(this.dir, name));
    return name;
  }

  /** Names of the stored batches, oldest first. */
  async list(): Promise<string[]> {
    const names = await readdir(this.dir);
    return names.filter((n) => n.endsWith(SUFFIX)).sort();
  }

  /** A batch; undefined when it is gone; `corrupt` when it is not JSON (it can never be sent). */
  async read(name: string): Promise<Batch | "corrupt" | undefined> {
    let text: string;
    try {
      text = await readFile(join(this.dir, name), "utf8");
    } catch {
      return undefined;
    }
    try {
      return JSON.parse(text) as Batch;
    } catch {
      return "corrupt";
    }
  }

  async remove(name: string): Promise<void> {
    await rm(join(this.dir, name), { force: true });
  }
}
