import type { StatusChange } from "../../analysis/status-engine.js";
import type { KnowledgeBase } from "../../kb/knowledge-base.js";
import type { StatusStore } from "../../model/store.js";
import { whatWorksInstead } from "../../pipeline/read-model.js";
import type { AlertView } from "./render-alert.js";

/**
 * What an alert says besides the change: the service's alternatives and, when it is blocked or partial,
 * the ways around the block, each with its own status in that country now, most useful first, chosen
 * as the bot's answer chooses them (whatWorksInstead), so an alert and /status agree.
 */
export async function buildAlertView(
  kb: KnowledgeBase,
  store: Pick<StatusStore, "getStatuses">,
  change: StatusChange,
  nowMs: number,
): Promise<AlertView> {
  const { country } = change.target;
  const service = kb.service(change.target.service);
  if (!service) return { change, alternatives: [], circumvention: [] };
  const { alternatives, circumvention } = await whatWorksInstead(
    kb,
    store,
    service,
    country,
    change.to,
    nowMs,
  );
  return { change, alternatives, circumvention };
}
