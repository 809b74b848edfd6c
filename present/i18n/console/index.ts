import type { consoleEn } from "./en.js";

export type ConsoleKey = keyof typeof consoleEn;
/** What every locale's console file provides: exactly the English keys. */
export type ConsoleMessages = Record<ConsoleKey, string>;
