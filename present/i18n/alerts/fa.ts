import type { AlertMessages } from "./index.js";

export const alertsFa: AlertMessages = {
  "alert.headline": "وضعیت {service} در {place} اکنون: {status}",
  "alert.when": "{headline} (از {since})",
  "alert.before": "پیش‌تر: {status}.",
  "alert.beforeHistory":
    "پیش‌تر: {status}، آخرین وضعیت شناخته‌شده از {since} بر پایهٔ گزارشی تاریخ‌دار ({source}).",
  "alert.blocked": "مسدود: {features}.",
  "alert.down": "همه‌جا قطع: {features}.",
  "alert.unknown": "نامشخص: {features}.",
  "alert.working": "کار می‌کند: {features}.",
  "alert.instead": "جایگزین‌ها: {services}.",
  "alert.waysAround": "راه‌های دور زدن سانسور: {services}.",
  "alert.item": "{service} ({details})",
  "alert.detailSeparator": "، ",
  "alert.more": "جزئیات: {command}",

  "digest.title": "خلاصهٔ روزانه: تغییرات وضعیت",
  // Read right to left: the arrow points from the old status to the new one.
  "digest.change": "{service} در {place}: {from} ← {to} ({since})",
  "digest.first": "{service} در {place}: {to} ({since})",
  "digest.earlier": "تغییرات قدیمی‌تر نشان داده نشده‌اند: {count}.",
  "digest.more": "برای جزئیات /status و نام سرویس را بفرستید، مثلاً {command}. اشتراک‌های شما: /subscriptions",
};
