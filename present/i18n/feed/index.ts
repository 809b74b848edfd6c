import type { feedEn } from "./en.js";

export type FeedKey = keyof typeof feedEn;
/** What every locale's feed file provides: exactly the English keys. */
export type FeedMessages = Record<FeedKey, string>;
