import { type BotApiServer, readWebhookResponse } from "../support/bot-api-server.js";
// What the scale tests share: Telegram updates as the Bot API delivers them, posted to a replica's webhook.

export const TOKEN = "123456789:AAHfiqksKZ8WmR2zSjiQ7_v4TMAKdiHm9T0";
export const WEBHOOK_URL = "https://bot.example.invalid/tg/hook";

/** A private message from `chatId`; a leading /command is marked as one. */
export function textUpdate(updateId: number, chatId: number, text: string, languageCode = "en") {
  const command = /^\/\w+/.exec(text);
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: 1_763_726_400,
      chat: { id: chatId, type: "private", first_name: "Lin" },
      from: { id: chatId, is_bot: false, first_name: "Lin", language_code: languageCode },
      text,
      ...(command ? { entities: [{ type: "bot_command", offset: 0, length: command[0].length }] } : {}),
    },
  };
}

/**
 * Posts `update` to the webhook of the process on `port` as Telegram does (with the secret), and as
 * Telegram makes the call a response carries at `api`. Resolves with the response's status.
 */
export async function postUpdate(
  api: Pick<BotApiServer, "followWebhookResponse">,
  port: number,
  secret: string,
  update: unknown,
): Promise<{ status: number }> {
  const response = await fetch(`http://127.0.0.1:${port}${new URL(WEBHOOK_URL).pathname}`, {
    method: "POST",
    headers: { "content-type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret },
    body: JSON.stringify(update),
  });
  await api.followWebhookResponse(await readWebhookResponse(response));
  return { status: response.status };
}
