// Who measured a status, on which networks, and how long ago (present/sources.ts). Spread into the source
// locale (../en.ts); every locale has the same keys. Placeholders are {name}; text is plain. {networks} is
// empty or "sources.networks" filled.

export const sourcesEn = {
  "sources.ooni.one": "Measured by OONI volunteers on {count} network in the last {hours} h{networks}.",
  "sources.ooni.few": "Measured by OONI volunteers on {count} networks in the last {hours} h{networks}.",
  "sources.ooni.many": "Measured by OONI volunteers on {count} networks in the last {hours} h{networks}.",
  "sources.ooni.other": "Measured by OONI volunteers on {count} networks in the last {hours} h{networks}.",
  "sources.probe.one": "Measured by our probes from {count} vantage in the last {hours} h{networks}.",
  "sources.probe.few": "Measured by our probes from {count} vantages in the last {hours} h{networks}.",
  "sources.probe.many": "Measured by our probes from {count} vantages in the last {hours} h{networks}.",
  "sources.probe.other": "Measured by our probes from {count} vantages in the last {hours} h{networks}.",
  "sources.agent.one": "Measured by our remote agents from {count} vantage in the last {hours} h{networks}.",
  "sources.agent.few": "Measured by our remote agents from {count} vantages in the last {hours} h{networks}.",
  "sources.agent.many":
    "Measured by our remote agents from {count} vantages in the last {hours} h{networks}.",
  "sources.agent.other":
    "Measured by our remote agents from {count} vantages in the last {hours} h{networks}.",
  "source.probe": "our probes",
  "source.agent": "our remote agents",
  "source.ooni": "OONI volunteers",
  "sources.disagree": "The sources disagree, so both are shown: {list}.",
  "sources.says": "{source}: {status}",
  "networks.title": "By network: {list}.",
  "networks.blocked": "blocked on {names}",
  "networks.partial": "partially blocked on {names}",
  "networks.outage": "down on {names}",
  "networks.accessible": "works on {names}",
  "sources.networks": " ({names})",
  "networks.more": "{count} more",
  "answer.measuredAt": "newest measurement {measuredAt}",
  "answer.stale":
    "The newest measurement is from {measuredAt}, more than {hours} hours ago: this is the last known status, not necessarily today's.",
} as const;
