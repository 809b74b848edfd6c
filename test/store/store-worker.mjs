// A second (and third) process on one store, for the multi-process tests. Runs the compiled store from
// dist/, because Node 20 cannot import .ts; test/global-setup.ts builds it before the tests run.
//
//   node store-worker.mjs subscribe <STORE_URL> <namespace> <service> <country> <firstChatId> <count>
//     opens the store, prints "ready", waits for "go" on stdin (so both workers start together),
//     subscribes <count> chats concurrently, prints {"added":n,"ms":n} and exits.
//   node store-worker.mjs hold <STORE_URL> <namespace> <key> <value>
//     sets <key>, prints "written" once the write is acknowledged, then waits to be killed.
import { createInterface } from "node:readline";

const openJs = new URL("../../dist/store/open.js", import.meta.url);
let openKv;
let openStore;
try {
  ({ openKv, openStore } = await import(openJs.href));
} catch (error) {
  if (error?.code !== "ERR_MODULE_NOT_FOUND") throw error;
  console.error(
    `store-worker: ${openJs.pathname} is missing: build first with \`npm run build\` (vitest's global setup does).`,
  );
  process.exit(2);
}

const [mode, url, namespace, ...args] = process.argv.slice(2);

if (mode === "subscribe") {
  const [service, country, firstChatId, count] = args;
  const store = await openStore(url, { namespace });
  console.log("ready");
  await nextLine("go");
  const started = performance.now();
  const chatIds = Array.from({ length: Number(count) }, (_, n) => String(Number(firstChatId) + n));
  const added = await Promise.all(chatIds.map((chatId) => store.subscribe(chatId, { service, country })));
  const ms = Math.round(performance.now() - started);
  await store.close();
  console.log(JSON.stringify({ added: added.filter(Boolean).length, ms }));
} else if (mode === "hold") {
  const [key, value] = args;
  const kv = await openKv(url, { namespace });
  await kv.set(key, value);
  console.log("written");
  setInterval(() => {}, 60_000);
} else {
  console.error(`store-worker: unknown mode ${mode}`);
  process.exit(2);
}

function nextLine(expected) {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: process.stdin });
    lines.once("line", (line) => {
      lines.close();
      process.stdin.destroy(); // an open stdin would keep this process alive after its work
      if (line.trim() === expected) resolve();
      else reject(new Error(`store-worker: expected "${expected}", got "${line}"`));
    });
  });
}
