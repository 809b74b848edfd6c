import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { connect, createServer, type Socket } from "node:net";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DEFAULT_STORE_URL } from "../../core/config.js";
import { StoreError, StoreUrlError } from "../../model/store.js";
import { openSqliteFile } from "../../store/kv/sqlite-file.js";
import { openKv, openStore, parseStoreUrl } from "../../store/open.js";
import { freshNamespace, REDIS_URL, tempDir, withRedis } from "./fixtures.js";

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return address.port;
}

/** A TCP relay to `target` that a test can cut and restore, to take a running Redis "down" for one client. */
async function startRelay(target: URL, port = 0): Promise<{ url: string; stop: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {}); // a cut relay resets its sockets: expected here
  };
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 6379), target.hostname);
    track(client);
    track(upstream);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((done) => server.listen(port, "127.0.0.1", done));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  const url = new URL(target);
  url.hostname = "127.0.0.1";
  url.port = String(address.port);
  return {
    url: url.toString(),
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error,
  );
}

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await dir.remove();
});

describe("STORE_URL", () => {
  it.each([
    "",
    "postgres://db/isblocked",
    "memory",
    "sqlite://",
    "sqlite:relative.sqlite",
    "redis://",
    "redis://127.0.0.1:6379/zero",
    "redis://127.0.0.1:6379/0?tls=1",
  ])("refuses %j with a message naming STORE_URL and the accepted forms", async (url) => {
    const error = await rejection(openStore(url));
    expect(error).toBeInstanceOf(StoreUrlError);
    expect((error as Error).message).toMatch(/^STORE_URL /);
    for (const form of ["memory:", "sqlite://path", "redis://host:port[/db]"]) {
      expect((error as Error).message).toContain(form);
    }
  });

  it("never echoes a Redis password", () => {
    expect(() => parseStoreUrl("redis://user:s3cret@127.0.0.1:6379/x")).toThrow(/user:\*\*\*@/);
    expect(() => parseStoreUrl("redis://user:s3cret@127.0.0.1:6379/x")).not.toThrow(/s3cret/);
  });

  it("reads the accepted forms, SQLite paths relative to the current directory", () => {
    expect(parseStoreUrl(DEFAULT_STORE_URL)).toEqual({
      kind: "sqlite",
      path: join(process.cwd(), "data", "isblocked.sqlite"),
    });
    expect(parseStoreUrl("sqlite:///var/lib/isblocked/db.sqlite")).toEqual({
      kind: "sqlite",
      path: "/var/lib/isblocked/db.sqlite",
    });
    expect(parseStoreUrl("memory:")).toEqual({ kind: "memory" });
    expect(parseStoreUrl("redis://127.0.0.1:6379/2")).toEqual({
      kind: "redis",
      url: "redis://127.0.0.1:6379/2",
    });
    expect(parseStoreUrl("redis://redis")).toEqual({ kind: "redis", url: "redis://redis" });
  });
});

describe("SQLite at start-up", () => {
  it("creates the parent folders of a new database file", async () => {
    const path = join(dir.path, "new", "nested", "isblocked.sqlite");
    const store = await openStore(`sqlite://${path}`);
    await store.close();
    expect(existsSync(path)).toBe(true);
  });

  it("fails with StoreError when the path lies under a regular file", async () => {
    const error = await rejection(openStore("sqlite:///dev/null/x.sqlite"));
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toContain("/dev/null/x.sqlite");
    expect((error as StoreError).cause).toBeInstanceOf(Error);
  });

  it("fails with StoreError when the path is a folder, not a database file", async () => {
    const path = join(dir.path, "a-folder");
    await mkdir(path);
    const error = await rejection(openStore(`sqlite://${path}`));
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toMatch(/unable to open database file/);
  });

  it("fails with StoreError when the file is not a database", async () => {
    const error = await rejection(openStore(`sqlite://${resolve("package.json")}`));
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toMatch(/file is not a database/);
  });
});

describe("SQLite failing under a running store", () => {
  it("rejects every call with StoreError once its table is gone", async () => {
    const path = join(dir.path, "dropped.sqlite");
    const kv = await openKv(`sqlite://${path}`, { namespace: freshNamespace() });
    await kv.set("k", 1);
    const saboteur = await openSqliteFile(path);
    saboteur.exec("DROP TABLE keyv");
    saboteur.close();

    const calls = [
      () => kv.get("k"),
      () => kv.set("k", 2),
      () => kv.delete("k"),
      () => kv.update<number>("k", (n) => (n ?? 0) + 1),
    ];
    for (const call of calls) {
      const error = await rejection(call());
      expect(error).toBeInstanceOf(StoreError);
      expect(String((error as StoreError).cause)).toContain("no such table: keyv");
    }
    await kv.close();
  });
});

describe("Redis at start-up", () => {
  it("fails fast with StoreError when nothing listens at the URL", async () => {
    const url = `redis://127.0.0.1:${await closedPort()}`;
    const started = Date.now();
    const error = await rejection(openStore(url));
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).message).toContain(url);
    expect(String((error as StoreError).cause)).toMatch(/ECONNREFUSED/);
  });
});

describe.skipIf(REDIS_URL === undefined)(
  REDIS_URL === undefined
    ? "Redis failing under a running store: REDIS_URL unset"
    : "Redis failing under a running store",
  () => {
    it("rejects with StoreError instead of reading 'no data'", async () => {
      const url = REDIS_URL ?? "";
      const namespace = freshNamespace();
      const kv = await openKv(url, { namespace });
      // A key of the wrong type: Redis itself answers every GET of it with an error.
      await withRedis(url, (client) => client.hSet(`${namespace}:k`, "field", "value"));
      try {
        for (const call of [() => kv.get("k"), () => kv.update<number>("k", (n) => (n ?? 0) + 1)]) {
          const error = await rejection(call());
          expect(error).toBeInstanceOf(StoreError);
          expect(String((error as StoreError).cause)).toContain("WRONGTYPE");
        }
      } finally {
        await withRedis(url, (client) => client.del(`${namespace}:k`));
        await kv.close();
      }
    });

    it("rejects calls while the connection is down, and works again once it is back", async () => {
      const redis = new URL(REDIS_URL ?? "");
      const relay = await startRelay(redis);
      const events: unknown[] = [];
      const namespace = freshNamespace();
      const kv = await openKv(relay.url, { namespace, onError: (error) => events.push(error) });
      let restored: Awaited<ReturnType<typeof startRelay>> | undefined;
      try {
        await kv.set("k", "before");
        await relay.stop();
        await vi.waitFor(() => expect(events.length).toBeGreaterThan(0));
        const started = Date.now();
        await expect(kv.get("k")).rejects.toThrow(StoreError);
        await expect(kv.update("k", () => "during")).rejects.toThrow(StoreError);
        expect(Date.now() - started).toBeLessThan(1000);

        restored = await startRelay(redis, Number(new URL(relay.url).port));
        await vi.waitFor(async () => expect(await kv.get("k")).toBe("before"), {
          timeout: 5000,
          interval: 100,
        });
        await kv.delete("k");
      } finally {
        await kv.close();
        await restored?.stop();
      }
    });
  },
);
