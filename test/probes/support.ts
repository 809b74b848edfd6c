import { expect } from "vitest";
import type { Vantage } from "../../model/measurement.js";
import { realNetwork } from "../../probes/network.js";
import { type ProbeContext, startClock } from "../../probes/stage.js";

// Shared by the probe tests: a context on the real network (pointed at loopback lab servers only), the
// check that a timed-out stage ended on time, and the two vantages every lab uses — a probe whose
// traffic leaves from 127.0.0.2 (the censored one) and a control at 127.0.0.3.

export const PROBE_SOURCE = "127.0.0.2";
export const CONTROL_SOURCE = "127.0.0.3";

export function labContext(signal?: AbortSignal): ProbeContext {
  return { network: realNetwork, clock: startClock(), ...(signal !== undefined ? { signal } : {}) };
}

export function labVantage(role: "probe" | "control", resolver: string): Vantage {
  return role === "probe"
    ? { id: "lab-probe", country: "CN", region: "beijing", role, resolver, localAddress: PROBE_SOURCE }
    : { id: "lab-control", country: "DE", role, resolver, localAddress: CONTROL_SOURCE };
}

/** A timed-out stage ended after its timeout and no later than 1.1 × it, by its own recorded t0/t. */
export function expectEndedByTimeout(record: { t0: number; t: number }, timeoutMs: number): void {
  const seconds = record.t - record.t0;
  expect(seconds).toBeGreaterThanOrEqual((timeoutMs / 1000) * 0.95);
  expect(seconds).toBeLessThanOrEqual((timeoutMs / 1000) * 1.1);
}
