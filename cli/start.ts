import { runConsoleChat } from "../bot/console.js";
import { ALLOWED_UPDATES, createTelegramBot, registerCommands } from "../bot/telegram.js";
import { loadVantagesFile, localVantage } from "../probes/vantages.js";
import { type Scheduler, startScheduler } from "../scheduler/scheduler.js";
import { openApp } from "./app.js";
import { runFullCycle } from "./cycle.js";
import type { Io } from "./main.js";

/** How long in-flight updates may take to finish after a stop is requested. */
const DRAIN_MS = 7_000;

/**
 * The composition root: the only place that wires the real network, store, knowledge base and Telegram
 * together. Runs until SIGINT/SIGTERM; in console mode also until the user types exit, or until the
 * input ends when nothing else (scheduler, Telegram) is left running.
 */
export async function runStart(_io: Io): Promise<number> {
  const app = await openApp();
  const { config, log, kb, store } = app;
  const plan = config.vantagesFile
    ? loadVantagesFile(config.vantagesFile)
    : localVantage(config.defaultCountry);
  const context = { kb, store, defaultCountry: config.defaultCountry };
  log.info("starting", {
    store: store.kind,
    defaultCountry: config.defaultCountry,
    services: kb.services.length,
    vantages: plan.vantages.map((v) => v.id),
    schedule: config.probeSchedule,
    mode: config.botToken ? (config.webhookUrl ? "telegram-webhook" : "telegram-polling") : "console",
  });

  let stopRequested: (reason: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => {
    stopRequested = resolve;
  });
  const onSignal = (signal: NodeJS.Signals) => stopRequested(signal);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  const scheduler: Scheduler | undefined =
    config.probeSchedule === "off"
      ? undefined
      : startScheduler({
          schedule: config.probeSchedule,
          log,
          runCycle: async (signal) => {
            const { cycle, changes } = await runFullCycle(app, { plan, signal });
            log.info("probe cycle done", { results: cycle.results.length, changes: changes.length });
          },
        });

  let bot: ReturnType<typeof createTelegramBot> | undefined;
  let finished: Promise<string>;
  if (config.botToken) {
    bot = createTelegramBot({ token: config.botToken, apiRoot: config.telegramApiRoot, context, log });
    const webhook = config.webhookUrl ? new URL(config.webhookUrl) : undefined;
    const telegram = bot.telegram;
    const launched = bot.launch(
      {
        allowedUpdates: [...ALLOWED_UPDATES],
        ...(webhook
          ? {
              webhook: {
                domain: webhook.origin,
                path: webhook.pathname,
                port: config.webPort,
                ...(config.webhookSecret ? { secretToken: config.webhookSecret } : {}),
              },
            }
          : {}),
      },
      () => {
        log.info("telegram bot connected", { username: bot?.botInfo?.username });
        registerCommands(telegram).catch((error: unknown) =>
          log.warn("could not register commands", { error }),
        );
      },
    );
    finished = launched.then(
      () => (webhook ? stopped : "polling ended"),
      (error: unknown) => {
        log.error("telegram bot failed", { error });
        return "telegram failed";
      },
    );
  } else {
    finished = runConsoleChat({
      input: process.stdin,
      output: process.stdout,
      // English, as `isblocked ask` without --lang: the console answers exactly as ask does.
      lang: "en",
      context,
      onError: (error) => log.error("answer failed", { error }),
    }).then((how) => {
      // Input closed with no terminal (a container, a service manager): the scheduler goes on alone.
      if (how === "eof" && scheduler) return stopped;
      return how === "exit" ? "console exit" : "console closed";
    });
  }

  const reason = await Promise.race([stopped, finished]);
  log.info("stopping", { reason });
  // Everything must be closed within 10 s of SIGTERM: no new updates, the ones being handled get up to
  // DRAIN_MS to finish, the running probe cycle is aborted, then the store closes last.
  try {
    bot?.stop(String(reason));
  } catch {
    // Already stopped: launch failed or polling ended.
  }
  await Promise.all([bot?.inFlight.drained(DRAIN_MS), scheduler?.stop()]);
  if (bot && bot.inFlight.count() > 0)
    log.warn("stopped with updates still in flight", { count: bot.inFlight.count() });
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
  await store.close();
  log.info("stopped");
  return reason === "telegram failed" ? 1 : 0;
}
