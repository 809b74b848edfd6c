import { randomUUID } from "node:crypto";
import type { Judge } from "../analysis/judge.js";
import type { ProbedService } from "../analysis/judge-cycle.js";
import { deadline } from "../core/deadline.js";
import { parseTarget, type Refusal, refusalOfParsed } from "../core/ssrf.js";
import type { KnowledgeBase } from "../kb/knowledge-base.js";
import type { Endpoint } from "../kb/schema.js";
import type { Mechanism, ServiceStatusValue } from "../model/status.js";
import type { CacheStore, ClaimStore } from "../model/store.js";
import { type MeasureEndpoint, runProbeCycle } from "./measure.js";
import type { VantagePlan } from "./vantages.js";

// "Check now" for any domain: http:// and https:// of the domain (DNS included) from the country's probe
// vantages and the controls, judged exactly as a scheduled cycle judges a service (analysis/judge-cycle.ts), over
// a guarded network (probes/guarded-network.ts) so no one can aim the probe into a private network.
//
// Anyone may press the button, so the cost is bounded twice: one probe per (country, domain) per window
// for everyone (a store claim, shared by every replica; the others get that probe's result, or how long
// to wait), and a few checks per person per minute (a sliding window in the store, so a person whose
// updates reach several replicas still gets five).

export const TARGET_WINDOW_MS = 60_000;
export const PERSON_LIMIT = { uses: 5, windowMs: 60_000 };
/** Under the bot's handler timeout (bot/telegram.ts), so a check answers within the update. */
export const CHECK_DEADLINE_MS = 8_000;

export interface OnDemandRequest {
  /** A host name or address as the person wrote it; any spelling. */
  domain: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** Whoever asks (a Telegram user id, "console"): the per-person limit's key. */
  person: string;
}

export interface OnDemandResult {
  domain: string;
  country: string;
  status: ServiceStatusValue;
  mechanism: Mechanism | null;
  /** ISO time the probe finished. */
  checkedAt: string;
  /** Probe vantages of the country that took part. */
  vantages: string[];
  /** The name answered an address no probe may reach (private, loopback...): no verdict is given. */
  refused: boolean;
}

export type CheckOutcome =
  /** Probed now, for this request. */
  | { kind: "checked"; result: OnDemandResult }
  /** Someone's probe of the same target within the window. */
  | { kind: "recent"; result: OnDemandResult }
  /** Someone's probe is running; a new one may start in `retryInSeconds`. */
  | { kind: "pending"; domain: string; retryInSeconds: number }
  /** This person used their checks for now. */
  | { kind: "limited"; retryInSeconds: number }
  /** The target itself may not be probed (an address in a private range, a local name, not a host). */
  | { kind: "refused"; domain: string; reason: Refusal }
  /** The bot's vantage plan has no probe vantage in that country. */
  | { kind: "noVantage"; country: string };

export interface OnDemandOptions {
  kb: KnowledgeBase;
  store: ClaimStore & CacheStore;
  plan: VantagePlan;
  judge: Judge;
  /**
   * Measures on a network guarded against private and reserved addresses (probes/guarded-network.ts,
   * checked at connect time and on every redirect): the composition root binds it, so that no one can aim
   * a check into a private network.
   */
  measure: MeasureEndpoint;
  /** Epoch milliseconds. */
  now?: () => number;
  targetWindowMs?: number;
  personLimit?: { uses: number; windowMs: number };
  deadlineMs?: number;
  concurrency?: number;
  /** The ports probed as http:// and https://; a lab's stand in for 80 and 443 in tests. */
  webPorts?: { http: number; https: number };
  /** Extra trusted CAs (PEM), for a lab's test CA. */
  ca?: readonly string[];
}

interface Started {
  startedAt: number;
}

interface Finished {
  startedAt: number;
  result: OnDemandResult;
}

const WEB_PORTS = { http: 80, https: 443 };

/** The web feature of any domain: its http:// and https:// front pages. */
export function webOf(
  host: { kind: "ip"; address: string } | { kind: "name"; name: string },
  ports: { http: number; https: number },
): ProbedService {
  const where = host.kind === "ip" ? { ip: host.address } : { host: host.name };
  const endpoints: Endpoint[] = [
    { ...where, port: ports.http, protocol: "http", path: "/" },
    { ...where, port: ports.https, protocol: "https", path: "/" },
  ];
  return { id: "on-demand", features: [{ id: "web", essential: true, endpoints }] };
}

export interface OnDemandChecks {
  check(request: OnDemandRequest): Promise<CheckOutcome>;
}

export function createOnDemandChecks(options: OnDemandOptions): OnDemandChecks {
  const now = options.now ?? Date.now;
  const windowMs = options.targetWindowMs ?? TARGET_WINDOW_MS;
  const personLimit = options.personLimit ?? PERSON_LIMIT;

  async function probe(
    host: { kind: "ip"; address: string } | { kind: "name"; name: string },
    domain: string,
    country: string,
  ): Promise<OnDemandResult> {
    const limit = deadline(options.deadlineMs ?? CHECK_DEADLINE_MS);
    const cycle = await runProbeCycle({
      kb: options.kb,
      plan: options.plan,
      judge: options.judge,
      measure: options.measure,
      adHocServices: [webOf(host, options.webPorts ?? WEB_PORTS)],
      ...(options.ca ? { ca: options.ca } : {}),
      country,
      concurrency: options.concurrency ?? 4,
      signal: limit.signal,
      now: () => new Date(now()),
    }).finally(() => limit.dispose());
    const judged = cycle.results[0];
    const refused = (judged?.measurements ?? []).some((m) =>
      m.test_keys.tcp_connect.some((c) => c.status.failure === "ssrf_refused"),
    );
    return {
      domain,
      country,
      status: refused ? "unknown" : (judged?.status ?? "unknown"),
      mechanism: refused ? null : (judged?.mechanism ?? null),
      checkedAt: new Date(now()).toISOString(),
      vantages: judged?.vantages ?? [],
      refused,
    };
  }

  return {
    async check(request) {
      // A URL or a bare host; the host is the one a connection would go to (userinfo tricks undone).
      const parsed = parseTarget(request.domain).host;
      const refusal = refusalOfParsed(parsed);
      if (parsed.kind === "invalid" || refusal !== null) {
        return { kind: "refused", domain: request.domain, reason: refusal ?? "invalid" };
      }
      const domain = parsed.kind === "ip" ? parsed.address : parsed.name;
      const country = request.country.toUpperCase();
      const taken = await options.store.takeQuota(`on-demand-person:${request.person}`, personLimit, now());
      if (!taken.ok)
        return { kind: "limited", retryInSeconds: Math.max(1, Math.ceil(taken.retryInMs / 1000)) };
      if (!options.plan.vantages.some((v) => v.role === "probe" && v.country === country)) {
        return { kind: "noVantage", country };
      }

      // Key parts are URI-encoded: an IPv6 literal's colons would split the key.
      const target = `${country}:${encodeURIComponent(domain)}`;
      const owner = randomUUID();
      if (!(await options.store.claimOnce(`on-demand:${target}`, windowMs, owner))) {
        const [finished, started] = await Promise.all([
          options.store.getCached<Finished>(`on-demand-result:${target}`),
          options.store.getCached<Started>(`on-demand-started:${target}`),
        ]);
        if (finished && (!started || finished.startedAt >= started.startedAt)) {
          return { kind: "recent", result: finished.result };
        }
        const startedAt = started?.startedAt ?? now();
        const retryInSeconds = Math.max(1, Math.ceil((startedAt + windowMs - now()) / 1000));
        return { kind: "pending", domain, retryInSeconds };
      }
      const startedAt = now();
      await options.store.setCached<Started>(`on-demand-started:${target}`, { startedAt }, windowMs);
      let result: OnDemandResult;
      try {
        result = await probe(parsed, domain, country);
      } catch (error) {
        // A probe that never finished must not hold the target for the rest of the window.
        await options.store.releaseClaim(`on-demand:${target}`, owner);
        throw error;
      }
      await options.store.setCached<Finished>(`on-demand-result:${target}`, { startedAt, result }, windowMs);
      return { kind: "checked", result };
    },
  };
}
