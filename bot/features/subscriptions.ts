import { Composer } from "telegraf";
import type { Target } from "../../model/status.js";
import { ALL_SERVICES } from "../../model/store.js";
import { t } from "../../present/i18n/index.js";
import { escapeHtml } from "../../present/text.js";
import { type Delivery, subscriptionsKeyboard } from "../keyboards.js";
import { renderSubscriptions } from "../views/subscriptions.js";
import { targetLabel } from "../views/targets.js";
import { acknowledge, expiredButton } from "./buttons.js";
import { type BotContext, type BotDeps, chatKey } from "./context.js";
import { mayChangeChat } from "./guard.js";
import { buttons, commands, targetButtons } from "./routing.js";
import { prepareHtml, sendHtml } from "./send.js";
import { targetFromArgs } from "./target-args.js";

// /subscribe, /unsubscribe, /subscriptions and /delivery, and the Subscribe, ✖ and delivery buttons. The
// store keeps who follows what and how they want it delivered; sending the alerts is another part's work.

const DELIVERY_WORDS: Record<string, Delivery> = {
  immediate: "immediate",
  instant: "immediate",
  now: "immediate",
  digest: "digest",
  daily: "digest",
};

async function deliveryOf(deps: BotDeps, chat: string): Promise<Delivery> {
  return (await deps.store.getChat(chat))?.delivery ?? "immediate";
}

async function showSubscriptions(ctx: BotContext, deps: BotDeps, chat: string, edit: boolean): Promise<void> {
  const targets = await deps.store.subscriptionsOf(chat);
  const delivery = await deliveryOf(deps, chat);
  const html = renderSubscriptions(deps.kb, targets, delivery, ctx.lang);
  const keyboard = subscriptionsKeyboard(deps.kb, targets, delivery, ctx.lang);
  const parts = prepareHtml(html, ctx);
  // A list too long for one message is sent anew rather than edited into a truncated one.
  if (!edit || parts.length !== 1) return sendHtml(ctx, html, { keyboard });
  try {
    await ctx.editMessageText(parts[0] ?? html, { parse_mode: "HTML", reply_markup: keyboard });
  } catch (error) {
    // The change is stored and confirmed on the button; a list that cannot be refreshed (too old, or
    // unchanged after a double tap) is only stale.
    deps.log.debug("subscription list not refreshed", { error });
  }
}

const isKnownTarget = (deps: BotDeps, target: Target) =>
  (target.service === ALL_SERVICES || deps.kb.service(target.service) !== undefined) &&
  deps.kb.country(target.country) !== undefined;

export function subscriptionsFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const label = (ctx: BotContext, target: Target) => targetLabel(deps.kb, target, ctx.lang);

  composer.use(
    commands({
      subscribe: async (ctx, args) => {
        const chat = chatKey(ctx);
        const target = await targetFromArgs(ctx, deps, "subscribe", args, { allowAll: true });
        if (!chat || !target || !(await mayChangeChat(ctx))) return;
        const added = await deps.store.subscribe(chat, target);
        await deps.store.updateChat(chat, { active: true });
        const key = added ? "subscribe.done" : "subscribe.already";
        await sendHtml(ctx, escapeHtml(t(ctx.lang, key, { target: label(ctx, target) })));
      },
      unsubscribe: async (ctx, args) => {
        const chat = chatKey(ctx);
        if (!chat) return;
        if (args === "") return showSubscriptions(ctx, deps, chat, false);
        const target = await targetFromArgs(ctx, deps, "unsubscribe", args, { allowAll: true });
        if (!target || !(await mayChangeChat(ctx))) return;
        const removed = await deps.store.unsubscribe(chat, target);
        const key = removed ? "unsubscribe.done" : "unsubscribe.missing";
        await sendHtml(ctx, escapeHtml(t(ctx.lang, key, { target: label(ctx, target) })));
      },
      subscriptions: async (ctx) => {
        const chat = chatKey(ctx);
        if (chat) await showSubscriptions(ctx, deps, chat, false);
      },
      delivery: async (ctx, args) => {
        const chat = chatKey(ctx);
        if (!chat) return;
        const delivery = DELIVERY_WORDS[args.toLowerCase()];
        if (!delivery) {
          const mode = t(ctx.lang, `delivery.${await deliveryOf(deps, chat)}`);
          return sendHtml(ctx, escapeHtml(t(ctx.lang, "delivery.usage", { mode })));
        }
        if (!(await mayChangeChat(ctx))) return;
        await deps.store.updateChat(chat, { delivery });
        await sendHtml(
          ctx,
          escapeHtml(t(ctx.lang, "delivery.set", { mode: t(ctx.lang, `delivery.${delivery}`) })),
        );
      },
    }),
  );

  composer.use(
    targetButtons(["sub", "uns"], async (ctx, { action, target }) => {
      const chat = chatKey(ctx);
      if (!chat || !isKnownTarget(deps, target)) return expiredButton(ctx);
      if (!(await mayChangeChat(ctx))) return;
      if (action === "sub") {
        const added = await deps.store.subscribe(chat, target);
        await deps.store.updateChat(chat, { active: true });
        await acknowledge(
          ctx,
          t(ctx.lang, added ? "subscribe.done" : "subscribe.already", { target: label(ctx, target) }),
        );
        return;
      }
      const removed = await deps.store.unsubscribe(chat, target);
      const key = removed ? "unsubscribe.done" : "unsubscribe.missing";
      await acknowledge(ctx, t(ctx.lang, key, { target: label(ctx, target) }));
      await showSubscriptions(ctx, deps, chat, true);
    }),
  );

  composer.use(
    buttons("delivery", async (ctx, { delivery }) => {
      const chat = chatKey(ctx);
      if (!chat) return expiredButton(ctx);
      if (!(await mayChangeChat(ctx))) return;
      await deps.store.updateChat(chat, { delivery });
      await acknowledge(ctx, t(ctx.lang, "delivery.set", { mode: t(ctx.lang, `delivery.${delivery}`) }));
      await showSubscriptions(ctx, deps, chat, true);
    }),
  );
  return composer;
}
