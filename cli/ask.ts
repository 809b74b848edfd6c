import { parseArgs } from "node:util";
import { ask, askJson } from "../bot/ask.js";
import { pickLang } from "../present/i18n/index.js";
import { openApp } from "./app.js";
import { type Io, UsageError } from "./io.js";
import { countryOption } from "./options.js";

const LANG_FLAG = /^(en|zh|zh-hans|zh-hant|zh-cn|zh-tw|ru|fa)$/i;

export async function runAsk(args: string[], io: Io): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    options: { country: { type: "string" }, lang: { type: "string" }, json: { type: "boolean" } },
    allowPositionals: true,
  });
  const question = positionals.join(" ").trim();
  if (question === "")
    throw new UsageError('ask needs a question, e.g. isblocked ask "is whatsapp blocked in china"');
  if (values.lang !== undefined && !LANG_FLAG.test(values.lang)) {
    throw new UsageError(`--lang must be one of en, zh, zh-Hant, ru, fa (got ${values.lang})`);
  }
  const app = await openApp();
  try {
    const country = countryOption(app.kb, values.country);
    const result = await ask(question, pickLang(values.lang), {
      kb: app.kb,
      store: app.store,
      defaultCountry: country ?? app.config.defaultCountry,
      ooni: app.ooni,
    });
    io.out(values.json ? `${JSON.stringify(askJson(result), null, 2)}\n` : `${result.text}\n`);
    return 0;
  } finally {
    app.ooni.close();
    await app.store.close();
  }
}
