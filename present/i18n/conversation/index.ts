import type { conversationEn } from "./en.js";

export type ConversationKey = keyof typeof conversationEn;
/** What every locale's conversation file provides: exactly the English keys. */
export type ConversationMessages = Record<ConversationKey, string>;
