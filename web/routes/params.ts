import type { Context } from "hono";
import { z } from "zod";
import type { KnowledgeBase } from "../../kb/knowledge-base.js";
import { apiError } from "../http.js";

// The parameters of /api/v1 and of the service pages as zod schemas, for @hono/zod-validator. A malformed
// query parameter is a 400 naming it, a well-formed one the knowledge base does not know a 404 naming it
// (README "Status page and API"); the first parameter at fault, in the order the schema lists them, is
// the one named. Each check aborts its parameter's later ones, so each message is about the first fault.

export const MAX_DAYS = 365;

/** The 404 of a parameter the knowledge base does not know, told apart from a 400 by this mark. */
const NOT_FOUND = { status: 404 } as const;

/** A query parameter given at most once (Hono's validator turns a repeated one into an array). */
const single = (name: string, required: string) =>
  z.string({ error: (issue) => (issue.input === undefined ? required : `${name} is given more than once`) });

const COUNTRY_REQUIRED = "country is required, e.g. country=CN";
const SERVICE_REQUIRED = "service is required, e.g. service=whatsapp";
const DAYS_INVALID = `days must be a whole number from 1 to ${MAX_DAYS}`;

/** `country`: required, an ISO 3166-1 alpha-2 code (any case) of a country in the knowledge base. */
const country = (kb: KnowledgeBase) =>
  single("country", COUNTRY_REQUIRED)
    .trim()
    .min(1, { error: COUNTRY_REQUIRED, abort: true })
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, { error: "country must be an ISO 3166-1 alpha-2 code such as CN", abort: true })
    .refine((code) => kb.country(code) !== undefined, {
      error: (issue) => `country ${String(issue.input)} is not in the knowledge base`,
      params: NOT_FOUND,
    });

/** `service`: a knowledge-base id such as whatsapp. */
const service = (kb: KnowledgeBase) =>
  single("service", SERVICE_REQUIRED)
    .trim()
    .min(1, { error: SERVICE_REQUIRED, abort: true })
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, {
      error: "service must be a knowledge-base id: lower-case letters, digits and dashes, e.g. whatsapp",
      abort: true,
    })
    .refine((id) => kb.service(id) !== undefined, {
      error: (issue) => `service ${String(issue.input)} is not in the knowledge base`,
      params: NOT_FOUND,
    });

/** `service` where it may be left out: absent or blank is undefined. */
const optionalService = (kb: KnowledgeBase) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), service(kb).optional());

/** `days`: a whole number of days, 1 to 365; 30 when absent. */
const days = single("days", DAYS_INVALID)
  .trim()
  .regex(/^\d{1,3}$/, { error: DAYS_INVALID, abort: true })
  .transform(Number)
  .refine((n) => n >= 1 && n <= MAX_DAYS, { error: DAYS_INVALID })
  .default(30);

/** GET /api/v1/status: `country`, then `service` (optional). */
export const statusQuery = (kb: KnowledgeBase) =>
  z.object({ country: country(kb), service: optionalService(kb) });

/** GET /api/v1/history: `service`, `country`, then `days`. */
export const historyQuery = (kb: KnowledgeBase) =>
  z.object({ service: service(kb), country: country(kb), days });

/**
 * The (service, country) a service page's path names, when the knowledge base knows both; the service as
 * its id, the country in any case.
 */
export const targetPath = (kb: KnowledgeBase) =>
  z.object({
    service: z.string().refine((id) => kb.service(id) !== undefined),
    country: z
      .string()
      .toUpperCase()
      .refine((code) => kb.country(code) !== undefined),
  });

/** zod-validator's hook for the API: the first parameter at fault, as the JSON error naming it. */
export function apiParameterError(
  result: { success: true } | { success: false; error: z.core.$ZodError },
  _c: Context,
): Response | undefined {
  if (result.success) return undefined;
  const issue = result.error.issues[0];
  const parameter = String(issue?.path[0] ?? "");
  const message = issue?.message ?? "invalid parameter";
  const notFound = issue?.code === "custom" && issue.params?.status === NOT_FOUND.status;
  return notFound
    ? apiError(404, { error: "not_found", parameter, message })
    : apiError(400, { error: "invalid_parameter", parameter, message });
}
