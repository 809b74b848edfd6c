import type { Lang } from "../kb/schema.js";
import type { ServiceStatusValue, StatusMethod } from "../model/status.js";
import type { Basis } from "../pipeline/status-view.js";
import { type MessageKey, t } from "./i18n/index.js";

// "How we know", chosen from what the status rests on, so that the sentence is true for this answer:
// "compared with a control" only when a control took part, "positive evidence" only when a block was found
// without one, "reached the service itself" only when a probe in the country did.

export interface MethodInput {
  status: ServiceStatusValue;
  basis: Basis;
  method: StatusMethod | null;
  /** When our vantages last measured and could not tell, beside a history-based status. */
  undecidedAt: string | null;
}

/** The message that says how this status is known. */
export function methodKey(input: MethodInput): MessageKey {
  if (input.basis === "none") return "method.none";
  if (input.basis === "history") return input.undecidedAt ? "method.historyUndecided" : "method.history";
  const method = input.method;
  if (input.status === "unknown") {
    return method && method.vantages > 0 && method.controls === 0 ? "method.noControl" : "method.undecided";
  }
  // A status stored before methods were recorded: say only that it was measured.
  if (!method) return "method.measured";
  if (method.controls > 0) return "method.control";
  if (input.status === "accessible" && method.direct > 0) return "method.direct";
  if ((input.status === "blocked" || input.status === "partial") && method.positive > 0)
    return "method.positive";
  return "method.measured";
}

/** The sentence, filled: `place` is the country (or region) as the answer names it. */
export function methodSentence(
  input: MethodInput,
  lang: Lang,
  place: string,
  formatDate: (iso: string) => string,
): string {
  return t(lang, methodKey(input), {
    place,
    ...(input.undecidedAt ? { date: formatDate(input.undecidedAt) } : {}),
  });
}
