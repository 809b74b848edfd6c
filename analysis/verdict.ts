import type { Evidence } from "../kb/schema.js";
import type { HttpResponseRecord, TestKeys } from "../model/measurement.js";
import type { EndpointVerdict, Mechanism } from "../model/status.js";
import { type AsnContext, type DnsConsistency, dnsConsistency } from "./dns.js";
import { classifyAddress, findBenignPage } from "./evidence.js";
import { isCertificateFailure, isSiteFault } from "./failures.js";
import { responseBodyLength } from "./http-body.js";
import { httpDiff } from "./http-diff.js";
import { canonicalIp } from "./ip.js";
import { observeAt, observeDns, type PathResult, type Target, targetFromInput, walkPath } from "./path.js";
import { forgedAnswer, knownBlockpage, privateRedirect } from "./positive.js";

// DESIGN "How a verdict is decided", rules 1-5, for one endpoint seen from one probe vantage and any
// number of control vantages. Pure: measurements in, verdict with its evidence out.
//
//  1. positive evidence (forged/bogon answer, known blockpage, redirect into a private network, a wrong
//     certificate on a hijacked answer) → blocked, control or not;
//  2. the probe fails and a control succeeds → blocked at the failing stage; both fail → down;
//  3. answers that differ but share an address/ASN or prove themselves with TLS are consistent;
//  4. an answer over a valid TLS session for the name is the service itself → ok, whatever its status;
//  5. no control and no positive evidence → unknown.

export interface VerdictContext extends AsnContext {
  /** The knowledge base's evidence (`kb.evidence`). */
  evidence: Evidence;
  /** The endpoint's host, when `input` does not say it. */
  host?: string;
  /** The endpoint as an input: `tcp://host:port`, `tls://host:port` or an http(s) URL. */
  input?: string;
  /** The probe's country: forged answers are country-specific. */
  country?: string | null;
}

const STAGE: Record<Mechanism, string> = { dns: "DNS", tcp: "TCP connect", tls: "TLS", http: "HTTP" };

const verdict = (
  v: EndpointVerdict["verdict"],
  mechanism: Mechanism | null,
  evidence: string[],
): EndpointVerdict => ({
  verdict: v,
  mechanism,
  evidence: evidence.filter((e) => e !== ""),
});

/** What the endpoint is, from the context or else from what the probe measured. */
export function resolveTarget(probe: TestKeys, ctx: Pick<VerdictContext, "host" | "input">): Target | null {
  if (ctx.input) {
    const target = targetFromInput(ctx.input);
    if (target) return target;
  }
  const requests = probe.requests ?? [];
  // OONI lists a redirect chain newest first: the first URL asked for is the last one.
  const first = [...requests].reverse().find((r) => targetFromInput(r.request?.url ?? "")?.stage === "http");
  if (first) return targetFromInput(first.request.url);
  const tls = (probe.tls_handshakes ?? []).find((h) => h.server_name);
  if (tls) return targetFromInput(`tls://${tls.server_name}:${tls.address?.split(":").pop() ?? 443}`);
  const host = ctx.host ?? probe.queries?.[0]?.hostname ?? probe.tcp_connect?.[0]?.ip;
  const port = probe.tcp_connect?.[0]?.port ?? 443;
  return host ? targetFromInput(`tcp://${host.includes(":") ? `[${host}]` : host}:${port}`) : null;
}

function describe(path: PathResult): string {
  const outcome = path.outcome;
  if (outcome.kind === "failure") {
    const hop = path.hops.length > 1 ? ` (after a redirect to ${path.hops.at(-1)?.host})` : "";
    const code = outcome.partial && outcome.partial.code >= 100 ? outcome.partial.code : null;
    // Headers arrived, then the body stalled or broke: what throttling looks like from the probe.
    if (code !== null && outcome.stage === "http" && !isSiteFault(outcome.failure)) {
      return `${outcome.failure} reading the body after HTTP ${code}${hop}`;
    }
    return `${outcome.failure} at ${STAGE[outcome.stage]}${code !== null ? ` after HTTP ${code}` : ""}${hop}`;
  }
  if (outcome.kind === "incomplete") return outcome.reason;
  if (outcome.final) return `page loaded (${pageSummary(outcome.final)})`;
  return path.target.stage === "tcp" ? "connect ok" : "handshake ok";
}

function pageSummary(response: HttpResponseRecord): string {
  const length = responseBodyLength(response);
  const capped = response.body_is_truncated ? "+" : "";
  return length === null ? `HTTP ${response.code}` : `HTTP ${response.code}, ${length}${capped} bytes`;
}

const isSuspect = (d: DnsConsistency | null) => d?.state === "inconsistent" || d?.state === "invented";

/**
 * Which mechanism blocks when the probe's DNS answer was not the control's: the answer itself, unless
 * the probe also tried the control's addresses (OONI does) and failed there at the same stage, in which
 * case the stage would block the user even with the right answer. Returns [mechanism, evidence].
 */
function mechanismBehindAnswer(
  probe: TestKeys,
  target: Target,
  path: PathResult,
  controlPaths: readonly PathResult[],
  stage: Mechanism,
): [Mechanism, string] {
  const own = new Set((path.hops[0]?.dns.ips ?? []).map(canonicalIp));
  const theirs = [...new Set(controlPaths.flatMap((c) => c.hops[0]?.dns.ips ?? []))].filter(
    (ip) => !own.has(canonicalIp(ip)),
  );
  if (stage === "dns" || theirs.length === 0) return ["dns", ""];
  const seen = observeAt(probe, target, theirs)[stage];
  if (!seen.observed) return ["dns", ""];
  if (seen.ok) return ["dns", `probe: ${STAGE[stage]} ok at the control's address ${theirs.join(", ")}`];
  return [
    stage,
    `probe: ${seen.failure} at ${STAGE[stage]} at the control's address ${theirs.join(", ")} too`,
  ];
}

export function endpointVerdict(
  probe: TestKeys,
  controls: readonly TestKeys[],
  ctx: VerdictContext,
): EndpointVerdict {
  const target = resolveTarget(probe, ctx);
  if (!target) return verdict("unknown", null, ["nothing was measured"]);
  const path = walkPath(probe, target);
  const controlPaths = controls.map((c) => walkPath(c, target));
  const country = ctx.country ?? null;

  // Rule 1: positive evidence, with or without a control.
  const positive =
    forgedAnswer(ctx.evidence, path, controls, country) ?? privateRedirect(ctx.evidence, path, controlPaths);
  if (positive) return verdict("blocked", positive.kind === "dns-answer" ? "dns" : "http", positive.evidence);

  const hop0 = path.hops[0];
  const dns =
    hop0?.dns.observed && hop0.dns.ips.length > 0
      ? dnsConsistency(
          probe,
          hop0.dns,
          target.host,
          controls.map((keys, i) => ({
            keys,
            dns: controlPaths[i]?.hops[0]?.dns ?? observeDns(keys, target.host),
          })),
          ctx,
        )
      : null;
  const suspect = isSuspect(dns);
  const dnsNote = dns && dns.state !== "unknown" ? `DNS: ${dns.detail}` : "";

  const blockpage = knownBlockpage(ctx.evidence, path);
  if (blockpage) return verdict("blocked", suspect ? "dns" : "http", [...blockpage.evidence, dnsNote]);
  // The control says the name does not exist, yet the probe's resolver answered: an invented answer.
  if (dns?.state === "invented")
    return verdict("blocked", "dns", [`DNS: ${dns.detail}`, `probe: ${describe(path)}`]);

  const controlOk = controlPaths.filter((c) => c.outcome.kind === "success");
  const controlFailed = controlPaths.filter((c) => c.outcome.kind === "failure");
  const controlNote =
    controlPaths.length === 0
      ? "no control measurement"
      : `control: ${describe(controlOk[0] ?? controlFailed[0] ?? (controlPaths[0] as PathResult))}`;
  const probeNote = `probe: ${describe(path)}`;
  const outcome = path.outcome;

  if (outcome.kind === "failure") {
    const { stage, failure } = outcome;
    if (isSiteFault(failure)) {
      const why = "the site's own redirect cannot be followed: not a sign of interference";
      return controlFailed.length > 0 && controlOk.length === 0
        ? verdict("down", stage, [probeNote, controlNote, why])
        : verdict("unknown", null, [probeNote, controlNote, why]);
    }
    if (stage === "tls" && isCertificateFailure(failure) && suspect) {
      return verdict("blocked", "dns", [
        probeNote,
        dnsNote,
        "a certificate for another name on a hijacked answer",
      ]);
    }
    if (stage === "dns" && path.hops.length === 1) {
      // The probe's resolver found nothing: did the control's?
      const resolved = controlPaths.flatMap((c) => c.hops[0]?.dns.ips ?? []);
      if (resolved.length > 0)
        return verdict("blocked", "dns", [probeNote, `control resolved ${resolved.join(", ")}`]);
      if (controlPaths.some((c) => c.hops[0]?.dns.observed)) {
        return verdict("down", "dns", [probeNote, "control: no address either"]);
      }
    }
    if (controlOk.length > 0) {
      const hijacked = suspect || (dns?.state === "consistent" && dns.how === "tls");
      // Past the first hop, whatever failed did so while the page's request followed its redirect chain:
      // the measured URL's own name resolved fine, so for this endpoint the failure is at HTTP (the
      // evidence names the redirect's target and how it failed), as OONI's Web Connectivity counts it.
      const redirected = path.hops.length > 1;
      const [mechanism, behind] =
        hijacked && !redirected
          ? mechanismBehindAnswer(probe, target, path, controlPaths, stage)
          : [redirected && stage === "dns" ? ("http" as const) : stage, ""];
      return verdict("blocked", mechanism, [probeNote, dnsNote, behind, controlNote]);
    }
    if (controlFailed.length > 0) return verdict("down", stage, [probeNote, controlNote]);
    return verdict("unknown", null, [probeNote, controlNote, "cannot tell blocking from an outage"]);
  }

  if (outcome.kind === "incomplete") {
    // A name whose own record is a special address (localhost) for the control too: the site points nowhere.
    const ips = hop0?.dns.ips ?? [];
    if (ips.length > 0 && ips.every((ip) => classifyAddress(ctx.evidence, ip, null)?.kind === "bogon")) {
      return verdict("down", "dns", [
        `${target.host} resolves to ${ips.join(", ")} for the control too: the site's own record points nowhere`,
      ]);
    }
    // A test that only resolved (no connection attempted at all, as OONI's older facebook_messenger
    // measurements did): an answer the operator's own network vouches for means DNS lets it through, and DNS
    // is all that was measured.
    if ((probe.tcp_connect ?? []).length === 0 && dns?.state === "consistent") {
      return verdict("ok", null, [`DNS: ${dns.detail}`, "no connection was attempted in this measurement"]);
    }
    return verdict("unknown", null, [probeNote, controlNote]);
  }

  // The probe's path succeeded.
  const final = outcome.final;
  if (final === null) return verdict("ok", null, [probeNote, dnsNote]);
  if (outcome.overValidTls) {
    return verdict("ok", null, [
      `probe: HTTP ${final.code} over a valid TLS session for ${path.hops.at(-1)?.host}: the service answering`,
    ]);
  }
  const benign = findBenignPage(ctx.evidence, final);
  if (benign) return verdict("ok", null, [`probe: ${benign.label}`, controlNote]);
  const controlFinal = controlOk.flatMap((c) =>
    c.outcome.kind === "success" && c.outcome.final ? [c.outcome.final] : [],
  )[0];
  if (!controlFinal) {
    if (suspect && controlPaths.length > 0)
      return verdict("blocked", "dns", [dnsNote, probeNote, controlNote]);
    return verdict("unknown", null, [probeNote, controlNote, "a plain-HTTP page cannot vouch for itself"]);
  }
  const diff = httpDiff(final, controlFinal);
  const page = `probe: ${pageSummary(final)}; control: ${pageSummary(controlFinal)}`;
  if (diff.outcome === "match") return verdict("ok", null, [page, dnsNote]);
  // A page from another server than the control's: the answer that sent the probe there is the censor's.
  const viaDns = suspect || (dns?.state === "consistent" && dns.how === "tls");
  if (diff.outcome === "strong-diff") {
    const [mechanism, behind] = viaDns
      ? mechanismBehindAnswer(probe, target, path, controlPaths, "http")
      : ["http" as const, ""];
    return verdict("blocked", mechanism, [page, ...diff.reasons, dnsNote, behind]);
  }
  if (diff.outcome === "weak-diff" && suspect)
    return verdict("blocked", "dns", [page, ...diff.reasons, dnsNote]);
  return verdict("unknown", null, [
    page,
    ...diff.reasons,
    "the pages differ only in size or headers (dynamic content can)",
  ]);
}
