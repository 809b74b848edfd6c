import type { methodEn } from "./en.js";

export type MethodKey = keyof typeof methodEn;
/** What every locale's method file provides: exactly the English keys. */
export type MethodMessages = Record<MethodKey, string>;
