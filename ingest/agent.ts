import { createJudge } from "../analysis/judge.js";
import type { Logger } from "../core/log.js";
import { MAX_TIMER_MS } from "../core/timers.js";
import type { KnowledgeBase } from "../kb/knowledge-base.js";
import { type MeasureEndpoint, measureVantages } from "../pipeline/measure.js";
import type { VantagePlan } from "../pipeline/vantages.js";
import type { Outbox } from "./outbox.js";
import { backoffMs, type FlushReport, flushOutbox, type PushTarget } from "./push.js";

// A remote agent: measure where it runs, keep each batch in the outbox, push the outbox to the bot.
// Measuring and pushing are separate so that an unreachable bot never holds up a cycle, and a cycle
// never holds up a retry. cli/agent.ts wires this to the real network, the schedule and signals.

export interface AgentOptions {
  kb: KnowledgeBase;
  /** One vantage: where this agent is. The bot knows it by the agent's registration. */
  plan: VantagePlan;
  /** How an endpoint is measured here: the probes on the real network, bound by cli/agent.ts. */
  measure: MeasureEndpoint;
  outbox: Outbox;
  target: PushTarget;
  log: Logger;
  services?: readonly string[];
  concurrency?: number;
  now?: () => Date;
}

export interface Agent {
  /** One probe cycle; its batch is in the outbox when this resolves. Resolves to the batch's name. */
  measure(signal?: AbortSignal): Promise<string>;
  /** Pushes what the outbox holds, oldest first, until it is empty or the bot must be retried later. */
  flush(): Promise<FlushReport>;
  /**
   * Keeps flushing in the background: after a failure it retries with a capped exponential back-off,
   * otherwise it waits for `kick()`. Resolves when `stop()` was called.
   */
  pushLoop(): Promise<void>;
  kick(): void;
  stop(): void;
}

/** Lower than the bot's: an agent is often a small machine on a slow link. */
export const DEFAULT_AGENT_CONCURRENCY = 8;

export function createAgent(options: AgentOptions): Agent {
  const { kb, outbox, target, log } = options;
  const now = options.now ?? (() => new Date());
  const judge = createJudge(kb);
  // Measurements carry the agent's id as their vantage; the bot stamps its registered identity anyway.
  const plan: VantagePlan = {
    ...options.plan,
    vantages: options.plan.vantages.map((v) => ({ ...v, id: target.agentId })),
  };
  let wake: (() => void) | undefined;
  let kicked = false;
  let stopped = false;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  const agent: Agent = {
    async measure(signal) {
      const startedAt = now();
      // Measuring only: judging is the bot's, with every vantage's measurements together.
      const cycle = await measureVantages({
        kb,
        plan,
        judge,
        measure: options.measure,
        concurrency: options.concurrency ?? DEFAULT_AGENT_CONCURRENCY,
        now,
        ...(options.services ? { services: options.services } : {}),
        ...(signal ? { signal } : {}),
      });
      const { measurements } = cycle;
      const name = await outbox.add(
        { canaries: cycle.canaries, measurements, createdAt: startedAt.toISOString() },
        startedAt.getTime(),
      );
      log.info("cycle measured", {
        batch: name,
        measurements: measurements.length,
        canaries: cycle.canaries.length,
        offline: cycle.offline.length > 0,
      });
      return name;
    },
    flush: () => flushOutbox(outbox, target, log),
    async pushLoop() {
      let failures = 0;
      while (!stopped) {
        kicked = false;
        const report = await agent.flush().catch((error: unknown) => {
          log.error("outbox flush failed", { error });
          return { delivered: 0, dropped: 0, remaining: 1 };
        });
        if (stopped) break;
        if (report.remaining > 0) {
          const wait = backoffMs(failures++);
          log.info("outbox kept for a retry", { remaining: report.remaining, retryInMs: wait });
          await sleep(wait);
        } else {
          failures = 0;
          if (!kicked) await sleep(MAX_TIMER_MS);
        }
      }
    },
    kick() {
      kicked = true;
      wake?.();
    },
    stop() {
      stopped = true;
      wake?.();
    },
  };
  return agent;
}
