import type { CheckNowMessages } from "./index.js";

export const checkNowFa: CheckNowMessages = {
  "checkNow.button": "🔎 همین حالا بررسی کن",
  "checkNow.started": "در حال بررسی {domain}…",
  "checkNow.result": "{domain} در {place}، همین حالا بررسی شد: {status}",
  "checkNow.recent": "{domain} در {place}، {seconds} ثانیه پیش بررسی شد: {status}",
  "checkNow.mechanism": "آنچه شکست خورد: {mechanism}",
  "checkNow.vantages": "از {count} نقطهٔ سنجش در این کشور، در مقایسه با نقاط سنجش بیرون از آن.",
  "checkNow.refusedAddress": "{domain} به نشانی خصوصی یا رزروشده اشاره می‌کند، پس آن را بررسی نمی‌کنم.",
  "checkNow.refusedTarget": "فقط وب‌سایت‌های عمومی را بررسی می‌کنم و {domain} از آن‌ها نیست.",
  "checkNow.pending": "{domain} همین حالا در حال بررسی است؛ {seconds} ثانیهٔ دیگر دوباره امتحان کنید.",
  "checkNow.limited": "بررسی‌های درخواستی شما فعلاً تمام شده است؛ {seconds} ثانیهٔ دیگر دوباره امتحان کنید.",
  "checkNow.noVantage": "در {place} نقطهٔ سنجش ندارم.",
  "checkNow.unavailable": "بررسی درخواستی اینجا در دسترس نیست.",
  "checkNow.hint": "برای بررسی همین حالا از نقاط سنجش ما: /check {domain} {country}",
  "checkNow.usage": "طرز استفاده: /check <دامنه> [کشور]",
};
