import { type AddressPolicy, canonicalAddress, PUBLIC_WEB, type Refusal } from "../core/ssrf.js";
import { ProbeFailure } from "./failures.js";
import type { DialRequest, Network } from "./network.js";

// A Network for probes of targets anyone may name. Every connection goes through `dial`, which the
// measurers call with an address DNS already answered, for the first hop and for every redirect hop
// alike: checking there, at connect time, covers a name whose answer changes between lookups
// (rebinding) and a redirect to a private address, with nothing to keep in sync between a check and a
// later lookup. A refusal is the measurement failure `ssrf_refused`, raised before any socket exists.
//
// DNS queries still go to the vantage's configured resolver (its address is configuration, not input),
// and `fetch` serves only the configured DoH control resolver; neither takes a destination from a user.

/** Raised by `dial` instead of connecting; the measurers record it as `ssrf_refused`. */
export class SsrfRefusal extends ProbeFailure {
  override name = "SsrfRefusal";
  constructor(
    readonly refusal: Refusal | "port",
    readonly destination: { ip: string; port: number },
  ) {
    super("ssrf_refused", `destination refused: ${refusal}`);
  }
}

/** Why a dial to `request` is refused by `policy`, or the canonical address to dial. */
export function checkDial(
  policy: AddressPolicy,
  request: Pick<DialRequest, "ip" | "port">,
): { address: string } | { refusal: Refusal | "port" } {
  const address = canonicalAddress(request.ip);
  // A name here would be resolved again by the socket layer, behind the check's back.
  if (address === null) return { refusal: "invalid" };
  const refusal = policy.refusal(address);
  if (refusal !== null) return { refusal };
  if (!policy.ports.has(request.port)) return { refusal: "port" };
  return { address };
}

export interface GuardOptions {
  policy?: AddressPolicy;
  /** Told of every refused dial (for logs): what was asked and why not. */
  onRefusal?: (refusal: SsrfRefusal) => void;
}

export function guardNetwork(inner: Network, options: GuardOptions = {}): Network {
  const policy = options.policy ?? PUBLIC_WEB;
  return {
    resolve: (request) => inner.resolve(request),
    dial: async (request) => {
      const checked = checkDial(policy, request);
      if ("refusal" in checked) {
        const refusal = new SsrfRefusal(checked.refusal, { ip: request.ip, port: request.port });
        options.onRefusal?.(refusal);
        throw refusal;
      }
      // The canonical form is dialled, so the socket layer reads exactly the address that was checked.
      return inner.dial({ ...request, ip: checked.address });
    },
    handshake: (request) => inner.handshake(request),
    httpGet: (request) => inner.httpGet(request),
    fetch: (url, init) => inner.fetch(url, init),
  };
}
