import type { ConsoleMessages } from "./index.js";

export const consoleZhHans: ConsoleMessages = {
  "console.needsTelegram":
    "{command} 需要在 Telegram 中使用：提醒和聊天设置属于 Telegram 聊天。设置 BOT_TOKEN 即可在 Telegram 中运行机器人。",
  "console.chartWritten": "30 天图表已保存到 {path}",
};
