import type { StatusChange } from "../../analysis/status-engine.js";
import type { KnowledgeBase } from "../../kb/knowledge-base.js";
import type { Store } from "../../store/types.js";
import { related } from "../answer.js";
import type { AlertView } from "./render-alert.js";

/**
 * What an alert says besides the change: the service's alternatives and, when it is blocked or partial,
 * the ways around the block, each with its own status in that country now, most useful first. Chosen as
 * the bot's answer chooses them (bot/answer.ts buildAnswer), so an alert and /status agree.
 */
export async function buildAlertView(
  kb: KnowledgeBase,
  store: Store,
  change: StatusChange,
): Promise<AlertView> {
  const { country } = change.target;
  const service = kb.service(change.target.service);
  if (!service) return { change, alternatives: [], circumvention: [] };
  const sameCategory = service.alternatives.filter((id) => kb.service(id)?.category === service.category);
  const alternatives = await related(
    kb,
    store,
    sameCategory.length > 0 ? sameCategory : service.alternatives,
    country,
  );
  const troubled = change.to === "blocked" || change.to === "partial";
  const tools = kb
    .circumventionTools()
    .map((s) => s.id)
    .filter((id) => id !== service.id);
  const circumvention = troubled ? await related(kb, store, tools, country) : [];
  return { change, alternatives, circumvention };
}
