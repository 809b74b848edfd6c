import type { AlertMessages } from "./index.js";

export const alertsRu: AlertMessages = {
  "alert.headline": "{service} ({place}): теперь {status}",
  "alert.when": "{headline} (с {since})",
  "alert.before": "Раньше: {status}.",
  "alert.beforeHistory":
    "Раньше: {status} — последнее известное состояние с {since} по датированному сообщению ({source}).",
  "alert.blocked": "Блокировка: {features}.",
  "alert.down": "Не работает нигде: {features}.",
  "alert.unknown": "Неизвестно: {features}.",
  "alert.working": "Работает: {features}.",
  "alert.instead": "Альтернативы: {services}.",
  "alert.waysAround": "Как обойти блокировку: {services}.",
  "alert.item": "{service} ({details})",
  "alert.detailSeparator": ", ",
  "alert.more": "Подробнее: {command}",

  "digest.title": "Ежедневная сводка: изменения статусов",
  "digest.change": "{service} ({place}): {from} → {to} ({since})",
  "digest.first": "{service} ({place}): {to} ({since})",
  "digest.earlier": "Более ранние изменения не показаны: {count}.",
  "digest.more": "Подробнее: /status и название сервиса, например {command}. Ваши подписки: /subscriptions",
};
