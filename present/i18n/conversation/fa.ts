import type { ConversationMessages } from "./index.js";

// Lines that would begin with a Latin command are written description first, so each line's first strong
// character is Persian and the paragraph stays right to left.
export const conversationFa: ConversationMessages = {
  "bot.settings": "زبان: {language} (/lang) · کشور پیش‌فرض: {country} (/country)",
  "bot.more": "فهرست همهٔ دستورها: /help — از کجا می‌دانم: /about",

  "command.start": "خوشامد، زبان و کشور پیش‌فرض",
  "command.help": "چطور بپرسید، و همهٔ دستورها",
  "command.status": "آیا سرویسی مسدود است؟ همراه با شواهد",
  "command.list": "همهٔ سرویس‌های یک کشور، به تفکیک دسته",
  "command.alternatives": "به جای یک سرویس چه چیزی کار می‌کند",
  "command.history": "نمودار ۳۰ روز گذشته و تاریخچهٔ تاریخ‌دار",
  "command.report": "گزارش اینکه سرویسی برای شما کار نمی‌کند",
  "command.check": "بررسی فوری هر وب‌سایت از نقاط سنجش داخل کشور",
  "command.subscribe": "پیام هنگام تغییر وضعیت",
  "command.unsubscribe": "لغو این پیام‌ها",
  "command.subscriptions": "اشتراک‌های این گفت‌وگو",
  "command.delivery": "هشدار فوری یا خلاصهٔ روزانه",
  "command.country": "کشور پیش‌فرض این گفت‌وگو",
  "command.lang": "زبان این گفت‌وگو",
  "command.about": "نتیجه‌ها چگونه به دست می‌آیند، و منابع",
  "command.subscribe_channel": "اشتراک برای کانالی که مدیرش هستید",
  "command.unsubscribe_channel": "لغو اشتراک کانالی که مدیرش هستید",

  "arg.service": "سرویس",
  "arg.country": "کشور",
  "arg.channel": "@کانال",
  "arg.code": "کد",
  "arg.domain": "دامنه",
  "arg.mode": "immediate|digest",

  "help.commands": "دستورها:",
  "help.all": "به جای نام سرویس، all یعنی همهٔ سرویس‌ها: /subscribe all ir",
  "help.inline": "در هر گفت‌وگویی بنویسید @{bot} whatsapp iran تا وضعیت را به اشتراک بگذارید.",
  "help.groups": "در گروه‌ها همه می‌توانند بپرسند؛ فقط مدیران اشتراک‌ها و تنظیمات را تغییر می‌دهند.",

  "usage.service": "کدام سرویس؟ مثلاً: /{command} whatsapp ir",
  "usage.subscribe":
    "این گفت‌وگو مشترک چه چیزی شود؟ مثلاً: /{command} whatsapp ir، یا /{command} all ir برای همهٔ سرویس‌ها در ایران.",

  "button.subscribe": "🔔 اشتراک",
  "button.alternatives": "🔀 جایگزین‌ها",
  "button.details": "🔍 جزئیات",
  "button.history": "📜 تاریخچه",
  "button.share": "📤 هم‌رسانی",
  "button.unsubscribe": "✖ {target}",
  "button.digest": "تغییر به خلاصهٔ روزانه",
  "button.immediate": "تغییر به هشدار فوری",
  "button.langAuto": "زبان تلگرام هر شخص",

  "category.messaging": "پیام‌رسان‌ها",
  "category.social": "شبکه‌های اجتماعی",
  "category.video": "ویدیو",
  "category.search": "جست‌وجو",
  "category.email": "ایمیل",
  "category.news": "خبر",
  "category.reference": "مرجع",
  "category.developer": "برنامه‌نویسان",
  "category.vpn": "وی‌پی‌ان‌ها",
  "category.circumvention": "ابزارهای دور زدن سانسور",
  "category.productivity": "کار و فایل",
  "category.music": "موسیقی",

  "list.title": "{place}: همهٔ سرویس‌ها به تفکیک دسته",
  "list.line": "{category}: {services}",
  "list.lastKnown": "* آخرین وضعیت شناخته‌شده از تاریخچه، نه سنجش ما",

  "alternatives.title": "به جای {service} در {place}",
  "alternatives.none": "هنوز جایگزینی برای {service} ثبت نشده است.",

  "details.title": "{service} در {place}: جزئیات",
  "details.status": "وضعیت: {status} · اطمینان {confidence}٪",
  "details.byFeature": "به تفکیک قابلیت:",
  "details.byRegion": "به تفکیک منطقه:",
  "details.howItFails": "چگونه از کار می‌افتد:",
  "details.noMeasurement":
    "هنوز سنجشی برای {service} در {place} نداریم، پس شاهدی به تفکیک قابلیت یا منطقه در دست نیست.",
  "details.notMeasured": "هنوز سنجیده نشده",
  "mechanism.dns": "پاسخ DNS برای این نام جعلی است یا اصلاً نمی‌رسد",
  "mechanism.tcp": "اتصال‌های TCP قطع می‌شوند یا به نتیجه نمی‌رسند",
  "mechanism.tls": "دست‌دهی رمزنگاری‌شدهٔ TLS قطع می‌شود یا سرور جعلی پاسخ می‌دهد",
  "mechanism.http": "در پاسخ HTTP صفحهٔ مسدودسازی یا صفحه‌ای نادرست برمی‌گردد",

  "history.title": "{service} در {place}: تاریخچه",
  "history.measured": "تغییرهای سنجیده‌شده:",
  "history.change": "{from} ← {to}",
  "history.first": "نخستین سنجش: {to}",
  "history.recorded": "رویدادهای ثبت‌شده:",
  "history.none": "هنوز چیزی برای {service} در {place} ثبت نشده است.",

  "report.thanks": "سپاس. گزارش شما دربارهٔ {service} در {place} ثبت شد.",
  "report.already":
    "شما در یک ساعت گذشته مشکل {service} در {place} را گزارش کرده‌اید؛ فقط یک بار شمرده می‌شود.",
  "report.recent.one": "در یک ساعت گذشته {count} نفر در {place} مشکل را گزارش کرده است.",
  "report.recent.few": "در یک ساعت گذشته {count} نفر در {place} مشکل را گزارش کرده‌اند.",
  "report.recent.many": "در یک ساعت گذشته {count} نفر در {place} مشکل را گزارش کرده‌اند.",
  "report.recent.other": "در یک ساعت گذشته {count} نفر در {place} مشکل را گزارش کرده‌اند.",
  "report.notVerdict": "گزارش‌های مردم کنار سنجش‌های ما نشان داده می‌شوند، اما به‌تنهایی مبنای نتیجه نیستند.",

  "target.service": "{service} در {place}",
  "target.all": "همهٔ سرویس‌ها در {place}",
  "subscribe.done": "🔔 مشترک شدید: هر وقت وضعیت {target} تغییر کند، این گفت‌وگو پیام می‌گیرد.",
  "subscribe.already": "این گفت‌وگو از قبل مشترک {target} است.",
  "unsubscribe.done": "اشتراک لغو شد: این گفت‌وگو دیگر پیامی دربارهٔ {target} نمی‌گیرد.",
  "unsubscribe.missing": "این گفت‌وگو مشترک {target} نیست.",
  "subscriptions.title": "اشتراک‌های این گفت‌وگو:",
  "subscriptions.none":
    "این گفت‌وگو هنوز اشتراکی ندارد. امتحان کنید: /subscribe whatsapp ir یا /subscribe all ir",
  "subscriptions.delivery": "شیوهٔ ارسال: {mode}.",
  "delivery.immediate": "پیام فوری به محض تغییر وضعیت",
  "delivery.digest": "یک خلاصهٔ روزانه",
  "delivery.set": "شیوهٔ ارسال در این گفت‌وگو: {mode}.",
  "delivery.usage": "شیوهٔ ارسال در این گفت‌وگو: {mode}. برای تغییر: /delivery immediate یا /delivery digest",

  "country.current":
    "کشور پیش‌فرض این گفت‌وگو: {country}. برای تغییر، /country و کد کشور را بفرستید، مثلاً /country IR",
  "country.set": "کشور پیش‌فرض این گفت‌وگو: {country}.",
  "country.unknown": "کشور «{input}» را نمی‌شناسم. یک کد دوحرفی مانند CN، IR یا RU به کار ببرید.",
  "lang.choose": "زبان این گفت‌وگو را انتخاب کنید:",
  "lang.set": "زبان این گفت‌وگو: فارسی.",
  "lang.auto": "از این پس این گفت‌وگو به زبان تلگرام هر شخص پاسخ می‌دهد.",

  "guard.notAdmin":
    "فقط مدیران این گروه می‌توانند اشتراک‌ها و تنظیمات آن را تغییر دهند. پرسیدن دربارهٔ سرویس‌ها برای همه آزاد است.",
  "guard.autoForward":
    "پست‌هایی که خودکار از کانال متصل بازارسال می‌شوند نمی‌توانند تنظیمات گروه را تغییر دهند. یکی از مدیران دستور را همین‌جا بفرستد.",
  "guard.otherChat": "پیام‌هایی که از طرف یک کانال فرستاده می‌شوند نمی‌توانند تنظیمات این گروه را تغییر دهند.",

  "group.greeting":
    "👋 سلام {title}! همه در اینجا می‌توانند بپرسند که آیا سرویسی مسدود است: /status whatsapp ir، یا با نام بردن از من سؤال کنند. مدیران می‌توانند زبان گروه (/lang) و کشور پیش‌فرض (/country IR) را تنظیم کنند و گروه را مشترک تغییرها کنند: /subscribe whatsapp ir، /subscribe all ir، و /delivery digest برای یک پیام در روز.",

  "channel.usage":
    "بفرستید: /{command} @کانال whatsapp ir (یا all ir). من باید مدیر کانال باشم و اجازهٔ ارسال پیام داشته باشم.",
  "channel.privateOnly": "این دستور را در گفت‌وگوی خصوصی با من بفرستید.",
  "channel.notFound": "{channel} را نمی‌بینم. مرا با اجازهٔ ارسال پیام مدیر کانال کنید و دوباره امتحان کنید.",
  "channel.notChannel": "{channel} کانال نیست.",
  "channel.notAdmin": "فقط مدیران {channel} می‌توانند اشتراک‌های آن را تغییر دهند.",
  "channel.cannotPost":
    "اجازهٔ ارسال در {channel} را ندارم. مرا مدیری با اجازهٔ ارسال پیام کنید و دوباره امتحان کنید.",
  "channel.subscribed": "🔔 {channel} اکنون مشترک {target} است.",
  "channel.already": "{channel} از قبل مشترک {target} است.",
  "channel.unsubscribed": "اشتراک {channel} برای {target} لغو شد.",
  "channel.missing": "{channel} مشترک {target} نیست.",

  "inline.help": "نام سرویس و کشور را بنویسید، مثلاً «واتس‌اپ ایران»",

  "rate.limited": "سریع‌تر از آنچه بتوانم پاسخ دهم می‌پرسید. لطفاً یک دقیقه صبر کنید و دوباره بپرسید.",
  "error.generic": "متأسفم، هنگام پاسخ دادن مشکلی پیش آمد. لطفاً بعداً دوباره امتحان کنید.",
  "error.unavailable":
    "موقتاً در دسترس نیستم: به پایگاه داده‌ام دسترسی ندارم، پس الان نمی‌توانم پاسخ بدهم یا چیزی را تغییر دهم. لطفاً چند دقیقهٔ دیگر دوباره امتحان کنید.",
  "button.expired": "این دکمه دیگر کار نمی‌کند. لطفاً دوباره بپرسید.",

  "about.title": "isblocked از کجا می‌داند",
  "about.probes":
    "نقاط سنجش داخل کشور DNS، TCP، TLS و HTTP را می‌سنجند؛ هر جا شبکهٔ مرجع بدون سانسور در کار باشد، همان سنجش‌ها از آن هم انجام می‌شوند. «مسدود» یعنی در داخل از کار می‌افتد و در شبکهٔ مرجع کار می‌کند؛ اگر در هر دو از کار بیفتد، سرویس همه‌جا قطع است: قطعی است، نه سانسور. هر پاسخ می‌گوید بر کدام شاهد تکیه دارد.",
  "about.evidence":
    "بدون شبکهٔ مرجع، فقط شواهد مستقیم به حساب می‌آیند: پاسخ جعلی DNS، صفحهٔ مسدودسازی شناخته‌شده، گواهی برای نامی دیگر. در غیر این صورت پاسخ «نامشخص» است و هرگز حدس نمی‌زنیم.",
  "about.confirm":
    "وضعیت تازه فقط پس از دو بررسی پیاپیِ همسو نمایش داده یا اعلام می‌شود، تا یک اختلال گذرا هشدار بی‌جا ندهد.",
  "about.features": "هر قابلیت جداگانه سنجیده می‌شود: ممکن است پیام متنی کار کند و عکس و تماس مسدود باشند.",
  "about.sources":
    "منابع: سنجش‌های خود ما، سنجش‌های عمومی OONI و پایگاه دانشی از رویدادهای تاریخ‌دار که هر کدام به گزارش مربوطش پیوند دارد (خبرگزاری‌ها، Citizen Lab، Freedom House).",
  "about.reports":
    "گزارش‌های مردم (/report) کنار سنجش‌ها نشان داده می‌شوند، اما به‌تنهایی مبنای نتیجه نیستند. همراه هر گزارش فقط هش یک‌طرفهٔ (HMAC) شناسهٔ حساب تلگرام گزارش‌دهنده ذخیره می‌شود، نه خودِ شناسه.",
};
