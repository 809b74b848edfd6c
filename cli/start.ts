import type { Telegraf } from "telegraf";
import { runConsoleChat } from "../bot/console.js";
import { createTelegramBot } from "../bot/telegram.js";
import { openApp } from "./app.js";
import type { Io } from "./main.js";

/**
 * The composition root: the only place that wires the real store, knowledge base and Telegram together.
 * Runs until SIGINT/SIGTERM, or until the console chat's input ends when there is no Telegram bot.
 */
export async function runStart(_io: Io): Promise<number> {
  const app = await openApp();
  const { config, log, kb, store } = app;
  const context = { kb, store, defaultCountry: config.defaultCountry };
  log.info("starting", {
    store: store.kind,
    defaultCountry: config.defaultCountry,
    services: kb.services.length,
    mode: config.botToken ? (config.webhookUrl ? "telegram-webhook" : "telegram-polling") : "console",
  });

  let stopRequested: (signal: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => {
    stopRequested = resolve;
  });
  const onSignal = (signal: NodeJS.Signals) => stopRequested(signal);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  let bot: Telegraf | undefined;
  let finished: Promise<unknown>;
  if (config.botToken) {
    bot = createTelegramBot({ token: config.botToken, apiRoot: config.telegramApiRoot, context, log });
    const webhook = config.webhookUrl ? new URL(config.webhookUrl) : undefined;
    const launched = bot.launch(
      webhook
        ? {
            webhook: {
              domain: webhook.origin,
              path: webhook.pathname,
              port: config.webPort,
              ...(config.webhookSecret ? { secretToken: config.webhookSecret } : {}),
            },
          }
        : {},
      () => log.info("telegram bot connected", { username: bot?.botInfo?.username }),
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
    }).then(() => "console closed");
  }

  const reason = await Promise.race([stopped, finished]);
  log.info("stopping", { reason });
  try {
    bot?.stop(String(reason));
  } catch {
    // Already stopped: launch failed or polling ended.
  }
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
  await store.close();
  log.info("stopped");
  return reason === "telegram failed" ? 1 : 0;
}
