import type { Mechanism, ServiceStatusValue, Verdict } from "../model/status.js";

// Named censorship scenarios as data, like OONI's QA: what the censor does (`configure`) and what a
// truthful answer is (`expected`). Each runs through `isblocked probe`, the code path a user runs, against
// a world built from the knowledge base's own endpoints (lab/world.ts) inside a network namespace.

/** What happens to one endpoint: for the probe vantage only (a censor), or for everyone (an outage). */
export type Action =
  /** RST after the TCP handshake, or right after the ClientHello for TLS. */
  | "reset"
  /** The probe's resolver says the name does not exist. */
  | "nxdomain"
  /** The probe's resolver answers Iran's blockpage address 10.10.34.34, which has no valid certificate. */
  | "forge"
  /** The probe's SYNs to the service's real address go unanswered: connect timeouts. */
  | "blackhole"
  /** Nothing listens: connection refused. */
  | "down"
  /** TLS to the probe is intercepted: a certificate from a CA nobody trusts (HTTPS inspection). */
  | "intercept";

export interface Rule {
  /** Limit the rule to one feature's endpoints; all endpoints of the service when absent. */
  feature?: string;
  who: "probe" | "everyone";
  action: Action;
}

export interface LabScenario {
  name: string;
  /** The real event the scenario re-enacts, if any. */
  story?: string;
  service: string;
  country: string;
  configure: {
    rules: Rule[];
    /** Vantages whose canary fails: they are offline. */
    canaryFails?: ("probe" | "control")[];
    /** Run without a control vantage. */
    noControl?: boolean;
    /** The control resolves over DNS-over-HTTPS instead of its own UDP resolver. */
    controlOverDoh?: boolean;
    /**
     * Every packet from the probe vanishes (its resolver included), and its entry in the vantages file has no
     * canary, so it gets its country's from the knowledge base: a vantage that is simply offline.
     */
    probeDark?: boolean;
  };
  expected: {
    status: ServiceStatusValue;
    mechanism?: Mechanism | null;
    features?: Record<string, Verdict>;
  };
}

export const SCENARIOS: LabScenario[] = [
  {
    name: "whatsapp-media-reset-text-works",
    story: "WhatsApp, China, July 2017: text went through, photos, video and voice notes did not",
    service: "whatsapp",
    country: "CN",
    configure: { rules: [{ feature: "media", who: "probe", action: "reset" }] },
    expected: { status: "partial", mechanism: "tls", features: { text: "ok", media: "blocked", web: "ok" } },
  },
  {
    name: "whatsapp-fully-blocked",
    story: "WhatsApp, China, September 2017: everything blocked",
    service: "whatsapp",
    country: "CN",
    configure: { rules: [{ who: "probe", action: "reset" }] },
    expected: { status: "blocked", features: { text: "blocked", media: "blocked" } },
  },
  {
    name: "telegram-blocked-inside-works-outside",
    story: "Telegram, China, July 2015: fails at the probe, works at the control",
    service: "telegram",
    country: "CN",
    configure: { rules: [{ who: "probe", action: "reset" }] },
    expected: { status: "blocked", features: { text: "blocked", web: "blocked" } },
  },
  {
    name: "telegram-down-everywhere-is-an-outage",
    story: "Telegram, July 2015: the DDoS on the Asia-Pacific cluster failed everywhere",
    service: "telegram",
    country: "CN",
    configure: { rules: [{ who: "everyone", action: "down" }] },
    expected: { status: "outage", features: { text: "down", web: "down" } },
  },
  {
    name: "vantage-offline-canary-fails",
    story: "a probe whose own connection is dead must not report censorship",
    service: "telegram",
    country: "CN",
    configure: { rules: [{ who: "probe", action: "reset" }], canaryFails: ["probe"] },
    expected: { status: "unknown", features: { text: "unknown", web: "unknown" } },
  },
  {
    name: "no-control-no-evidence-is-unknown",
    story: "a reset alone, with no control to compare, could be the service itself",
    service: "telegram",
    country: "CN",
    configure: { rules: [{ who: "probe", action: "reset" }], noControl: true },
    expected: { status: "unknown" },
  },
  {
    name: "telegram-blocked-with-control-lookups-over-doh",
    story:
      "the control's reference answers come over DNS-over-HTTPS, which a censor on the path cannot forge",
    service: "telegram",
    country: "IR",
    configure: { rules: [{ who: "probe", action: "reset" }], controlOverDoh: true },
    expected: { status: "blocked", features: { text: "blocked", web: "blocked" } },
  },
  {
    name: "news-site-nxdomain-at-the-probe",
    service: "nytimes",
    country: "CN",
    configure: { rules: [{ who: "probe", action: "nxdomain" }] },
    expected: { status: "blocked", mechanism: "dns", features: { web: "blocked" } },
  },
  {
    name: "news-site-forged-answer-without-control",
    story: "Iran answers blocked names with 10.10.34.34: positive evidence needs no control",
    service: "bbc",
    country: "IR",
    configure: { rules: [{ who: "probe", action: "forge" }], noControl: true },
    expected: { status: "blocked", mechanism: "dns", features: { web: "blocked" } },
  },
  {
    name: "signal-connect-timeouts-at-the-probe",
    service: "signal",
    country: "IR",
    configure: { rules: [{ who: "probe", action: "blackhole" }] },
    expected: { status: "blocked", mechanism: "tcp" },
  },
  {
    name: "dark-vantage-without-canary-is-offline",
    story:
      "a probe whose every connection is dropped is offline, not a censor, even with no canary of its own",
    service: "telegram",
    country: "CN",
    configure: { rules: [], probeDark: true },
    expected: { status: "unknown", features: { text: "unknown", web: "unknown" } },
  },
  {
    name: "whatsapp-https-intercepted-plain-tcp-chat-works",
    story:
      "HTTPS inspection on a network: every TLS name of the service intercepted, the plain-TCP chat untouched",
    service: "whatsapp",
    country: "AE",
    configure: {
      rules: [
        { feature: "media", who: "probe", action: "intercept" },
        { feature: "registration", who: "probe", action: "intercept" },
        { feature: "web", who: "probe", action: "intercept" },
      ],
    },
    expected: {
      status: "partial",
      mechanism: "tls",
      features: { text: "ok", media: "blocked", registration: "blocked", web: "blocked" },
    },
  },
  {
    name: "telegram-web-reset-data-centres-work",
    story: "Telegram, China, July 2015: the web version was blocked while the apps' data centres answered",
    service: "telegram",
    country: "CN",
    configure: { rules: [{ feature: "web", who: "probe", action: "reset" }] },
    expected: { status: "partial", mechanism: "tls", features: { text: "ok", web: "blocked" } },
  },
];
