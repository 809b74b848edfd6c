// A process that keeps subscribing, for the store fault cases: it is killed (kill -9) or its store is
// killed under it. Runs the compiled store from dist/ (test/global-setup.ts builds it).
//
//   node subscriber-worker.mjs <STORE_URL> <namespace> [firstChatId]
//     opens the store, prints "ready", then subscribes chats firstChatId, firstChatId + 1, ... one after
//     another to one of four targets (chat id mod 4), printing "ack <chatId> <epoch ms>" once each
//     subscription is acknowledged. A failed subscribe (the store is down) is tried again with the next
//     chat id after 20 ms; it was never acknowledged.
//     Without firstChatId it loads its modules, prints "loaded" and waits for the id as a line on stdin:
//     the kill -9 case starts the next writer while the current one runs, so no run waits for a start-up.
//
// A SQLite store is opened through the SQLite backend alone: loading the Redis client too would double
// the start-up for nothing.
const [url, namespace, first] = process.argv.slice(2);
const dist = (path) => new URL(`../../dist/store/${path}`, import.meta.url).href;
const open = url.startsWith("sqlite://") ? await sqliteOpener() : (await import(dist("open.js"))).openStore;

const firstChat = first !== undefined ? Number(first) : await lineFromStdin();
const store = await open(url, { namespace, onError: () => {} });
process.stdout.write("ready\n");
for (let chat = firstChat; ; chat++) {
  try {
    await store.subscribe(String(chat), targetOf(chat));
    process.stdout.write(`ack ${chat} ${Date.now()}\n`);
  } catch {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function targetOf(chat) {
  return { service: `service${chat % 4}`, country: "CN" };
}

async function sqliteOpener() {
  const [{ KvStore }, { openSqliteKv }] = await Promise.all([
    import(dist("domain.js")),
    import(dist("kv/sqlite.js")),
  ]);
  // The tests pass absolute paths: nothing to resolve.
  return async (u, options) =>
    new KvStore(await openSqliteKv(u.slice("sqlite://".length), options.namespace, options.onError));
}

function lineFromStdin() {
  process.stdout.write("loaded\n");
  return new Promise((resolve) => {
    let buffered = "";
    process.stdin.on("data", (data) => {
      buffered += data;
      const end = buffered.indexOf("\n");
      if (end >= 0) {
        process.stdin.pause();
        resolve(Number(buffered.slice(0, end)));
      }
    });
  });
}
