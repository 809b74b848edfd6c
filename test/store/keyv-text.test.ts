import fc from "fast-check";
import { Keyv } from "keyv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AtomicKv } from "../../model/store.js";
import { deserializeKeyvText, serializeKeyvEntry } from "../../store/kv/keyv-kv.js";
import { openKv } from "../../store/open.js";
import { type Backend, freshNamespace, memoryBackend, redisBackend, sqliteBackend } from "./fixtures.js";

// Stored values are read without keyv's reviver when the text cannot hold one of its escapes, and written by
// JSON.stringify when that writes what keyv would (store/kv/keyv-kv.ts): whatever the value or the text,
// the result must be what keyv's own serializer and deserializer give.

const keyv = new Keyv();
const serialize = keyv.serialize as NonNullable<Keyv["serialize"]>;
const keyvDeserialize = keyv.deserialize as NonNullable<Keyv["deserialize"]>;

/** Strings that often begin with `:` or `:base64:`, the ones keyv's serializer escapes or encodes. */
const text = fc.oneof(
  fc.string(),
  fc.string().map((s) => `:${s}`),
  fc.string().map((s) => `::${s}`),
  fc.base64String().map((s) => `:base64:${s}`),
);
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    text,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value")),
    fc.dictionary(text, tie("value")),
  ),
})).value;

/** JSON text of `value` with every `:` inside a string written as the escape `\u003a`. */
function colonsEscaped(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value).replaceAll(":", "\\u003a");
  if (Array.isArray(value)) return `[${value.map(colonsEscaped).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const fields = Object.entries(value).map(([k, v]) => `${colonsEscaped(k)}:${colonsEscaped(v)}`);
    return `{${fields.join(",")}}`;
  }
  return JSON.stringify(value);
}

describe("deserializeKeyvText", () => {
  it("gives what keyv's deserializer gives, for keyv's own text and any other JSON text", async () => {
    await fc.assert(
      fc.asyncProperty(json, fc.option(fc.nat(), { nil: undefined }), async (value, expires) => {
        const entry = { value, expires };
        const texts = [
          await serialize(entry),
          JSON.stringify(entry),
          JSON.stringify(entry, null, 2),
          colonsEscaped(JSON.parse(JSON.stringify(entry))),
        ];
        for (const raw of texts) expect(await deserializeKeyvText(raw)).toEqual(await keyvDeserialize(raw));
      }),
      { numRuns: 2_000 },
    );
  });

  it("decodes keyv's escapes: Buffers, and strings that began with ':'", async () => {
    const value = { bytes: Buffer.from([0, 1, 254, 255]), list: ["::x", ":y", "z:"], ":key": ":v" };
    const decoded = await deserializeKeyvText(await serialize({ value }));
    expect(decoded?.value).toEqual(value);
    expect(Buffer.isBuffer((decoded?.value as typeof value | undefined)?.bytes)).toBe(true);
  });
});

describe("serializeKeyvEntry", () => {
  it("writes what keyv's serializer writes, whatever the value", async () => {
    const withBuffers = fc.oneof(
      json,
      fc.uint8Array().map((bytes) => ({ bytes: Buffer.from(bytes) })),
    );
    await fc.assert(
      fc.asyncProperty(withBuffers, fc.option(fc.nat(), { nil: undefined }), async (value, expires) => {
        const entry = { value, expires };
        expect(serializeKeyvEntry(entry)).toBe(await serialize(entry));
      }),
      { numRuns: 2_000 },
    );
  });

  it("escapes what keyv escapes: strings that begin with ':', keys that do, and Buffers", async () => {
    const cases: { value: unknown; expires?: number }[] = [
      { value: ":starts" },
      { value: { ":key": "plain" } },
      { value: ["a", ":b"] },
      { value: { bytes: Buffer.from("binary") } },
      { value: { nested: { list: [{ note: "::x" }] } }, expires: 5 },
      { value: { when: new Date(0), plain: "no colon first", colon: "a:b" } },
    ];
    for (const entry of cases) expect(serializeKeyvEntry(entry)).toBe(await serialize(entry));
    expect(serializeKeyvEntry({ value: ":starts" })).toBe('{"value":"::starts"}');
  });
});

const BACKENDS: Backend[] = [memoryBackend(), sqliteBackend(), redisBackend()];
if (BACKENDS.some((b) => b.skipReason)) console.log("REDIS_URL unset: Redis cases of keyv-text skipped");

describe.each(BACKENDS)("$kind store: values keyv escapes", (backend) => {
  let kv: AtomicKv;
  beforeAll(async () => {
    if (backend.skipReason) return;
    kv = await openKv(await backend.start(), { namespace: freshNamespace() });
  });
  afterAll(async () => {
    if (backend.skipReason) return;
    await kv.close();
    await backend.stop();
  });

  it.skipIf(Boolean(backend.skipReason))(
    "reads back through get, getMany and update what was written",
    async () => {
      const chats = Array.from({ length: 2_000 }, (_, i) => `${1_000_000_000 + i}`);
      const escaped = { note: ":starts with a colon", bytes: Buffer.from("binary"), tags: [":a", "b"] };
      await kv.set("chats", chats);
      await kv.set("escaped", escaped);
      expect(await kv.get("chats")).toEqual(chats);
      expect(await kv.getMany(["escaped", "chats"])).toEqual([escaped, chats]);
      expect(
        await kv.update<typeof escaped>("escaped", (v) => v && { ...v, tags: [...v.tags, ":c"] }),
      ).toEqual({
        ...escaped,
        tags: [":a", "b", ":c"],
      });
      expect(await kv.get("escaped")).toEqual({ ...escaped, tags: [":a", "b", ":c"] });
    },
  );
});
