import { randomUUID } from "node:crypto";
import { closeSync, constants, openSync, readSync, write } from "node:fs";
import { promisify } from "node:util";
import { messageOf } from "../core/errors.js";
import { type AtomicKv, StoreError } from "../model/store.js";

// What tells a process that data it keeps in memory was written, by itself or by any other process on the
// same store: a token that every such write replaces once it is done. A process that reads the token it
// read before knows that no write finished in between; tokens are random, so none comes back.

export interface ChangeMark {
  /** The current token. Synchronous where the backend allows it: an answer reads it every time. */
  read(): string | Promise<string>;
  /** Replaces the token, after the write it marks. */
  bump(): Promise<void>;
  close(): Promise<void>;
}

/** One process holds the data: a counter. */
export function localMark(): ChangeMark {
  let count = 0;
  return {
    read: () => String(count),
    bump: async () => {
      count++;
    },
    close: async () => {},
  };
}

/**
 * A key of the store itself (Redis): replicas share it, and reading it is one round trip where the values
 * it stands for are a dozen keys to read and parse.
 */
export function kvMark(kv: AtomicKv, key: string): ChangeMark {
  return {
    read: async () => (await kv.get<string>(key)) ?? "",
    bump: () => kv.set(key, randomUUID()),
    close: async () => {},
  };
}

const TOKEN_BYTES = 36;
const writeAt = promisify(write);

/**
 * A small file beside a SQLite database, which every process on the database writes after its writes: a
 * read of it is one system call (about a microsecond), a few times cheaper than a statement on the
 * database, and every answer makes one. Written in place, never truncated, so a reader sees the old token
 * or a new one. Part of the database like its -wal and -shm files: deleting it under running processes
 * hides their marks.
 */
export function fileMark(path: string): ChangeMark {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDWR | constants.O_CREAT, 0o644);
  } catch (error) {
    throw new StoreError(`sqlite store: cannot open ${path}: ${messageOf(error)}`, { cause: error });
  }
  const buffer = Buffer.alloc(TOKEN_BYTES);
  let closed = false;
  return {
    read: () => {
      if (closed) throw new StoreError(`sqlite store: change mark ${path} read after close`);
      const length = readSync(fd, buffer, 0, TOKEN_BYTES, 0);
      return buffer.toString("latin1", 0, length);
    },
    bump: async () => {
      if (closed) throw new StoreError(`sqlite store: change mark ${path} written after close`);
      try {
        await writeAt(fd, randomUUID(), 0, "latin1");
      } catch (error) {
        throw new StoreError(`sqlite store: cannot write ${path}: ${messageOf(error)}`, { cause: error });
      }
    },
    close: async () => {
      if (closed) return;
      closed = true;
      closeSync(fd);
    },
  };
}
