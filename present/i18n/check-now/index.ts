import type { checkNowEn } from "./en.js";

export type CheckNowKey = keyof typeof checkNowEn;
/** What every locale's check-now file provides: exactly the English keys. */
export type CheckNowMessages = Record<CheckNowKey, string>;
