import type { CheckNowMessages } from "./index.js";

export const checkNowRu: CheckNowMessages = {
  "checkNow.button": "🔎 Проверить сейчас",
  "checkNow.started": "Проверяю {domain}…",
  "checkNow.result": "{domain} ({place}), проверено только что: {status}",
  "checkNow.recent": "{domain} ({place}), проверено {seconds} с назад: {status}",
  "checkNow.mechanism": "Что не сработало: {mechanism}",
  "checkNow.vantages":
    "Точек измерения в стране: {count}; результат сравнён с точками измерения за её пределами.",
  "checkNow.refusedAddress": "{domain} указывает на частный или зарезервированный адрес, его я не проверяю.",
  "checkNow.refusedTarget": "Я проверяю только публичные сайты, а {domain} к ним не относится.",
  "checkNow.pending": "{domain} проверяется прямо сейчас; попробуйте снова через {seconds} с.",
  "checkNow.limited": "Вы исчерпали проверки по запросу; попробуйте снова через {seconds} с.",
  "checkNow.noVantage": "У меня нет точки измерения в стране «{place}».",
  "checkNow.unavailable": "Проверки по запросу здесь недоступны.",
  "checkNow.hint": "Проверить сейчас с наших точек измерения: /check {domain} {country}",
  "checkNow.usage": "Использование: /check <домен> [страна]",
};
