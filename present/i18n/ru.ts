import { alertsRu } from "./alerts/ru.js";
import { checkNowRu } from "./check-now/ru.js";
import { consoleRu } from "./console/ru.js";
import { conversationRu } from "./conversation/ru.js";
import type { Messages } from "./en.js";
import { feedRu } from "./feed/ru.js";
import { methodRu } from "./method/ru.js";
import { ooniRu } from "./ooni/ru.js";
import { regionsRu } from "./regions/ru.js";
import { sourcesRu } from "./sources/ru.js";

export const ru: Messages = {
  "status.accessible": "доступ есть",
  "status.partial": "частичная блокировка",
  "status.blocked": "блокировка",
  "status.outage": "не работает нигде (сбой, а не цензура)",
  "status.unknown": "неизвестно",

  "verdict.ok": "работает",
  "verdict.blocked": "блокировка",
  "verdict.down": "не работает нигде",
  "verdict.unknown": "неизвестно",

  "feature.text": "Текстовые сообщения",
  "feature.media": "Фото, видео и голосовые сообщения",
  "feature.calls": "Звонки",
  "feature.web": "Сайт",
  "feature.registration": "Регистрация",
  "feature.app": "Приложение",
  "feature.search": "Поиск",
  "feature.mail": "Почта",
  "feature.video": "Видео",
  "feature.bootstrap": "Подключение к сети",
  "feature.bridges": "Мосты",
  "feature.download": "Скачивание",
  "feature.api": "API",
  "feature.connect": "Соединение",

  "e2ee.yes": "сквозное шифрование",
  "e2ee.optional": "сквозное шифрование по выбору",
  "e2ee.no": "без сквозного шифрования",

  "answer.title": "{service} ({place}): {status}",
  "answer.titleNoStatus": "{service} ({place})",
  "answer.since": "С {since}",
  "answer.checked": "последняя проверка: {checkedAt}",
  "answer.mechanism": "{verdict} ({mechanism})",
  "answer.noMeasurementHistory":
    "Свежих измерений нет; последние известные данные: {status} с {since} ({source})",
  "answer.noMeasurementNothing": "{service} ({place}): пока нет ни измерений, ни записанной истории.",
  "answer.historyTitle": "История:",
  "answer.alternativesTitle": "Альтернативы:",
  "answer.circumventionTitle": "Как обойти блокировку:",
  "answer.lastKnown": "по последним данным",
  "answer.caution": "Внимание: {text}",
  "answer.source": "источник",
  "answer.domainUnknown":
    "{place}: домена {domain} пока нет в базе знаний, и измерений по нему нет, поэтому его статус неизвестен.",
  "answer.notUnderstood": "Не удалось понять, о каком сервисе идёт речь.",
  "answer.didYouMean": "Возможно, вы имели в виду: {suggestions}?",
  "answer.tryExample": "Например: «WhatsApp заблокирован в Китае?»",
  "answer.untranslated": "(на английском) {text}",
  "related.onion": "в Tor: {address}",
  "related.ownServer": "нужен сервер за рубежом (свой или знакомых)",
  "related.appAlone": "только приложение, свой сервер не нужен",

  "date.month.1": "января",
  "date.month.2": "февраля",
  "date.month.3": "марта",
  "date.month.4": "апреля",
  "date.month.5": "мая",
  "date.month.6": "июня",
  "date.month.7": "июля",
  "date.month.8": "августа",
  "date.month.9": "сентября",
  "date.month.10": "октября",
  "date.month.11": "ноября",
  "date.month.12": "декабря",
  "date.monthAlone.1": "январь",
  "date.monthAlone.2": "февраль",
  "date.monthAlone.3": "март",
  "date.monthAlone.4": "апрель",
  "date.monthAlone.5": "май",
  "date.monthAlone.6": "июнь",
  "date.monthAlone.7": "июль",
  "date.monthAlone.8": "август",
  "date.monthAlone.9": "сентябрь",
  "date.monthAlone.10": "октябрь",
  "date.monthAlone.11": "ноябрь",
  "date.monthAlone.12": "декабрь",
  "date.monthYear": "{monthAlone} {year} г.",
  "date.dayMonthYear": "{day} {month} {year} г.",
  "date.year": "{year} г.",
  "date.yearInline": "{year} года",
  "place.regionCountry": "{region}, {country}",
  "list.separator": ", ",
  "list.groupSeparator": "; ",
  "punct.colon": ": ",
  "punct.open": " (",
  "punct.close": ")",

  "bot.welcome":
    "Здравствуйте! Спросите, заблокирован ли какой-нибудь сервис, например: «WhatsApp заблокирован в Китае?». Я отвечаю на основе сетевых измерений и базы знаний об истории цензуры, а если не знаю, так и говорю: «неизвестно».",
  "bot.help":
    "Спрашивайте своими словами: «Telegram заблокирован в Иране?», «YouTube Россия» — или пришлите ссылку.",
  ...conversationRu,
  ...alertsRu,
  ...checkNowRu,
  ...regionsRu,
  ...ooniRu,
  ...sourcesRu,
  ...consoleRu,
  ...feedRu,
  ...methodRu,
  "console.intro":
    "Консоль isblocked: задайте вопрос (например, whatsapp заблокирован в китае?) или введите exit для выхода.",
};
