import type { SourcesMessages } from "./index.js";

export const sourcesFa: SourcesMessages = {
  "sources.ooni.one": "اندازه‌گیری‌شده توسط داوطلبان OONI در {count} شبکه در {hours} ساعت گذشته{networks}.",
  "sources.ooni.few": "اندازه‌گیری‌شده توسط داوطلبان OONI در {count} شبکه در {hours} ساعت گذشته{networks}.",
  "sources.ooni.many": "اندازه‌گیری‌شده توسط داوطلبان OONI در {count} شبکه در {hours} ساعت گذشته{networks}.",
  "sources.ooni.other": "اندازه‌گیری‌شده توسط داوطلبان OONI در {count} شبکه در {hours} ساعت گذشته{networks}.",
  "sources.probe.one": "اندازه‌گیری‌شده توسط کاوشگرهای ما از {count} نقطه در {hours} ساعت گذشته{networks}.",
  "sources.probe.few": "اندازه‌گیری‌شده توسط کاوشگرهای ما از {count} نقطه در {hours} ساعت گذشته{networks}.",
  "sources.probe.many": "اندازه‌گیری‌شده توسط کاوشگرهای ما از {count} نقطه در {hours} ساعت گذشته{networks}.",
  "sources.probe.other": "اندازه‌گیری‌شده توسط کاوشگرهای ما از {count} نقطه در {hours} ساعت گذشته{networks}.",
  "sources.agent.one":
    "اندازه‌گیری‌شده توسط عامل‌های راه دور ما از {count} نقطه در {hours} ساعت گذشته{networks}.",
  "sources.agent.few":
    "اندازه‌گیری‌شده توسط عامل‌های راه دور ما از {count} نقطه در {hours} ساعت گذشته{networks}.",
  "sources.agent.many":
    "اندازه‌گیری‌شده توسط عامل‌های راه دور ما از {count} نقطه در {hours} ساعت گذشته{networks}.",
  "sources.agent.other":
    "اندازه‌گیری‌شده توسط عامل‌های راه دور ما از {count} نقطه در {hours} ساعت گذشته{networks}.",
  "source.probe": "کاوشگرهای ما",
  "source.agent": "عامل‌های راه دور ما",
  "source.ooni": "داوطلبان OONI",
  "sources.disagree": "منابع با هم هم‌نظر نیستند، پس هر دو نشان داده می‌شوند: {list}.",
  "sources.says": "{source}: {status}",
  "networks.title": "به تفکیک شبکه: {list}.",
  "networks.blocked": "در {names} مسدود",
  "networks.partial": "در {names} تا حدی مسدود",
  "networks.outage": "در {names} از دسترس خارج",
  "networks.accessible": "در {names} در دسترس",
  "sources.networks": " ({names})",
  "networks.more": "{count} شبکهٔ دیگر",
  "answer.measuredAt": "آخرین اندازه‌گیری {measuredAt}",
  "answer.stale":
    "آخرین اندازه‌گیری مربوط به {measuredAt} است، بیش از {hours} ساعت پیش: این آخرین وضعیت شناخته‌شده است، نه لزوماً وضعیت امروز.",
};
