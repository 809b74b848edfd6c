import type { SourcesMessages } from "./index.js";

export const sourcesFa: SourcesMessages = {
  "sources.ooni.one": "سنجیده‌شده به دست داوطلبان OONI در {count} شبکه در {hours} ساعت گذشته{networks}.",
  "sources.ooni.few": "سنجیده‌شده به دست داوطلبان OONI در {count} شبکه در {hours} ساعت گذشته{networks}.",
  "sources.ooni.many": "سنجیده‌شده به دست داوطلبان OONI در {count} شبکه در {hours} ساعت گذشته{networks}.",
  "sources.ooni.other": "سنجیده‌شده به دست داوطلبان OONI در {count} شبکه در {hours} ساعت گذشته{networks}.",
  "sources.probe.one": "سنجیده‌شده از {count} نقطهٔ سنجش ما در {hours} ساعت گذشته{networks}.",
  "sources.probe.few": "سنجیده‌شده از {count} نقطهٔ سنجش ما در {hours} ساعت گذشته{networks}.",
  "sources.probe.many": "سنجیده‌شده از {count} نقطهٔ سنجش ما در {hours} ساعت گذشته{networks}.",
  "sources.probe.other": "سنجیده‌شده از {count} نقطهٔ سنجش ما در {hours} ساعت گذشته{networks}.",
  "sources.agent.one":
    "سنجیده‌شده به دست عامل‌های راه دور ما از {count} نقطهٔ سنجش در {hours} ساعت گذشته{networks}.",
  "sources.agent.few":
    "سنجیده‌شده به دست عامل‌های راه دور ما از {count} نقطهٔ سنجش در {hours} ساعت گذشته{networks}.",
  "sources.agent.many":
    "سنجیده‌شده به دست عامل‌های راه دور ما از {count} نقطهٔ سنجش در {hours} ساعت گذشته{networks}.",
  "sources.agent.other":
    "سنجیده‌شده به دست عامل‌های راه دور ما از {count} نقطهٔ سنجش در {hours} ساعت گذشته{networks}.",
  "source.probe": "نقاط سنجش ما",
  "source.agent": "عامل‌های راه دور ما",
  "source.ooni": "داوطلبان OONI",
  "sources.disagree": "منابع با هم هم‌نظر نیستند، پس هر دو نشان داده می‌شوند: {list}.",
  "sources.says": "{source}: {status}",
  "networks.title": "به تفکیک شبکه: {list}.",
  "networks.blocked": "در {names} مسدود",
  "networks.partial": "در {names} تا حدی مسدود",
  "networks.outage": "در {names} قطع",
  "networks.accessible": "در {names} در دسترس",
  "sources.networks": " ({names})",
  "networks.more": "{count} شبکهٔ دیگر",
  "answer.measuredAt": "آخرین سنجش {measuredAt}",
  "answer.stale":
    "آخرین سنجش مربوط به {measuredAt} است، بیش از {hours} ساعت پیش: این آخرین وضعیت شناخته‌شده است، نه لزوماً وضعیت امروز.",
};
