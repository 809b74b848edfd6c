import type { SourcesMessages } from "./index.js";

export const sourcesRu: SourcesMessages = {
  "sources.ooni.one": "Измерено добровольцами OONI в {count} сети за последние {hours} ч{networks}.",
  "sources.ooni.few": "Измерено добровольцами OONI в {count} сетях за последние {hours} ч{networks}.",
  "sources.ooni.many": "Измерено добровольцами OONI в {count} сетях за последние {hours} ч{networks}.",
  "sources.ooni.other": "Измерено добровольцами OONI в {count} сети за последние {hours} ч{networks}.",
  "sources.probe.one": "Измерено из {count} нашей точки измерения за последние {hours} ч{networks}.",
  "sources.probe.few": "Измерено из {count} наших точек измерения за последние {hours} ч{networks}.",
  "sources.probe.many": "Измерено из {count} наших точек измерения за последние {hours} ч{networks}.",
  "sources.probe.other": "Измерено из {count} наших точек измерения за последние {hours} ч{networks}.",
  "sources.agent.one":
    "Измерено нашими удалёнными агентами из {count} точки измерения за последние {hours} ч{networks}.",
  "sources.agent.few":
    "Измерено нашими удалёнными агентами из {count} точек измерения за последние {hours} ч{networks}.",
  "sources.agent.many":
    "Измерено нашими удалёнными агентами из {count} точек измерения за последние {hours} ч{networks}.",
  "sources.agent.other":
    "Измерено нашими удалёнными агентами из {count} точек измерения за последние {hours} ч{networks}.",
  "source.probe": "наши точки измерения",
  "source.agent": "наши удалённые агенты",
  "source.ooni": "добровольцы OONI",
  "sources.disagree": "Источники расходятся, поэтому показаны оба: {list}.",
  "sources.says": "{source}: {status}",
  "networks.title": "По сетям: {list}.",
  "networks.blocked": "блокировка — {names}",
  "networks.partial": "частичная блокировка — {names}",
  "networks.outage": "сбой — {names}",
  "networks.accessible": "работает — {names}",
  "sources.networks": " ({names})",
  "networks.more": "ещё {count}",
  "answer.measuredAt": "последнее измерение {measuredAt}",
  "answer.stale":
    "Последнее измерение сделано {measuredAt}, более {hours} часов назад: это последний известный статус, не обязательно сегодняшний.",
};
