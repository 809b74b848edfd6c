import { alertsFa } from "./alerts/fa.js";
import { checkNowFa } from "./check-now/fa.js";
import { consoleFa } from "./console/fa.js";
import { conversationFa } from "./conversation/fa.js";
import type { Messages } from "./en.js";
import { feedFa } from "./feed/fa.js";
import { methodFa } from "./method/fa.js";
import { ooniFa } from "./ooni/fa.js";
import { regionsFa } from "./regions/fa.js";
import { sourcesFa } from "./sources/fa.js";

export const fa: Messages = {
  "status.accessible": "در دسترس",
  "status.partial": "تا حدی مسدود",
  "status.blocked": "مسدود",
  "status.outage": "همه‌جا قطع (قطعی خود سرویس، نه سانسور)",
  "status.unknown": "نامشخص",

  "verdict.ok": "کار می‌کند",
  "verdict.blocked": "مسدود",
  "verdict.down": "همه‌جا قطع",
  "verdict.unknown": "نامشخص",

  "feature.text": "پیام‌های متنی",
  "feature.media": "عکس، ویدیو و پیام صوتی",
  "feature.calls": "تماس‌ها",
  "feature.web": "وب‌سایت",
  "feature.registration": "ثبت‌نام",
  "feature.app": "اپلیکیشن",
  "feature.search": "جست‌وجو",
  "feature.mail": "ایمیل",
  "feature.video": "ویدیو",
  "feature.bootstrap": "اتصال به شبکه",
  "feature.bridges": "پل‌ها",
  "feature.download": "دانلود",
  "feature.api": "API",
  "feature.connect": "اتصال",

  "e2ee.yes": "با رمزنگاری سرتاسری",
  "e2ee.optional": "رمزنگاری سرتاسری اختیاری",
  "e2ee.no": "بدون رمزنگاری سرتاسری",

  "answer.title": "{service} در {place}: {status}",
  "answer.titleNoStatus": "{service} در {place}",
  "answer.since": "از {since}",
  "answer.checked": "آخرین بررسی: {checkedAt}",
  "answer.mechanism": "{verdict} ({mechanism})",
  "answer.noMeasurementHistory":
    "سنجش تازه‌ای در دست نیست؛ آخرین وضعیت شناخته‌شده: از {since} {status} ({source})",
  "answer.noMeasurementNothing": "هنوز هیچ سنجش یا سابقهٔ ثبت‌شده‌ای برای {service} در {place} وجود ندارد.",
  "answer.historyTitle": "تاریخچه:",
  "answer.alternativesTitle": "جایگزین‌ها:",
  "answer.circumventionTitle": "راه‌های دور زدن سانسور:",
  "answer.lastKnown": "آخرین وضعیت شناخته‌شده",
  "answer.caution": "هشدار: {text}",
  "answer.source": "منبع",
  "answer.domainUnknown":
    "دامنهٔ {domain} هنوز در پایگاه دانش نیست و در {place} سنجشی برای آن انجام نشده است؛ بنابراین وضعیتش نامشخص است.",
  "answer.notUnderstood": "متوجه نشدم منظورتان کدام سرویس است.",
  "answer.didYouMean": "شاید منظورتان این بود: {suggestions}؟",
  "answer.tryExample": "مثلاً بپرسید: «آیا واتس‌اپ در چین مسدود است؟»",
  "answer.untranslated": "(به انگلیسی) {text}",
  "related.onion": "نشانی پیازی در تور: {address}",
  "related.ownServer": "به سروری در خارج نیاز دارد (از خودتان یا یک دوست)",
  "related.appAlone": "فقط اپ، بدون نیاز به سرور شخصی",

  "date.month.1": "ژانویه",
  "date.month.2": "فوریه",
  "date.month.3": "مارس",
  "date.month.4": "آوریل",
  "date.month.5": "مه",
  "date.month.6": "ژوئن",
  "date.month.7": "ژوئیه",
  "date.month.8": "اوت",
  "date.month.9": "سپتامبر",
  "date.month.10": "اکتبر",
  "date.month.11": "نوامبر",
  "date.month.12": "دسامبر",
  "date.monthAlone.1": "ژانویه",
  "date.monthAlone.2": "فوریه",
  "date.monthAlone.3": "مارس",
  "date.monthAlone.4": "آوریل",
  "date.monthAlone.5": "مه",
  "date.monthAlone.6": "ژوئن",
  "date.monthAlone.7": "ژوئیه",
  "date.monthAlone.8": "اوت",
  "date.monthAlone.9": "سپتامبر",
  "date.monthAlone.10": "اکتبر",
  "date.monthAlone.11": "نوامبر",
  "date.monthAlone.12": "دسامبر",
  "date.monthYear": "{monthAlone} {year}",
  "date.dayMonthYear": "{day} {month} {year}",
  "date.year": "{year}",
  "date.yearInline": "سال {year}",
  "place.regionCountry": "{region}، {country}",
  "list.separator": "، ",
  "list.groupSeparator": "؛ ",
  "punct.colon": ": ",
  "punct.open": " (",
  "punct.close": ")",

  "bot.welcome":
    "سلام! از من بپرسید که آیا سرویسی مسدود است یا نه؛ مثلاً «آیا واتس‌اپ در چین مسدود است؟». پاسخ‌های من بر پایهٔ سنجش‌های شبکه و یک پایگاه دانش دربارهٔ تاریخچهٔ سانسور است و وقتی چیزی را نمی‌دانم، می‌گویم «نامشخص».",
  "bot.help": "به زبان خودتان بپرسید: «آیا تلگرام در ایران مسدود است؟»، «یوتیوب روسیه»، یا یک لینک بفرستید.",
  ...conversationFa,
  ...alertsFa,
  ...checkNowFa,
  ...regionsFa,
  ...ooniFa,
  ...sourcesFa,
  ...consoleFa,
  ...feedFa,
  ...methodFa,
  "console.intro":
    "کنسول isblocked: سؤالی بپرسید (مثلاً آیا واتس‌اپ در چین مسدود است؟) یا برای خروج، exit را تایپ کنید.",
};
