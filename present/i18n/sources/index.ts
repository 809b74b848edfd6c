import type { sourcesEn } from "./en.js";

export type SourcesKey = keyof typeof sourcesEn;
/** What every locale's sources file provides: exactly the English keys. */
export type SourcesMessages = Record<SourcesKey, string>;
