import type { RemoteObservations } from "../analysis/observations.js";
import type { Measurement } from "../model/measurement.js";
import { startOf } from "../model/measurement.js";
import type { IngestStore } from "../model/store.js";
import { type AgentRegistry, vantageOf } from "./agents.js";

// What the registered agents contribute to a cycle: their vantages, their fresh measurements, and which
// of them are offline. An agent is offline when its last accepted report is older than `staleAfterMs`
// (a missed heartbeat) or when its latest canary failed: either way its results are unknown, never
// blocked (docs/design.md rule 5). Reads the store only; judging stays with the cycle.

export interface RemoteProviderOptions {
  store: Pick<IngestStore, "ingestedSince" | "lastHeartbeat">;
  agents: AgentRegistry;
  /** Whether a canary measurement shows its vantage online (analysis/judge.ts `online`). */
  online: (canary: Measurement) => boolean;
  now?: () => Date;
}

export function createRemoteProvider(options: RemoteProviderOptions): () => Promise<RemoteObservations> {
  const { store, agents, online } = options;
  const now = options.now ?? (() => new Date());
  return async () => {
    const nowMs = now().getTime();
    const since = nowMs - agents.staleAfterMs;
    const perAgent = await Promise.all(
      agents.agents.map(async (agent) => {
        const heartbeat = await store.lastHeartbeat(agent.id);
        if (heartbeat === undefined || heartbeat < since) return { agent, measurements: null };
        const fresh = latestFirst(await store.ingestedSince(agent.id, since));
        const canary = fresh.find((m) => m.test_name === "isblocked_canary");
        if (canary && !online(canary)) return { agent, measurements: null };
        return { agent, measurements: latestPerEndpoint(fresh) };
      }),
    );
    return {
      vantages: perAgent.map(({ agent }) => vantageOf(agent)),
      measurements: perAgent.flatMap(({ measurements }) => measurements ?? []),
      offline: perAgent.filter(({ measurements }) => measurements === null).map(({ agent }) => agent.id),
    };
  };
}

function latestFirst(measurements: Measurement[]): Measurement[] {
  return [...measurements].sort((a, b) => startOf(b) - startOf(a));
}

/** One measurement per endpoint, the newest: a cycle judges what a vantage sees now. */
function latestPerEndpoint(newestFirst: readonly Measurement[]): Measurement[] {
  const seen = new Set<string>();
  return newestFirst.filter((m) => {
    if (m.test_name !== "isblocked_endpoint") return false;
    const key = JSON.stringify([m.service, m.feature, m.input]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
