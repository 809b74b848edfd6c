import { Keyv } from "keyv";
import type { AtomicKv } from "../../model/store.js";
import { KeyvAtomicKv } from "./keyv-kv.js";

/**
 * keyv over a Map of serialised strings, like the other backends, so values are copies and behave the
 * same everywhere. One process only: the keyed mutex makes `update` atomic, and the swap below is
 * synchronous, so nothing can interleave with it either.
 */
export function openMemoryKv(namespace: string): AtomicKv {
  const entries = new Map<string, string>();
  const keyv = new Keyv(entries, { namespace: undefined, useKeyPrefix: false, throwOnErrors: true });
  return new KeyvAtomicKv({
    kind: "memory",
    keyv,
    namespace,
    cas: {
      read: async (rawKey) => entries.get(rawKey),
      readMany: async (rawKeys) => rawKeys.map((rawKey) => entries.get(rawKey)),
      swap: async (rawKey, expected, next) => {
        if (entries.get(rawKey) !== expected) return false;
        if (next === undefined) entries.delete(rawKey);
        else entries.set(rawKey, next);
        return true;
      },
    },
  });
}
