import type { regionsEn } from "./en.js";

export type RegionsKey = keyof typeof regionsEn;
/** What every locale's region file provides: exactly the English keys. */
export type RegionsMessages = Record<RegionsKey, string>;
