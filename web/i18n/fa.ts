import type { WebMessages } from "./en.js";

export const webFa: WebMessages = {
  "lang.name": "فارسی",

  "site.name": "isblocked",
  "site.tagline":
    "آیا یک سرویس پشت فایروال ملی فیلتر شده است؟ از داخل کشور اندازه می‌گیریم و با یک شبکهٔ کنترل بدون سانسور مقایسه می‌کنیم.",
  "nav.skip": "رفتن به محتوا",
  "nav.languages": "زبان",
  "nav.countries": "کشورها",
  "nav.board": "تابلوی وضعیت",
  "footer.method":
    "از کجا می‌دانیم: نتیجهٔ کاوشگرهای داخل کشور با یک شبکهٔ کنترل بدون سانسور مقایسه می‌شود؛ بدون چنین شواهدی می‌گوییم «نامشخص» و هرگز حدس نمی‌زنیم.",
  "footer.api": "رابط JSON",
  "footer.bot": "همین پرسش‌ها را می‌توانید به پنج زبان از ربات تلگرام هم بپرسید.",

  "status.accessible": "در دسترس",
  "status.partial": "تا حدی فیلتر شده",
  "status.blocked": "فیلتر شده",
  "status.outage": "قطعی",
  "status.unknown": "نامشخص",
  "status.none": "اندازه‌گیری نشده",
  "status.outageNote": "داخل و خارج کشور هر دو قطع است: این قطعی خود سرویس است، نه سانسور.",

  "verdict.ok": "کار می‌کند",
  "verdict.blocked": "فیلتر شده",
  "verdict.down": "همه‌جا قطع",
  "verdict.unknown": "نامشخص",

  "board.title": "تابلوی وضعیت",
  "board.intro":
    "وضعیت هر سرویس در هر کشور، بر اساس کاوشگرهای ما. برای دیدن شواهد، تغییرات و تاریخچه، صفحهٔ سرویس را باز کنید.",
  "board.count": "{status}: {count}",
  "board.caption": "سرویس‌ها در {country}",
  "board.col.service": "سرویس",
  "board.col.status": "وضعیت",
  "board.col.availability": "دسترس‌پذیری ۳۰ روزه",
  "board.col.checked": "آخرین بررسی",
  "board.notMeasured": "هنوز در {country} اندازه‌گیری نشده: {count}",
  "board.nothingMeasured":
    "هنوز هیچ اندازه‌گیری‌ای در {country} انجام نشده است. صفحهٔ هر سرویس تاریخچهٔ ثبت‌شده را نشان می‌دهد.",
  "board.otherCountries": "کشورهای دیگر",

  "availability.none": "بدون داده",

  "service.title": "{service} در {place}",
  "service.status": "وضعیت",
  "service.since": "از {since}",
  "service.checked": "آخرین بررسی: {checkedAt}",
  "service.confidence": "اطمینان: {percent}",
  "service.notMeasured": "هنوز در {place} اندازه‌گیری نشده است. آنچه می‌دانیم تاریخچهٔ ثبت‌شدهٔ زیر است.",
  "service.features": "بر اساس قابلیت",
  "service.col.feature": "قابلیت",
  "service.col.result": "نتیجه",
  "service.col.where": "مرحلهٔ خطا",
  "service.regions": "بر اساس منطقه",
  "service.col.region": "منطقه",
  "service.evidence": "شواهد",
  "service.evidenceIntro": "آنچه هر نقطهٔ اندازه‌گیری در آخرین بررسی دید:",
  "service.evidenceNone":
    "جزئیات نقاط اندازه‌گیری در آخرین بررسی نگه داشته نشده است؛ نتیجهٔ بالا طبق قاعدهٔ زیر به دست آمده است.",
  "service.rule":
    "یک قابلیت فقط وقتی فیلتر شده حساب می‌شود که کاوشگر داخل کشور شکست بخورد و شبکهٔ کنترل بدون سانسور موفق شود، یا شاهد مستقیمی از سانسور باشد (پاسخ جعلی DNS، صفحهٔ فیلترینگ شناخته‌شده، گواهی به نام دیگر). اگر همه‌جا قطع باشد، قطعی است. بدون چنین شواهدی نتیجه نامشخص است.",
  "service.chart": "۳۰ روز گذشته",
  "service.availability": "در ۳۰ روز گذشته، {percent} از زمانِ اندازه‌گیری در دسترس بوده است.",
  "service.availabilityNone": "در ۳۰ روز گذشته اندازه‌گیری‌ای نشده است.",
  "service.chartPng": "دریافت نمودار (PNG)",
  "service.timeline": "تغییرات اندازه‌گیری‌شده",
  "service.timelineNone": "هنوز تغییری اندازه‌گیری نشده است.",
  // Read right to left: the arrow points from the old status to the new one.
  "service.change": "{from} ← {to}",
  "service.first": "نخستین اندازه‌گیری: {to}",
  "service.history": "تاریخچهٔ ثبت‌شده",
  "service.historyNone": "رویدادی برای {place} ثبت نشده است.",
  "service.source": "منبع",
  "service.alternatives": "جایگزین‌ها",
  "service.circumvention": "راه‌های دور زدن فیلتر",
  "service.col.privacy": "حریم خصوصی",
  "service.caution": "هشدار: {text}",
  "service.back": "بازگشت به تابلوی وضعیت",

  "error.notFound": "پیدا نشد",
  "error.notFoundBody": "چنین صفحه‌ای وجود ندارد.",
  "error.server": "مشکلی پیش آمد",
  "error.serverBody": "ساختن صفحه ممکن نشد. یک دقیقهٔ دیگر دوباره امتحان کنید.",

  "chart.title": "{service} در {place}: {days} روز گذشته",
  "chart.availability": "{percent} از زمانِ اندازه‌گیری در دسترس",
  "chart.noData": "در این {days} روز اندازه‌گیری‌ای نشده است",
  "chart.legendNoData": "بدون داده",
  "chart.segment": "{status} از {start} تا {end}",
  "chart.segmentNow": "{status} از {start} تا اکنون",
  "chart.earlier": "بازه‌های قدیمی‌تر که فهرست نشده‌اند: {count}",
  "chart.separator": "؛ ",
  "chart.alt": "{title}. {segments}. {availability}.",
};
