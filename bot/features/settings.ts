import { Composer } from "telegraf";
import type { Lang } from "../../kb/schema.js";
import { pickLang, t } from "../../present/i18n/index.js";
import { escapeHtml, placeName } from "../../present/text.js";
import { unknownCountry } from "../conversation.js";
import { languageKeyboard } from "../keyboards.js";
import { languageChoice } from "../languages.js";
import { parseCountry } from "../targets.js";
import { acknowledge, expiredButton } from "./buttons.js";
import { type BotContext, type BotDeps, chatKey } from "./context.js";
import { mayChangeChat } from "./guard.js";
import { buttons, commands } from "./routing.js";
import { sendHtml } from "./send.js";

async function setLanguage(
  ctx: BotContext,
  deps: BotDeps,
  choice: Lang | "auto",
): Promise<string | undefined> {
  const chat = chatKey(ctx);
  if (!chat) return undefined;
  await deps.store.updateChat(chat, { lang: choice === "auto" ? undefined : choice });
  ctx.lang = choice === "auto" ? pickLang(ctx.from?.language_code) : choice;
  return t(ctx.lang, choice === "auto" ? "lang.auto" : "lang.set");
}

/** /country and /lang: the chat's default country and language; changing them is for admins in groups. */
export function settingsFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.use(
    commands({
      country: async (ctx, args) => {
        if (args === "") {
          const country = placeName(deps.kb, ctx.country, null, ctx.lang);
          return sendHtml(ctx, escapeHtml(t(ctx.lang, "country.current", { country })));
        }
        const code = parseCountry(args, deps.kb);
        if (!code) return sendHtml(ctx, unknownCountry(args, ctx.lang));
        const chat = chatKey(ctx);
        if (!chat || !(await mayChangeChat(ctx))) return;
        await deps.store.updateChat(chat, { country: code });
        ctx.country = code;
        const country = placeName(deps.kb, code, null, ctx.lang);
        await sendHtml(ctx, escapeHtml(t(ctx.lang, "country.set", { country })));
      },
      lang: async (ctx, args) => {
        const choice = languageChoice(args);
        if (args === "" || !choice) {
          return sendHtml(ctx, escapeHtml(t(ctx.lang, "lang.choose")), {
            keyboard: languageKeyboard(ctx.lang),
          });
        }
        if (!(await mayChangeChat(ctx))) return;
        const said = await setLanguage(ctx, deps, choice);
        if (said) await sendHtml(ctx, escapeHtml(said));
      },
    }),
  );
  composer.use(
    buttons("lang", async (ctx, { lang }) => {
      if (!ctx.chat) return expiredButton(ctx);
      if (!(await mayChangeChat(ctx))) return;
      const said = await setLanguage(ctx, deps, lang);
      await acknowledge(ctx, said);
      if (said) await sendHtml(ctx, escapeHtml(said));
    }),
  );
  return composer;
}
