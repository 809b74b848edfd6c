import type { ooniEn } from "./en.js";

export type OoniKey = keyof typeof ooniEn;
/** What every locale's OONI file provides: exactly the English keys. */
export type OoniMessages = Record<OoniKey, string>;
