import type { ConversationMessages } from "./index.js";

// Country names stay in the nominative ("{service} ({place})", "{place}: ..."), as in the answer, so no
// message has to decline a name it did not write.
export const conversationRu: ConversationMessages = {
  "bot.settings": "Язык: {language} (/lang) · страна по умолчанию: {country} (/country)",
  "bot.more": "/help — все команды; /about — откуда я это знаю.",

  "command.start": "Приветствие, язык и страна по умолчанию",
  "command.help": "Как спрашивать и все команды",
  "command.status": "Заблокирован ли сервис? С доказательствами",
  "command.list": "Все сервисы страны по категориям",
  "command.alternatives": "Чем заменить сервис",
  "command.history": "График за 30 дней и история с датами",
  "command.report": "Сообщить, что сервис у вас не работает",
  "command.check": "Проверить любой сайт прямо сейчас с точек измерения в стране",
  "command.subscribe": "Сообщать, когда статус меняется",
  "command.unsubscribe": "Больше не сообщать",
  "command.subscriptions": "Подписки этого чата",
  "command.delivery": "Оповещения сразу или сводкой раз в день",
  "command.country": "Страна по умолчанию для этого чата",
  "command.lang": "Язык этого чата",
  "command.about": "Как выносится вердикт и откуда данные",
  "command.subscribe_channel": "Подписать канал, которым вы управляете",
  "command.unsubscribe_channel": "Отписать канал, которым вы управляете",

  "arg.service": "сервис",
  "arg.country": "страна",
  "arg.channel": "@канал",
  "arg.code": "код",
  "arg.domain": "домен",
  "arg.mode": "immediate|digest",

  "help.commands": "Команды:",
  "help.all": "Вместо сервиса можно написать all — все сервисы: /subscribe all ir.",
  "help.inline": "В любом чате наберите @{bot} whatsapp iran, чтобы поделиться статусом.",
  "help.groups": "В группах спрашивать может любой; подписки и настройки меняют только администраторы.",

  "usage.service": "Какой сервис? Например: /{command} whatsapp cn",
  "usage.subscribe":
    "На что подписать этот чат? Например: /{command} whatsapp cn или /{command} all ir — на все сервисы в Иране.",

  "button.subscribe": "🔔 Подписаться",
  "button.alternatives": "🔀 Альтернативы",
  "button.details": "🔍 Подробности",
  "button.history": "📜 История",
  "button.share": "📤 Поделиться",
  "button.unsubscribe": "✖ {target}",
  "button.digest": "Перейти на сводку раз в день",
  "button.immediate": "Перейти на оповещения сразу",
  "button.langAuto": "Язык Telegram каждого участника",

  "category.messaging": "Мессенджеры",
  "category.social": "Соцсети",
  "category.video": "Видео",
  "category.search": "Поиск",
  "category.email": "Почта",
  "category.news": "Новости",
  "category.reference": "Справочные сайты",
  "category.developer": "Для разработчиков",
  "category.vpn": "VPN",
  "category.circumvention": "Средства обхода блокировок",
  "category.productivity": "Работа и файлы",
  "category.music": "Музыка",

  "list.title": "{place}: все сервисы по категориям",
  "list.line": "{category}: {services}",
  "list.lastKnown": "* последние известные данные из истории, а не наши измерения",

  "alternatives.title": "{service} ({place}): чем заменить",
  "alternatives.none": "{service}: альтернативы пока не указаны.",

  "details.title": "{service} ({place}): подробности",
  "details.status": "Статус: {status} · уверенность {confidence}%",
  "details.byFeature": "По функциям:",
  "details.byRegion": "По регионам:",
  "details.howItFails": "Как именно не работает:",
  "details.noMeasurement":
    "{service} ({place}): измерений пока нет, поэтому нет и данных по функциям и регионам.",
  "details.notMeasured": "ещё не измерялось",
  "mechanism.dns": "DNS: ответ для имени подделан или отсутствует",
  "mechanism.tcp": "TCP: соединения сбрасываются или не устанавливаются",
  "mechanism.tls": "TLS: шифрованное соединение обрывается или отвечает подставной сервер",
  "mechanism.http": "HTTP: приходит страница блокировки или чужая страница",

  "history.title": "{service} ({place}): история",
  "history.measured": "Измеренные изменения:",
  "history.change": "{from} → {to}",
  "history.first": "первое измерение: {to}",
  "history.recorded": "Известные события:",
  "history.none": "{service} ({place}): пока ничего не записано.",

  "report.thanks": "Спасибо. Ваше сообщение о проблеме ({service}, {place}) учтено.",
  "report.already": "Вы уже сообщали о проблеме ({service}, {place}) за последний час; учитывается один раз.",
  "report.recent.one": "{place}: за последний час о проблемах сообщил {count} человек.",
  "report.recent.few": "{place}: за последний час о проблемах сообщили {count} человека.",
  "report.recent.many": "{place}: за последний час о проблемах сообщили {count} человек.",
  "report.recent.other": "{place}: за последний час о проблемах сообщили {count} человека.",
  "report.notVerdict":
    "Сообщения людей показываются рядом с нашими измерениями, но сами по себе вердиктом не являются.",

  "target.service": "{service} ({place})",
  "target.all": "все сервисы ({place})",
  "subscribe.done": "🔔 Подписка оформлена: чат получит сообщение, когда изменится статус: {target}.",
  "subscribe.already": "Этот чат уже подписан: {target}.",
  "unsubscribe.done": "Подписка отменена: {target}.",
  "unsubscribe.missing": "У этого чата нет такой подписки: {target}.",
  "subscriptions.title": "Подписки этого чата:",
  "subscriptions.none":
    "У этого чата пока нет подписок. Попробуйте /subscribe whatsapp cn или /subscribe all ir.",
  "subscriptions.delivery": "Доставка: {mode}.",
  "delivery.immediate": "сообщение сразу, как только статус изменится",
  "delivery.digest": "одна сводка в день",
  "delivery.set": "Доставка для этого чата: {mode}.",
  "delivery.usage": "Доставка для этого чата: {mode}. Изменить: /delivery immediate или /delivery digest.",

  "country.current":
    "Страна по умолчанию для этого чата: {country}. Изменить: /country и код страны, например /country IR.",
  "country.set": "Страна по умолчанию для этого чата: {country}.",
  "country.unknown": "Не знаю страну «{input}». Укажите двухбуквенный код, например CN, IR или RU.",
  "lang.choose": "Выберите язык этого чата:",
  "lang.set": "Язык этого чата: русский.",
  "lang.auto": "Теперь этот чат отвечает каждому на языке его Telegram.",

  "guard.notAdmin":
    "Подписки и настройки этой группы могут менять только её администраторы. Спросить о сервисе может любой.",
  "guard.autoForward":
    "Посты, автоматически пересланные из связанного канала, не могут менять настройки группы. Пусть администратор отправит команду здесь.",
  "guard.otherChat": "Сообщения от имени канала не могут менять настройки этой группы.",

  "group.greeting":
    "👋 Здравствуйте, {title}! Любой здесь может спросить, заблокирован ли сервис: /status whatsapp cn — или упомянуть меня с вопросом. Администраторы могут задать язык группы (/lang) и страну по умолчанию (/country IR) и подписать группу на изменения: /subscribe whatsapp cn, /subscribe all ir, а /delivery digest — одно сообщение в день.",

  "channel.usage":
    "Отправьте /{command} @канал whatsapp cn (или all ir). Я должен быть администратором канала с правом публиковать сообщения.",
  "channel.privateOnly": "Отправьте эту команду мне в личном чате.",
  "channel.notFound":
    "Я не вижу {channel}. Добавьте меня в канал администратором с правом публиковать сообщения и попробуйте снова.",
  "channel.notChannel": "{channel} — не канал.",
  "channel.notAdmin": "Менять подписки {channel} может только администратор канала.",
  "channel.cannotPost":
    "Мне нельзя публиковать в {channel}. Сделайте меня администратором с правом публиковать сообщения и попробуйте снова.",
  "channel.subscribed": "🔔 {channel}: подписка оформлена — {target}.",
  "channel.already": "{channel}: подписка уже есть — {target}.",
  "channel.unsubscribed": "{channel}: подписка отменена — {target}.",
  "channel.missing": "{channel}: такой подписки нет — {target}.",

  "inline.help": "Напишите сервис и страну, например «whatsapp иран»",

  "rate.limited": "Вы спрашиваете быстрее, чем я успеваю отвечать. Подождите минуту и спросите снова.",
  "error.generic": "Извините, при ответе что-то пошло не так. Попробуйте позже.",
  "error.unavailable":
    "Временно недоступен: нет связи с базой данных, поэтому сейчас я не могу ответить или что-то изменить. Попробуйте через несколько минут.",
  "button.expired": "Эта кнопка больше не работает. Спросите снова.",

  "about.title": "Откуда isblocked это знает",
  "about.probes":
    "Точки измерения внутри страны проверяют DNS, TCP, TLS и HTTP; если участвует контрольная сеть без цензуры, те же измерения идут и из неё. «Блокировка» — не работает внутри и работает в контрольной сети; если не работает и там и там, это сбой, а не цензура. Каждый ответ говорит, на каких доказательствах он основан.",
  "about.evidence":
    "Без контрольной сети учитываются только прямые улики: поддельный ответ DNS, известная страница блокировки, сертификат на чужое имя. Иначе ответ — «неизвестно», никаких догадок.",
  "about.confirm":
    "Новый статус показывается и рассылается только после двух совпавших проверок подряд, поэтому случайный сбой не поднимает тревогу.",
  "about.features":
    "Каждая функция оценивается отдельно: текст может работать, а фото и звонки — быть заблокированы.",
  "about.sources":
    "Источники: наши собственные измерения, открытые измерения OONI и база знаний датированных событий, каждое со ссылкой на публикацию (новости, Citizen Lab, Freedom House).",
  "about.reports":
    "Сообщения людей (/report) показываются рядом с измерениями, но сами по себе вердиктом не являются. С каждым сообщением хранится только односторонний хеш (HMAC) идентификатора аккаунта Telegram, а не сам идентификатор.",
};
