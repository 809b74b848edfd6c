import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { Lang } from "../kb/schema.js";
import type { StatusStore } from "../model/store.js";
import type { AnswerContext } from "../pipeline/answer.js";
import { historyChart } from "../present/history-chart.js";
import { t } from "../present/i18n/index.js";
import { escapeHtml, htmlToPlainText, placeName } from "../present/text.js";
import { parseCommand } from "./commands.js";
import { reply, targetOf, unknownCountry } from "./conversation.js";
import { languageChoice, languageOf } from "./languages.js";
import { parseCountry } from "./targets.js";
import { renderHistory } from "./views/history.js";

export interface ConsoleChatOptions {
  input: Readable;
  output: Writable;
  /** The language before any question says otherwise (a question's script, or /lang, then decides). */
  lang: Lang;
  context: AnswerContext & { store: StatusStore };
  /** Where /history writes its chart (a folder, created when needed). */
  chartDir: string;
  /** Called when answering a line failed; the chat goes on. */
  onError: (error: unknown) => void;
}

/** The console's chat state: what /lang and /country set, for this session only. */
interface Session {
  /** Set by /lang; until then each question's own script decides. */
  chosen: Lang | undefined;
  lang: Lang;
  country: string;
}

/**
 * The bot on a terminal, for running without a Telegram token: each line is a message, each answer the
 * bot's reply as plain text, in the language of the question unless /lang chose one. The commands that
 * make sense without Telegram run here too; the rest say that they need it. Resolves `exit` when the user
 * types exit, `eof` when the input ends.
 */
export async function runConsoleChat(options: ConsoleChatOptions): Promise<"exit" | "eof"> {
  const { input, output, context } = options;
  const interactive = (input as { isTTY?: boolean }).isTTY === true;
  const rl = createInterface({ input, output, terminal: interactive, prompt: "> " });
  const session: Session = { chosen: undefined, lang: options.lang, country: context.defaultCountry };
  output.write(`${t(session.lang, "console.intro")}\n`);
  if (interactive) rl.prompt();
  for await (const line of rl) {
    const message = line.trim();
    if (message === "exit" || message === "quit") {
      rl.close();
      return "exit";
    }
    if (message !== "") {
      try {
        output.write(`${htmlToPlainText(await consoleReply(message, session, options))}\n\n`);
      } catch (error) {
        options.onError(error);
      }
    }
    if (interactive) rl.prompt();
  }
  rl.close();
  return "eof";
}

/** One line's reply as Telegram HTML: the console's own commands, else what the bot answers. */
export async function consoleReply(
  message: string,
  session: Session,
  options: ConsoleChatOptions,
): Promise<string> {
  const command = parseCommand(message, undefined);
  if (command === undefined) session.lang = session.chosen ?? languageOf(message) ?? session.lang;
  const { lang } = session;
  const context: AnswerContext & { store: StatusStore } = {
    ...options.context,
    defaultCountry: session.country,
  };
  switch (command?.name) {
    case "lang": {
      const choice = languageChoice(command.args);
      if (choice === undefined) return escapeHtml(t(lang, "lang.choose"));
      session.chosen = choice === "auto" ? undefined : choice;
      if (choice !== "auto") session.lang = choice;
      return escapeHtml(t(session.lang, choice === "auto" ? "lang.auto" : "lang.set"));
    }
    case "country": {
      if (command.args === "") {
        return escapeHtml(
          t(lang, "country.current", { country: placeName(context.kb, session.country, null, lang) }),
        );
      }
      const code = parseCountry(command.args, context.kb);
      if (!code) return unknownCountry(command.args, lang);
      session.country = code;
      return escapeHtml(t(lang, "country.set", { country: placeName(context.kb, code, null, lang) }));
    }
    case "history":
      return historyReply(command.args, lang, context, options.chartDir);
    default:
      return reply(message, lang, context);
  }
}

/** /history: the measured changes and the dated events as text, and the 30-day chart written to a file. */
async function historyReply(
  args: string,
  lang: Lang,
  context: AnswerContext & { store: StatusStore },
  chartDir: string,
): Promise<string> {
  const parsed = targetOf("history", args, lang, context);
  if ("html" in parsed) return parsed.html;
  const { target } = parsed;
  const { kb, store } = context;
  const chart = await historyChart(
    store,
    kb,
    target,
    lang,
    context.now ? { now: new Date(context.now()) } : {},
  );
  await mkdir(chartDir, { recursive: true });
  const path = join(chartDir, `history-${target.service}-${target.country}.png`);
  await writeFile(path, chart.png);
  const events = kb.eventsFor(target.service, target.country);
  return [
    renderHistory(kb, target, chart.timeline, events, lang),
    escapeHtml(t(lang, "console.chartWritten", { path })),
  ].join("\n\n");
}
