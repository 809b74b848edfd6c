/** What a question asks about, before defaults are applied. Pure data. */
export interface ParsedQuestion {
  understood: boolean;
  /** Knowledge-base service id. */
  service: string | null;
  /** Host name the question named (a URL or a bare domain), without `www.`. */
  domain: string | null;
  /** ISO 3166-1 alpha-2, only when the question names a country or one of its regions. */
  country: string | null;
  region: string | null;
  /** Up to 3 service ids that look like what was meant, when nothing was understood. */
  suggestions: string[];
}
