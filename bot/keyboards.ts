import type { InlineKeyboardButton, InlineKeyboardMarkup } from "telegraf/types";
import type { KnowledgeBase } from "../kb/knowledge-base.js";
import { LANGS, type Lang } from "../kb/schema.js";
import type { Target } from "../model/status.js";
import type { ChatSettings } from "../model/store.js";
import { t } from "../present/i18n/index.js";
import { targetLabel } from "./views/targets.js";

// Inline keyboards and their callback data. Telegram allows 1-64 bytes of callback data, and a client can
// send any bytes it likes, so data is short ("sub:whatsapp:CN") and parsed strictly: anything else is
// undefined, never a guess.

export const CALLBACK_DATA_LIMIT = 64;

/** What a button under an answer or a subscription list does with its target. */
export type TargetAction = "sub" | "uns" | "alt" | "det" | "his";
export type Delivery = NonNullable<ChatSettings["delivery"]>;

export type Callback =
  | { kind: "target"; action: TargetAction; target: Target }
  | { kind: "lang"; lang: Lang | "auto" }
  | { kind: "delivery"; delivery: Delivery };

const TARGET_ACTIONS: readonly TargetAction[] = ["sub", "uns", "alt", "det", "his"];
const SERVICE_ID = /^(?:[a-z0-9][a-z0-9-]{0,40}|\*)$/;
const COUNTRY = /^[A-Z]{2}$/;

export function encodeCallback(callback: Callback): string {
  switch (callback.kind) {
    case "target":
      return `${callback.action}:${callback.target.service}:${callback.target.country}`;
    case "lang":
      return `lang:${callback.lang}`;
    case "delivery":
      return `dlv:${callback.delivery}`;
  }
}

export function parseCallback(data: string | undefined): Callback | undefined {
  if (data === undefined || data.length > CALLBACK_DATA_LIMIT) return undefined;
  const [kind, a, b, ...rest] = data.split(":");
  if (rest.length > 0) return undefined;
  if (TARGET_ACTIONS.includes(kind as TargetAction) && a && b && SERVICE_ID.test(a) && COUNTRY.test(b)) {
    return { kind: "target", action: kind as TargetAction, target: { service: a, country: b } };
  }
  if (kind === "lang" && b === undefined && (a === "auto" || LANGS.includes(a as Lang))) {
    return { kind: "lang", lang: a as Lang | "auto" };
  }
  if (kind === "dlv" && b === undefined && (a === "immediate" || a === "digest")) {
    return { kind: "delivery", delivery: a };
  }
  return undefined;
}

const button = (text: string, callback: Callback): InlineKeyboardButton => ({
  text,
  callback_data: encodeCallback(callback),
});

/**
 * Under an answer about one service: Subscribe, Alternatives / Details, History / Share. Share opens
 * Telegram's chat picker with the bot's inline mode asking the same question there, so the answer can go
 * into the group where the rumour started, as the bot's own message rather than a copy.
 */
export function answerKeyboard(target: Target, lang: Lang): InlineKeyboardMarkup {
  const on = (action: TargetAction) => ({ kind: "target", action, target }) as const;
  return {
    inline_keyboard: [
      [button(t(lang, "button.subscribe"), on("sub")), button(t(lang, "button.alternatives"), on("alt"))],
      [button(t(lang, "button.details"), on("det")), button(t(lang, "button.history"), on("his"))],
      [{ text: t(lang, "button.share"), switch_inline_query: shareQuery(target) }],
    ],
  };
}

/** The inline query a shared answer asks: service id and country code, which every language parses. */
export const shareQuery = (target: Target): string => `${target.service} ${target.country}`;

/** Each language named in itself, so anyone finds their own whatever the chat's language is now. */
export const LANGUAGE_NAMES: Record<Lang, string> = {
  en: "English",
  "zh-Hans": "简体中文",
  "zh-Hant": "繁體中文",
  ru: "Русский",
  fa: "فارسی",
};

export function languageKeyboard(lang: Lang): InlineKeyboardMarkup {
  return {
    inline_keyboard: [
      LANGS.slice(0, 3).map((l) => button(LANGUAGE_NAMES[l], { kind: "lang", lang: l })),
      LANGS.slice(3).map((l) => button(LANGUAGE_NAMES[l], { kind: "lang", lang: l })),
      [button(t(lang, "button.langAuto"), { kind: "lang", lang: "auto" })],
    ],
  };
}

/** A keyboard stays usable, and within Telegram's size limits, with this many ✖ buttons; /unsubscribe does the rest. */
export const UNSUBSCRIBE_BUTTONS = 20;

/**
 * Under the subscription list: a button to drop each subscription (the first UNSUBSCRIBE_BUTTONS), and one
 * to switch the delivery mode.
 */
export function subscriptionsKeyboard(
  kb: KnowledgeBase,
  targets: readonly Target[],
  delivery: Delivery,
  lang: Lang,
): InlineKeyboardMarkup {
  const rows = targets.slice(0, UNSUBSCRIBE_BUTTONS).map((target) => [
    button(t(lang, "button.unsubscribe", { target: targetLabel(kb, target, lang) }), {
      kind: "target",
      action: "uns",
      target,
    }),
  ]);
  const other: Delivery = delivery === "digest" ? "immediate" : "digest";
  rows.push([
    button(t(lang, other === "digest" ? "button.digest" : "button.immediate"), {
      kind: "delivery",
      delivery: other,
    }),
  ]);
  return { inline_keyboard: rows };
}
