import { Worker } from "node:worker_threads";
import { once } from "node:events";
import { Telegram } from "telegraf";
const { createAlertDispatcher } = await import("/work/main/dist/bot/alerts/dispatcher.js");
const { telegrafSender } = await import("/work/main/dist/bot/alerts/telegram-sender.js");
const { openStore } = await import("/work/main/dist/store/open.js");
const { loadKnowledgeBase } = await import("/work/main/dist/kb/load.js");
const { createLogger } = await import("/work/main/dist/core/log.js");
const N = Number(process.argv[2] ?? 2000), kind = process.argv[3] ?? "sqlite", rate = Number(process.argv[4] ?? 1000);
const TOKEN = "123456789:AAHbenchbenchbenchbenchbenchbench00";
const worker = new Worker(new URL("/work/main/dist/bench/bot-api-worker.js", import.meta.url), { workerData: { token: TOKEN, tooManyEvery: 20, retryAfterSeconds: 1 } });
const [{ apiRoot }] = await once(worker, "message");
const store = await openStore(kind === "sqlite" ? `sqlite:///tmp/fan-${Date.now()}.sqlite` : "memory:");
const T = { service: "whatsapp", country: "CN" };
const chats = Array.from({ length: N }, (_, n) => String(1_000_000 + n));
for (let i = 0; i < N; i += 500) await Promise.all(chats.slice(i, i + 500).map((c) => store.subscribe(c, T)));
const at = "2026-11-21T08:00:00.000Z";
await store.updateEngineState(T, () => ({ state: { confirmed: null, candidate: null, observedAt: at }, change: { id: "w/CN/" + at, target: T, from: "accessible", to: "partial", since: at, at, mechanism: "tls", features: [] } }));
const wrapped = telegrafSender(new Telegram(TOKEN, { apiRoot }));
const lat = [];
const tele = { sendMessage(c, h, o) { const t = performance.timeOrigin + performance.now(); lat.push(t); return wrapped.sendMessage(c, h, o); } };
const d = createAlertDispatcher({ store, kb: loadKnowledgeBase(), telegram: tele, config: { alertRateGlobal: rate, alertRatePrivate: 1, alertRateGroup: 20, alertPaidBroadcast: true, digestHour: 8 }, log: createLogger({ level: "silent" }) });
const t0 = performance.now();
await d.start(); const t1 = performance.now(); await d.idle(); const t2 = performance.now();
await d.stop();
worker.postMessage("log"); const [sends] = await once(worker, "message"); await worker.terminate();
const arr = sends.map(s => s.receivedAt).sort((a,b)=>a-b); const s0 = arr[0];
const hist = {}; for (const a of arr) { const b = Math.floor((a - s0)/100); hist[b] = (hist[b]??0)+1; }
console.log("plan", (t1-t0).toFixed(0), "total", (t2-t0).toFixed(0), JSON.stringify(hist));
const calls = lat.sort((a,b)=>a-b); const h2 = {}; for (const a of calls) { const b = Math.floor((a - s0)/100); h2[b] = (h2[b]??0)+1; } console.log("calls", JSON.stringify(h2));
// latency per call: match by order is not exact; show first 20 arrival-call deltas
console.log("first calls", calls.slice(0,5).map(c=>(c-s0).toFixed(1)).join(","), "first arrivals", arr.slice(0,5).map(c=>(c-s0).toFixed(1)).join(","));
await store.close();
function mw(sorted, w) { let m = 0, f = 0; for (let l = 0; l < sorted.length; l++) { while (sorted[l] - sorted[f] >= w) f++; m = Math.max(m, l - f + 1); } return m; }
console.log("max in 1s: calls", mw(calls, 1000), "arrivals", mw(arr, 1000));
// pair by chat: first call per chat vs first arrival per chat is not available here; show call-time gaps distribution
