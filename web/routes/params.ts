import type { KnowledgeBase } from "../../kb/knowledge-base.js";
import { type ApiError, apiError, type WebResponse } from "../http.js";

// Query parameters of /api/v1, checked one by one: a malformed one is a 400 naming it, a well-formed one
// the knowledge base does not know a 404 naming it.

/** Thrown by a route with the response to send instead; web/server.ts catches it. */
export class HttpError extends Error {
  override name = "HttpError";
  constructor(readonly response: WebResponse) {
    super(`HTTP ${response.status}`);
  }
}

const fail = (status: number, error: ApiError): never => {
  throw new HttpError(apiError(status, error));
};

export const MAX_DAYS = 365;

function single(url: URL, name: string): string | undefined {
  const values = url.searchParams.getAll(name);
  if (values.length > 1)
    fail(400, { error: "invalid_parameter", parameter: name, message: `${name} is given more than once` });
  return values[0];
}

/** `country`: required, an ISO 3166-1 alpha-2 code (any case) of a country in the knowledge base. */
export function countryParam(url: URL, kb: KnowledgeBase): string {
  const raw = single(url, "country");
  if (raw === undefined || raw.trim() === "") {
    return fail(400, {
      error: "invalid_parameter",
      parameter: "country",
      message: "country is required, e.g. country=CN",
    });
  }
  const code = raw.trim().toUpperCase();
  if (!/^[A-Z]{2}$/.test(code)) {
    return fail(400, {
      error: "invalid_parameter",
      parameter: "country",
      message: "country must be an ISO 3166-1 alpha-2 code such as CN",
    });
  }
  if (!kb.country(code)) {
    return fail(404, {
      error: "not_found",
      parameter: "country",
      message: `country ${code} is not in the knowledge base`,
    });
  }
  return code;
}

/** `service`: a knowledge-base id such as whatsapp; undefined when optional and absent. */
export function serviceParam(url: URL, kb: KnowledgeBase, required: true): string;
export function serviceParam(url: URL, kb: KnowledgeBase, required: false): string | undefined;
export function serviceParam(url: URL, kb: KnowledgeBase, required: boolean): string | undefined {
  const raw = single(url, "service");
  if (raw === undefined || raw.trim() === "") {
    if (!required) return undefined;
    return fail(400, {
      error: "invalid_parameter",
      parameter: "service",
      message: "service is required, e.g. service=whatsapp",
    });
  }
  const id = raw.trim().toLowerCase();
  if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(id)) {
    return fail(400, {
      error: "invalid_parameter",
      parameter: "service",
      message: "service must be a knowledge-base id: lower-case letters, digits and dashes, e.g. whatsapp",
    });
  }
  if (!kb.service(id)) {
    return fail(404, {
      error: "not_found",
      parameter: "service",
      message: `service ${id} is not in the knowledge base`,
    });
  }
  return id;
}

/** `days`: a whole number of days, 1 to 365; 30 when absent. */
export function daysParam(url: URL, fallback = 30): number {
  const raw = single(url, "days");
  if (raw === undefined) return fallback;
  const days = /^\d{1,3}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) {
    return fail(400, {
      error: "invalid_parameter",
      parameter: "days",
      message: `days must be a whole number from 1 to ${MAX_DAYS}`,
    });
  }
  return days;
}
