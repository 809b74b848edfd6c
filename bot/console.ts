import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { Lang } from "../kb/schema.js";
import type { AnswerContext } from "../pipeline/answer.js";
import { t } from "../present/i18n/index.js";
import { htmlToPlainText } from "../present/text.js";
import { reply } from "./conversation.js";

export interface ConsoleChatOptions {
  input: Readable;
  output: Writable;
  lang: Lang;
  context: AnswerContext;
  /** Called when answering a line failed; the chat goes on. */
  onError: (error: unknown) => void;
}

/**
 * The bot on a terminal, for running without a Telegram token: each line is a message, each answer the
 * bot's reply as plain text. Resolves `exit` when the user types exit, `eof` when the input ends.
 */
export async function runConsoleChat(options: ConsoleChatOptions): Promise<"exit" | "eof"> {
  const { input, output, lang, context } = options;
  const interactive = (input as { isTTY?: boolean }).isTTY === true;
  const rl = createInterface({ input, output, terminal: interactive, prompt: "> " });
  output.write(`${t(lang, "console.intro")}\n`);
  if (interactive) rl.prompt();
  for await (const line of rl) {
    const message = line.trim();
    if (message === "exit" || message === "quit") {
      rl.close();
      return "exit";
    }
    if (message !== "") {
      try {
        output.write(`${htmlToPlainText(await reply(message, lang, context))}\n\n`);
      } catch (error) {
        options.onError(error);
      }
    }
    if (interactive) rl.prompt();
  }
  rl.close();
  return "eof";
}
