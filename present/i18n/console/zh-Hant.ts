import type { ConsoleMessages } from "./index.js";

export const consoleZhHant: ConsoleMessages = {
  "console.needsTelegram":
    "{command} 需要在 Telegram 中使用：提醒和聊天設定屬於 Telegram 聊天。設定 BOT_TOKEN 即可在 Telegram 中執行機器人。",
  "console.chartWritten": "30 天圖表已儲存至 {path}",
};
