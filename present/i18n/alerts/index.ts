import type { alertsEn } from "./en.js";

export type AlertKey = keyof typeof alertsEn;
/** What every locale's alert file provides: exactly the English keys. */
export type AlertMessages = Record<AlertKey, string>;
