import { createJudge } from "../analysis/judge.js";
import type { AlertDispatcher } from "../bot/alerts/dispatcher.js";
import type { TelegramBot } from "../bot/telegram.js";
import { ConfigError, webhookSecretOf } from "../core/config.js";
import { IsblockedError } from "../core/errors.js";
import { PUBLIC_WEB } from "../core/ssrf.js";
import { createOnDemandChecks } from "../pipeline/check-now.js";
import { measuringPlan, runFullCycle } from "../pipeline/cycle.js";
import type { createRemoteProvider } from "../pipeline/remote.js";
import { measurerOn } from "../probes/endpoint.js";
import { guardNetwork } from "../probes/guarded-network.js";
import { realNetwork } from "../probes/network.js";
import { storeRunCoordinator } from "../scheduler/run-coordinator.js";
import { type Scheduler, startScheduler } from "../scheduler/scheduler.js";
import { createWebServer } from "../web/server.js";
import { openApp } from "./app.js";
import type { Io } from "./io.js";
import { startOoniCycle } from "./ooni-cycle.js";
import { type StartMode, sourcesOf, startLine, summaryOf } from "./start-line.js";

/** Where `start` logs in console mode, relative to the working directory as the default store is. */
export const CONSOLE_LOG_FILE = "data/isblocked.log";

/** How long in-flight updates may take to finish after a stop is requested. */
const DRAIN_MS = 7_000;
/**
 * Past this after a stop is requested, the process exits whatever is still running: SIGTERM must see it
 * gone within 10 s (a service manager then kills it, store open or not).
 */
const STOP_DEADLINE_MS = 9_500;
/**
 * Once everything is closed, how long the process may linger: a request Telegram never answered, or an
 * abandoned handler's timer, would otherwise keep it alive.
 */
const EXIT_GRACE_MS = 250;

/**
 * The composition root: the only place that wires the real network, store, knowledge base and Telegram
 * together. Runs until SIGINT/SIGTERM; in console mode also until the user types exit, or until the
 * input ends when nothing else (scheduler, Telegram) is left running.
 */
export async function runStart(_io: Io): Promise<number> {
  // In console mode stderr is the chat's terminal: the logs go to a file, named in the start line.
  const app = await openApp(process.env, {
    logFile: (c) => (c.botToken ? undefined : CONSOLE_LOG_FILE),
  });
  const { config, log, kb, store, metrics } = app;
  const mode: StartMode = config.botToken
    ? config.webhookUrl
      ? "telegram-webhook"
      : "telegram-polling"
    : "console";
  const plan = measuringPlan(app, config.vantagesFile);
  // "Check now" probes any domain from the plan's vantages, over the SSRF-guarded real network.
  const onDemand = createOnDemandChecks({
    kb,
    store,
    plan,
    judge: createJudge(kb),
    measure: measurerOn(
      guardNetwork(realNetwork, {
        policy: PUBLIC_WEB,
        onRefusal: (refusal) => log.info("on-demand destination refused", { reason: refusal.refusal }),
      }),
    ),
  });
  const context = { kb, store, defaultCountry: config.defaultCountry, ooni: app.ooni, onDemand };

  // The status page and API, on the embedded default too; the webhook is mounted here when used.
  const web = createWebServer({ store, kb, metrics, log, defaultCountry: config.defaultCountry });
  // Remote agents (ingest/README.md): their reports come in on the same port, and each cycle judges
  // their fresh measurements with this host's.
  // Like the bot's modules below, loaded only when used: what `start` loads is most of its start-up time.
  let remote: ReturnType<typeof createRemoteProvider> | undefined;
  if (app.agents) {
    const [{ createRemoteProvider: createRemote }, { INGEST_PATH, ingestRoutes }] = await Promise.all([
      import("../pipeline/remote.js"),
      import("../ingest/http.js"),
    ]);
    remote = createRemote({ store, agents: app.agents, online: createJudge(kb).online });
    web.mount({
      path: INGEST_PATH,
      route: "ingest",
      app: ingestRoutes({ store, agents: app.agents, metrics, log }),
    });
  }
  try {
    const port = await web.listen(config.webPort);
    const summary = summaryOf(
      mode,
      config.storeUrl,
      port,
      sourcesOf(config, plan.vantages, app.agents?.agents.length ?? 0),
      mode === "console" ? CONSOLE_LOG_FILE : undefined,
    );
    log.info("started", {
      ...summary,
      defaultCountry: config.defaultCountry,
      probeSchedule: config.probeSchedule,
    });
    if (mode === "console") process.stdout.write(`${startLine(summary)}\n`);
  } catch (error) {
    await store.close();
    if ((error as { code?: string }).code === "EADDRINUSE") {
      throw new ConfigError([{ variable: "WEB_PORT", message: `port ${config.webPort} is already in use` }], {
        cause: error,
      });
    }
    throw error;
  }

  let stopping = false;
  let stopRequested: (reason: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => {
    stopRequested = resolve;
  });
  const onSignal = (signal: NodeJS.Signals) => stopRequested(signal);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  // Declared before the scheduler, whose cycles kick it; a kick before it exists is not lost: the change
  // waits in the store's outbox and start() plans it. The console chat has no one to alert.
  let alerts: AlertDispatcher | undefined;
  // Without a probe vantage anywhere (no HOST_COUNTRY, no vantages file with one, no agents), a cycle would
  // measure from a control alone and judge nothing: the answers rest on the knowledge base's history.
  const probes = plan.vantages.some((v) => v.role === "probe") || app.agents !== undefined;
  if (!probes && config.probeSchedule !== "off") {
    log.info(
      config.ooniSchedule === "off"
        ? "no probe vantage in any country: no probe cycles; answers give the knowledge base's last known status (set HOST_COUNTRY, VANTAGES_FILE or AGENTS_FILE to measure)"
        : "no probe vantage in any country: no probe cycles; statuses come from OONI's public measurements, elsewhere from the knowledge base's last known status (set HOST_COUNTRY, VANTAGES_FILE or AGENTS_FILE to measure)",
    );
  }
  const scheduler: Scheduler | undefined =
    config.probeSchedule === "off" || !probes
      ? undefined
      : startScheduler({
          schedule: config.probeSchedule,
          log,
          // Replicas on one store (Redis) share the schedule: each slot runs on the replica claiming it.
          coordinator: storeRunCoordinator(store),
          runCycle: async (signal) => {
            const { cycle, changes } = await runFullCycle(app, {
              plan,
              signal,
              ...(config.probeServices ? { services: config.probeServices } : {}),
              onChange: () => alerts?.kick(),
              ...(remote ? { remote } : {}),
            });
            log.info("probe cycle done", { results: cycle.results.length, changes: changes.length });
          },
        });

  // OONI's volunteers as vantages in every watched country: statuses without a vantage of our own there.
  const ooniCycle = startOoniCycle(app, { onChange: () => alerts?.kick() });

  let bot: TelegramBot | undefined;
  let finished: Promise<string>;
  /** A failure that ends start-up as a one-line error of its own (a token Telegram rejects). */
  let fatal: IsblockedError | undefined;
  const telegramFailed = (error: unknown): string => {
    if (error instanceof Error && error.name === "AbortError") return "stopped while reaching Telegram";
    if (error instanceof IsblockedError) {
      fatal = error;
      return "telegram failed";
    }
    log.error("telegram bot failed", { error });
    return "telegram failed";
  };
  if (config.botToken) {
    // telegraf and the bot's handlers are loaded only when there is a bot: the console chat never needs them.
    const { ALLOWED_UPDATES, createTelegramBot, registerCommands } = await import("../bot/telegram.js");
    const { telegrafSender } = await import("../bot/alerts/telegram-sender.js");
    const { createAlertDispatcher } = await import("../bot/alerts/dispatcher.js");
    bot = createTelegramBot({
      token: config.botToken,
      apiRoot: config.telegramApiRoot,
      context,
      log,
      metrics,
    });
    const telegramBot = bot;
    alerts = createAlertDispatcher({
      store,
      kb,
      config,
      log,
      // Sent, failed, throttled, the queue's depth and the lease, at /metrics.
      metrics,
      telegram: telegrafSender(telegramBot.telegram),
      // Replicas sharing Redis: one dispatcher works at a time. A single process keeps no lease, so its
      // restart after a crash does not wait for the old one to expire.
      ...(store.kind === "redis" ? { lease: {} } : {}),
    });
    await alerts.start();
    const { connectTelegram, telegramReachability, watchPolling } = await import(
      "../bot/telegram-connection.js"
    );
    const reachability = telegramReachability(log);
    // Polling and every retry below stop with the process; a bot that never reached Telegram stops too.
    const connecting = new AbortController();
    void stopped.then(() => connecting.abort());
    const reachTelegram = () =>
      connectTelegram(telegramBot.telegram, { log, reachability, signal: connecting.signal }).then((me) => {
        telegramBot.botInfo = me;
      });
    const connected = () => {
      log.info("telegram bot connected", { username: telegramBot.botInfo?.username });
      registerCommands(telegramBot.telegram).catch((error: unknown) =>
        log.warn("could not register commands", { error }),
      );
    };
    const webhook = config.webhookUrl ? new URL(config.webhookUrl) : undefined;
    if (webhook && config.webhookSecret) {
      const secret = config.webhookSecret;
      const { webhookHandler } = await import("../bot/webhook.js");
      const derived = secret === webhookSecretOf(config.botToken);
      // Served by the web server on WEB_PORT rather than by telegraf, so one port carries both, and the
      // bot reads and checks each request itself (bot/webhook.ts).
      finished = reachTelegram()
        .then(() =>
          telegramBot.telegram.setWebhook(`https://${webhook.host}${webhook.pathname}`, {
            allowed_updates: [...ALLOWED_UPDATES],
            secret_token: secret,
          }),
        )
        .then(() => {
          // Told once, never shown: whoever set WEBHOOK_URL alone learns that the webhook is guarded anyway.
          if (derived)
            log.info("webhook secret derived from the bot token and registered (WEBHOOK_SECRET unset)");
          web.mountNode({
            path: webhook.pathname,
            route: "webhook",
            // Once stopping, an update is refused with 503 rather than started: Telegram sends it again
            // later, to this process restarted or to another replica.
            handler: webhookHandler({
              secret,
              deliver: telegramBot.deliverByWebhook,
              accepting: () => !stopping,
            }),
          });
          connected();
          return stopped;
        })
        .catch(telegramFailed);
    } else {
      watchPolling(telegramBot.telegram, reachability);
      finished = reachTelegram()
        .then(() => telegramBot.launch({ allowedUpdates: [...ALLOWED_UPDATES] }, connected))
        .then(() => "polling ended", telegramFailed);
    }
  } else {
    const { runConsoleChat } = await import("../bot/console.js");
    finished = runConsoleChat({
      input: process.stdin,
      output: process.stdout,
      // English until a question's script or /lang says otherwise, as `isblocked ask` without --lang.
      lang: "en",
      chartDir: "data",
      context,
      onError: (error) => log.error("answer failed", { error }),
    }).then((how) => {
      // Input closed with no terminal (a container, a service manager): the scheduler goes on alone.
      if (how === "eof" && (scheduler || ooniCycle)) return stopped;
      return how === "exit" ? "console exit" : "console closed";
    });
  }

  const reason = await Promise.race([stopped, finished]);
  stopping = true;
  log.info("stopping", { reason });
  const deadline = setTimeout(() => {
    log.error("could not stop in time; exiting anyway", { afterMs: STOP_DEADLINE_MS });
    process.exit(1);
  }, STOP_DEADLINE_MS);
  deadline.unref();
  // Everything must be closed within 10 s of SIGTERM: no new updates, the ones being handled get up to
  // DRAIN_MS to finish, the running probe cycle is aborted, then the store closes last.
  try {
    bot?.stop(String(reason));
  } catch {
    // Already stopped: launch failed or polling ended.
  }
  ooniCycle?.close();
  await Promise.all([
    bot?.inFlight.drained(DRAIN_MS),
    scheduler?.stop(),
    ooniCycle?.scheduler.stop(),
    alerts?.stop(),
  ]);
  // Closed after the drain, so a webhook request whose update was handled gets its 200 and Telegram does
  // not deliver it again.
  await web.close();
  if (bot && bot.inFlight.count() > 0)
    log.warn("stopped with updates still in flight", { count: bot.inFlight.count() });
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
  app.ooni.close();
  await store.close();
  clearTimeout(deadline);
  log.info("stopped");
  if (fatal) {
    setTimeout(() => process.exit(1), EXIT_GRACE_MS).unref();
    throw fatal;
  }
  const code = reason === "telegram failed" ? 1 : 0;
  // Everything that matters is closed: whatever still holds the event loop must not hold the process.
  setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
  return code;
}
