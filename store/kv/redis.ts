import KeyvRedis, { createClient } from "@keyv/redis";
import { Keyv } from "keyv";
import { messageOf } from "../../core/errors.js";
import { type AtomicKv, StoreError } from "../../model/store.js";
import { KeyvAtomicKv } from "./keyv-kv.js";
import { redactPassword } from "./redis-url.js";

export { redactPassword };

/**
 * GET, compare, then SET or DEL, run by Redis as one step. ARGV: expected present ("1"/"0"), expected
 * value, next present ("1"/"0"), next value, expiry in ms ("" for none). A SET without PX also drops any
 * TTL, as `update` promises; with an absent expected value and an expiry it is SET NX PX.
 */
const COMPARE_AND_SET = `
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '1' then
  if current ~= ARGV[2] then return 0 end
elseif current then
  return 0
end
if ARGV[3] == '1' then
  if ARGV[5] ~= '' then
    redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[5])
  else
    redis.call('SET', KEYS[1], ARGV[4])
  end
else
  redis.call('DEL', KEYS[1])
end
return 1
`;

/** Connects and checks the server answers PING, so a wrong URL or a down server fails at start-up. */
export async function openRedisKv(
  url: string,
  namespace: string,
  onError: (error: unknown) => void,
  onRecover: () => void = () => {},
): Promise<AtomicKv> {
  let connectedOnce = false;
  const client = createClient({
    url,
    // While disconnected, commands fail at once instead of queueing: a down store is an error, now.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 5000,
      // Give up on the first connection (start-up must fail); after that, keep trying to come back.
      reconnectStrategy: (retries) => (connectedOnce ? Math.min(2 ** retries * 50, 2000) : false),
    },
  });
  const adapter = new KeyvRedis(client, { throwOnErrors: true, throwOnConnectError: true });
  const keyv = new Keyv(adapter, { namespace: undefined, useKeyPrefix: false, throwOnErrors: true });
  // The client reports every failed reconnection attempt; the log wants one line when the connection is lost
  // and one when it is back. Calls in between reject with a StoreError at once (no offline queue).
  let lost = false;
  const connectionLost = (error: unknown) => {
    if (!connectedOnce || lost) return;
    lost = true;
    onError(
      new StoreError(
        `redis store: lost the connection to ${redactPassword(url)} (${messageOf(error)}); reconnecting, every store call fails until then`,
        { cause: error },
      ),
    );
  };
  // keyv re-emits what its calls throw, and those calls reject with it anyway: only the client's own errors
  // say the connection is gone.
  keyv.on("error", () => {});
  client.on("error", connectionLost);
  client.on("ready", () => {
    if (!lost) return;
    lost = false;
    onRecover();
  });
  try {
    await client.connect();
    connectedOnce = true;
    await client.ping();
  } catch (error) {
    if (client.isOpen) client.destroy();
    throw new StoreError(`redis store: cannot reach ${redactPassword(url)}: ${messageOf(error)}`, {
      cause: error,
    });
  }
  return new KeyvAtomicKv({
    kind: "redis",
    keyv,
    namespace,
    cas: {
      read: async (rawKey) => (await client.get(rawKey)) ?? undefined,
      readMany: async (rawKeys) => (await client.mGet([...rawKeys])).map((raw) => raw ?? undefined),
      swap: async (rawKey, expected, next, ttlMs) => {
        const applied = await client.eval(COMPARE_AND_SET, {
          keys: [rawKey],
          arguments: [flag(expected), expected ?? "", flag(next), next ?? "", ttlMs?.toString() ?? ""],
        });
        return applied === 1;
      },
    },
  });
}

function flag(value: string | undefined): string {
  return value === undefined ? "0" : "1";
}
