// The console chat's own lines (bot/console.ts): what it does differently from a Telegram chat. Spread
// into the source locale (../en.ts); every locale has the same keys. Placeholders are {name}; plain text.

export const consoleEn = {
  "console.needsTelegram":
    "{command} needs Telegram: alerts and chat settings belong to a Telegram chat. Set BOT_TOKEN to run the bot there.",
  "console.chartWritten": "The 30-day chart is in {path}",
} as const;
