import type { ConsoleMessages } from "./index.js";

export const consoleRu: ConsoleMessages = {
  "console.needsTelegram":
    "{command} работает только в Telegram: оповещения и настройки привязаны к чату Telegram. Задайте BOT_TOKEN, чтобы запустить бота там.",
  "console.chartWritten": "График за 30 дней сохранён в {path}",
};
