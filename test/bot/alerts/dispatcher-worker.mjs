// A dispatcher in a process of its own, for the crash test: the test kills it with SIGKILL mid-fan-out.
// Runs the compiled code in dist/ (Node 20 cannot import .ts); test/global-setup.ts builds it first.
//
//   node dispatcher-worker.mjs <STORE_URL> <namespace> <apiRoot> <token> <kbDir> <maxInFlight>
//     starts a dispatcher, prints "started", and sends until it is killed.

const dist = (path) => new URL(`../../../dist/${path}`, import.meta.url).href;
let modules;
try {
  modules = await Promise.all([
    import(dist("bot/alerts/dispatcher.js")),
    import(dist("bot/alerts/telegram-sender.js")),
    import(dist("store/open.js")),
    import(dist("kb/load.js")),
    import(dist("core/log.js")),
  ]);
} catch (error) {
  if (error?.code !== "ERR_MODULE_NOT_FOUND") throw error;
  console.error(
    "dispatcher-worker: dist/ is missing: build first with `npm run build` (vitest's global setup does).",
  );
  process.exit(2);
}
const [
  { createAlertDispatcher },
  { telegrafSender },
  { openStore },
  { loadKnowledgeBase },
  { createLogger },
] = modules;
const { Telegram } = await import("telegraf");

const [url, namespace, apiRoot, token, kbDir, maxInFlight] = process.argv.slice(2);
const store = await openStore(url, { namespace });
const dispatcher = createAlertDispatcher({
  store,
  kb: loadKnowledgeBase(kbDir),
  telegram: telegrafSender(new Telegram(token, { apiRoot })),
  config: {
    alertRateGlobal: 100,
    alertRatePrivate: 1,
    alertRateGroup: 20,
    alertPaidBroadcast: false,
    digestHour: 8,
  },
  log: createLogger({ level: "silent" }),
  tuning: { maxInFlight: Number(maxInFlight), sendTimeoutMs: 30_000 },
});
await dispatcher.start();
console.log("started");
// Until SIGKILL: the test never lets it stop on its own.
setInterval(() => {}, 60_000);
