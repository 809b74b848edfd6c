import type { TestKeys } from "../../model/measurement.js";
import type { FileAnalysis } from "../../model/status.js";
import { canonicalIp } from "../ip.js";
import { normalizeHost, observeDns } from "../path.js";
import type { Json } from "./normalize.js";
import { testKeysOf } from "./normalize.js";
import { type AnalyzeContext, type FeatureEndpoint, type Header, judgeFeatures } from "./result.js";

// OONI's instant-messaging tests (whatsapp, telegram, signal, facebook_messenger) measure a service's
// endpoints from the probe only: there is no per-endpoint control. Their endpoints are mapped to the
// knowledge base's features and judged by the same rules, so only positive evidence can make one
// blocked, and a failure without it is unknown. OONI's own *_blocking / *_status keys are not read.

const queriedHosts = (keys: TestKeys) => [...new Set(keys.queries.map((q) => normalizeHost(q.hostname)))];
const measuredUrls = (keys: TestKeys) => [
  ...new Set(keys.requests.map((r) => r.request.url).filter((u) => u !== "")),
];
/** The ports among `wanted` the probe connected to at a name's addresses (all of them if none). */
const ports = (keys: TestKeys, host: string, wanted: number[]) => {
  const ips = new Set(observeDns(keys, host).ips.map(canonicalIp));
  const seen = new Set(keys.tcp_connect.filter((t) => ips.has(canonicalIp(t.ip))).map((t) => t.port));
  const used = wanted.filter((p) => seen.has(p));
  return used.length > 0 ? used : wanted;
};

/** whatsapp: chat servers eN.whatsapp.net (5222, 443) → text; v.whatsapp.net → registration; web. */
function whatsappEndpoints(keys: TestKeys): FeatureEndpoint[] {
  const chat = queriedHosts(keys)
    .filter((h) => /^e\d+\.whatsapp\.net$/.test(h))
    .flatMap((h) =>
      ports(keys, h, [5222, 443]).map((port) => ({ feature: "text", input: `tcp://${h}:${port}` })),
    );
  const urls = measuredUrls(keys).flatMap((url): FeatureEndpoint[] => {
    if (/^https?:\/\/v\.whatsapp\.net\//.test(url)) return [{ feature: "registration", input: url }];
    if (/^https?:\/\/web\.whatsapp\.com\//.test(url)) return [{ feature: "web", input: url }];
    return [];
  });
  return [...chat, ...urls];
}

/** telegram: the data centres (addresses, not names) → text; web.telegram.org → web. */
function telegramEndpoints(keys: TestKeys): FeatureEndpoint[] {
  const named = new Set(queriedHosts(keys).flatMap((h) => observeDns(keys, h).ips.map(canonicalIp)));
  const dcs = [
    ...new Set(keys.tcp_connect.filter((t) => !named.has(canonicalIp(t.ip))).map((t) => `${t.ip}|${t.port}`)),
  ].map((key) => {
    const [ip = "", port = ""] = key.split("|");
    return { feature: "text", input: `tcp://${ip.includes(":") ? `[${ip}]` : ip}:${port}` };
  });
  const web = measuredUrls(keys)
    .filter((url) => /^https?:\/\/web\.telegram\.org\//.test(url))
    .map((input) => ({ feature: "web", input }));
  return [...dcs, ...web];
}

// Today's app's names, as the knowledge base lists them. Older names OONI's test still measures
// (textsecure-service.whispersystems.org, api.directory.signal.org) are the app's past: one answering says
// nothing about whether today's Signal works, so it cannot vouch for the text feature.
const SIGNAL_FEATURES: [RegExp, string][] = [
  [/^(chat|storage|cdsi)\.signal\.org$/, "text"],
  [/^cdn\d*\.signal\.org$/, "media"],
  [/^sfu\.voip\.signal\.org$/, "calls"],
];

/** signal: each backend name → its feature. uptime.signal.org is Signal's own 127.0.0.1 record: skipped. */
function signalEndpoints(keys: TestKeys): FeatureEndpoint[] {
  const urls = new Map(measuredUrls(keys).map((u) => [normalizeHost(safeHost(u)), u]));
  return queriedHosts(keys).flatMap((host) => {
    const feature = SIGNAL_FEATURES.find(([pattern]) => pattern.test(host))?.[1];
    if (!feature) return [];
    return [{ feature, input: urls.get(host) ?? `tls://${host}:443` }];
  });
}

const FACEBOOK_FEATURES: Record<string, string> = {
  "b-api.facebook.com": "text",
  "b-graph.facebook.com": "text",
  "edge-mqtt.facebook.com": "text",
  "star.c10r.facebook.com": "text",
  "external.xx.fbcdn.net": "media",
  "scontent.xx.fbcdn.net": "media",
};

/** facebook_messenger: TCP connects to the addresses of each name; stun.fbsbx.com (UDP) is skipped. */
function facebookEndpoints(keys: TestKeys): FeatureEndpoint[] {
  return queriedHosts(keys).flatMap((host) => {
    const feature = FACEBOOK_FEATURES[host];
    return feature ? [{ feature, input: `tcp://${host}:443` }] : [];
  });
}

function safeHost(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return "";
  }
}

const READERS: Record<string, { service: string; endpoints: (keys: TestKeys) => FeatureEndpoint[] }> = {
  whatsapp: { service: "whatsapp", endpoints: whatsappEndpoints },
  telegram: { service: "telegram", endpoints: telegramEndpoints },
  signal: { service: "signal", endpoints: signalEndpoints },
  facebook_messenger: { service: "facebook-messenger", endpoints: facebookEndpoints },
};

export const IM_TESTS = Object.keys(READERS);

export function analyzeInstantMessaging(
  measurement: Json,
  header: Header,
  ctx: AnalyzeContext,
): FileAnalysis {
  const reader = READERS[header.test_name ?? ""];
  const keys = testKeysOf(measurement.test_keys);
  const service = reader?.service ?? null;
  const endpoints = reader ? reader.endpoints(keys) : [];
  return judgeFeatures({ ...header, service }, keys, endpoints, ctx);
}
