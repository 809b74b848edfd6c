import { type Deserialize, type DeserializedData, Keyv, type Serialize } from "keyv";
import { messageOf } from "../../core/errors.js";
import { type AtomicKv, StoreError, type StoreKind } from "../../model/store.js";
import { KeyedMutex } from "./mutex.js";

/**
 * The half of compare-and-set each backend supplies, on raw stored strings: keyv has no such operation,
 * so every backend implements it with its own client.
 */
export interface RawCas {
  read(rawKey: string): Promise<string | undefined>;
  /** `read` of several keys in one round trip, in the order of `rawKeys`. */
  readMany(rawKeys: readonly string[]): Promise<(string | undefined)[]>;
  /**
   * Stores `next` (undefined: deletes) only if the stored string is still `expected` (undefined: absent),
   * as one atomic step of the backend. Resolves false when someone else changed it first. `ttlMs` is the
   * expiry already inside `next` (keyv's `expires`); a backend that can also drop the key then uses it.
   */
  swap(
    rawKey: string,
    expected: string | undefined,
    next: string | undefined,
    ttlMs?: number,
  ): Promise<boolean>;
}

export interface KeyvAtomicKvOptions {
  kind: StoreKind;
  /** Built with `useKeyPrefix: false` and no namespace: this class prefixes, so CAS sees the same keys. */
  keyv: Keyv;
  cas: RawCas;
  namespace: string;
}

/**
 * keyv's default deserializer parses with a reviver that turns `":base64:..."` strings back into Buffers and
 * drops the `:` its serializer puts in front of every string that began with one. A reviver makes the parse
 * several times slower (about 11 ms instead of 4.5 for the 180 KB subscriber list of a popular target) and
 * changes nothing unless some string in the text begins with `:`. Such a string is an opening quote, after
 * `[`, `,`, `:` or the start of the text (JSON whitespace aside), followed by `:` or its only escape,
 * `\u003a`: text with no such place parses the same without the reviver. Keys can match as well
 * (`,":key"`); that only sends the text down the exact path.
 */
const MAY_HOLD_KEYV_ESCAPE = /(?:^|[[{,:])\s*"(?::|\\u003[aA])/;
const keyvDefaults = (() => {
  const { serialize, deserialize } = new Keyv();
  if (!serialize || !deserialize) throw new TypeError("this keyv has no default serializer");
  return { serialize, deserialize };
})();

/** What keyv's default deserializer returns for `raw`, without its reviver wherever that is the same. */
export function deserializeKeyvText<T>(raw: string): DeserializedData<T> | undefined {
  if (MAY_HOLD_KEYV_ESCAPE.test(raw))
    return keyvDefaults.deserialize<T>(raw) as DeserializedData<T> | undefined;
  return JSON.parse(raw) as DeserializedData<T>;
}

/**
 * What keyv's default serializer writes for `entry`, by JSON.stringify wherever that writes the same text.
 * keyv's serializer walks the value in JavaScript (several times slower) to escape strings that begin with
 * `:` and to write Buffers as `":base64:…"`: JSON.stringify differs only where its text holds such a string
 * (`":` after `[`, `,`, `:` or `{`; a key that begins with `:` only sends the value down the exact path) or a
 * Buffer's own JSON. Symbols, functions in arrays and other values JSON cannot hold are never stored.
 */
export function serializeKeyvEntry<T>(entry: DeserializedData<T>): string {
  const text = JSON.stringify(entry);
  if (MAY_HOLD_KEYV_ESCAPE.test(text) || text.includes('{"type":"Buffer","data":[')) {
    return keyvDefaults.serialize(entry) as string;
  }
  return text;
}

/** Another process keeps winning the race: give up rather than spin forever. */
const MAX_ATTEMPTS = 100;
/** How many keys' last written text `update` keeps to try first. */
const LAST_WRITTEN_KEPT = 1024;

/**
 * get/set/delete through keyv, `update` as a compare-and-set loop on the exact strings keyv writes, so
 * that all four agree on keys, serialisation and expiry whatever the backend.
 */
export class KeyvAtomicKv implements AtomicKv {
  readonly kind: StoreKind;
  private readonly keyv: Keyv;
  private readonly cas: RawCas;
  private readonly serialize: Serialize;
  private readonly deserialize: Deserialize;
  private readonly prefix: string;
  private readonly mutex = new KeyedMutex();
  /**
   * The text this process last wrote to a key by `update`, tried as the compare value before reading:
   * a key this process updates again (an update's claim, then its finish) costs one round trip instead of
   * two. Another process's write in between only fails the swap, and the key is read as usual.
   */
  private readonly lastWritten = new Map<string, string>();
  private closed = false;

  constructor(options: KeyvAtomicKvOptions) {
    this.kind = options.kind;
    this.keyv = options.keyv;
    this.cas = options.cas;
    const { serialize, deserialize } = options.keyv;
    if (!serialize || !deserialize)
      throw new TypeError("keyv must keep its serializer: CAS compares its strings");
    // Only keyv's own format has a faster path; any other (de)serializer is used as it is. keyv itself
    // writes through the faster serializer too (`set`), so both write the same text.
    this.serialize = serialize === keyvDefaults.serialize ? serializeKeyvEntry : serialize;
    options.keyv.serialize = this.serialize;
    this.deserialize = deserialize === keyvDefaults.deserialize ? deserializeKeyvText : deserialize;
    this.prefix = `${options.namespace}:`;
  }

  async get<T>(key: string): Promise<T | undefined> {
    const rawKey = this.rawKey(key);
    return this.backend("get", key, async () => this.valueOf<T>(rawKey, await this.cas.read(rawKey)));
  }

  async getMany<T>(keys: readonly string[]): Promise<(T | undefined)[]> {
    if (keys.length === 0) return [];
    const rawKeys = keys.map((key) => this.rawKey(key));
    return this.backend("getMany", keys.join(", "), async () => {
      const raws = await this.cas.readMany(rawKeys);
      const values: (T | undefined)[] = [];
      for (const [i, raw] of raws.entries()) {
        const value = this.valueOf<T>(rawKeys[i] ?? "", raw);
        values.push(value instanceof Promise ? await value : value);
      }
      return values;
    });
  }

  async set<T>(key: string, value: T, ttlMs?: number): Promise<void> {
    checkTtl(ttlMs);
    const rawKey = this.rawKey(key);
    this.lastWritten.delete(rawKey);
    await this.backend("set", key, () => this.keyv.set(rawKey, value, ttlMs));
  }

  async delete(key: string): Promise<boolean> {
    const rawKey = this.rawKey(key);
    this.lastWritten.delete(rawKey);
    return this.backend("delete", key, () => this.keyv.delete(rawKey));
  }

  async update<T>(
    key: string,
    fn: (current: T | undefined) => T | undefined,
    options: { ttlMs?: number } = {},
  ): Promise<T | undefined> {
    const { ttlMs } = options;
    checkTtl(ttlMs);
    const rawKey = this.rawKey(key);
    return this.mutex.run(rawKey, () => this.compareAndSet(key, rawKey, fn, ttlMs));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.keyv.disconnect().catch((error: unknown) => {
      throw new StoreError(`${this.kind} store: close failed: ${messageOf(error)}`, { cause: error });
    });
  }

  private rawKey(key: string): string {
    return this.prefix + key;
  }

  /** `update` once this process holds the key's mutex: read, apply `fn`, swap, again if someone else won. */
  private async compareAndSet<T>(
    key: string,
    rawKey: string,
    fn: (current: T | undefined) => T | undefined,
    ttlMs: number | undefined,
  ): Promise<T | undefined> {
    const guess = this.lastWritten.get(rawKey);
    if (guess !== undefined) {
      this.lastWritten.delete(rawKey);
      const decoded = this.decode(guess);
      const current = (decoded instanceof Promise ? await decoded : decoded)?.value as T | undefined;
      const next = fn(current);
      // No change to write tells nothing: the guess may be stale, so the key is read below.
      if (next !== current && (await this.swapTo(key, rawKey, guess, next, ttlMs))) return next;
    }
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const { raw, entry } = await this.backend("update", key, async () => {
        const raw = await this.cas.read(rawKey);
        const entry = this.decode(raw);
        return { raw, entry: entry instanceof Promise ? await entry : entry };
      });
      const current = entry?.value as T | undefined;
      const next = fn(current);
      if (next === current) return current;
      if (await this.swapTo(key, rawKey, raw, next, ttlMs)) return next;
      await backOff(attempt);
    }
    throw new StoreError(`${this.kind} store: update "${key}" lost ${MAX_ATTEMPTS} races in a row`);
  }

  /** Writes `next` where the key holds `expected` still; remembers what it wrote for the next update. */
  private async swapTo<T>(
    key: string,
    rawKey: string,
    expected: string | undefined,
    next: T | undefined,
    ttlMs: number | undefined,
  ): Promise<boolean> {
    const expires = ttlMs === undefined ? undefined : Date.now() + ttlMs;
    const serialized = next === undefined ? undefined : this.serialize({ value: next, expires });
    const nextRaw = serialized instanceof Promise ? await serialized : serialized;
    if (!(await this.backend("update", key, () => this.cas.swap(rawKey, expected, nextRaw, ttlMs))))
      return false;
    if (nextRaw !== undefined) {
      // Bounded: the keys updated again soon are the recent ones.
      if (this.lastWritten.size >= LAST_WRITTEN_KEPT) this.lastWritten.clear();
      this.lastWritten.set(rawKey, nextRaw);
    }
    return true;
  }

  /** Every backend call: refuses after close, and turns any failure into a StoreError with its cause. */
  private async backend<R>(op: string, key: string, call: () => Promise<R>): Promise<R> {
    if (this.closed) throw new StoreError(`${this.kind} store: ${op} "${key}" after close`);
    try {
      return await call();
    } catch (error) {
      if (error instanceof StoreError) throw error;
      throw new StoreError(`${this.kind} store: ${op} "${key}" failed: ${messageOf(error)}`, {
        cause: error,
      });
    }
  }

  /**
   * The value read as `raw` from `rawKey`, or undefined when absent or expired. Synchronous when keyv's
   * own format was read and nothing expired: an answer reads a handful of values, each awaited otherwise.
   */
  private valueOf<T>(rawKey: string, raw: string | undefined): T | undefined | Promise<T | undefined> {
    if (raw === undefined) return undefined;
    const entry = this.decode(raw);
    if (entry instanceof Promise) return entry.then((e) => this.liveValue<T>(rawKey, raw, e));
    return this.liveValue<T>(rawKey, raw, entry);
  }

  private liveValue<T>(
    rawKey: string,
    raw: string,
    entry: DeserializedData<unknown> | undefined,
  ): T | undefined | Promise<T | undefined> {
    if (entry !== undefined) return entry.value as T | undefined;
    // keyv.get would delete an expired entry blindly, which could erase a value another process has just
    // written over it; a conditional delete cannot.
    return this.cas.swap(rawKey, raw, undefined).then(() => undefined);
  }

  /** The entry keyv stored in `raw`, or undefined when absent or expired. */
  private decode(
    raw: string | undefined,
  ): DeserializedData<unknown> | undefined | Promise<DeserializedData<unknown> | undefined> {
    if (raw === undefined) return undefined;
    const entry = this.deserialize<unknown>(raw);
    return entry instanceof Promise ? entry.then(unexpired) : unexpired(entry);
  }
}

/** An entry whose expiry has passed reads as absent. */
function unexpired(
  entry: DeserializedData<unknown> | undefined | null,
): DeserializedData<unknown> | undefined {
  if (entry === undefined || entry === null) return undefined;
  if (typeof entry.expires === "number" && Date.now() > entry.expires) return undefined;
  return entry;
}

function checkTtl(ttlMs: number | undefined): void {
  if (ttlMs !== undefined && !(Number.isInteger(ttlMs) && ttlMs > 0)) {
    throw new RangeError(`ttlMs must be a positive integer, got ${ttlMs}`);
  }
}

/** Jittered and growing, so two processes that collided do not collide again in lockstep. */
async function backOff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(2 ** attempt, 50);
  await new Promise((resolve) => setTimeout(resolve, ms));
}
