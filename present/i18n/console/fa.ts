import type { ConsoleMessages } from "./index.js";

export const consoleFa: ConsoleMessages = {
  "console.needsTelegram":
    "{command} فقط در تلگرام کار می‌کند: هشدارها و تنظیمات به یک گفت‌وگوی تلگرام تعلق دارند. برای اجرای ربات در تلگرام، BOT_TOKEN را تنظیم کنید.",
  "console.chartWritten": "نمودار ۳۰ روزه در {path} ذخیره شد",
};
