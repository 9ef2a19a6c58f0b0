// The widget's strings, ru and en with the same keys (tests/unit/widget_i18n.test.ts).
// The language is the site's (from `welcome`); before that, the page's or the browser's.
import { format, type Params } from '../shared/i18n.ts';

export const en = {
  'launcher.open': 'Open chat',
  'launcher.close': 'Close chat',
  'header.online': 'Online',
  'header.offline': 'No operators online',
  'header.minimize': 'Minimize chat',
  'header.fallbackTitle': 'Chat',
  'conn.connecting': 'Connecting…',
  'conn.lost': 'Connection lost, reconnecting…',
  'conn.retryIn': 'Connection lost. Reconnecting in {s} s…',
  'conn.retryNow': 'Retry now',
  'offline.title': 'No operator is online right now.',
  'offline.body': 'You can still write: your message will be kept, but the answer may take a while.',
  'offline.name': 'Name',
  'offline.email': 'E-mail',
  'offline.phone': 'Phone',
  'offline.text': 'Message',
  'offline.submit': 'Send',
  'offline.done': 'Thank you! We will reply to {email}',
  'offline.doneBody': 'Your message has been saved and passed on to the team.',
  'offline.again': 'Write another message',
  'offline.err.emailRequired': 'Enter your e-mail so that we can reply',
  'offline.err.emailInvalid': 'Check the address, e.g. name@example.com',
  'offline.err.textRequired': 'Write your message',
  'offline.err.textLong': 'The message is too long (4000 characters at most)',
  'offline.err.nameLong': 'The name is too long (200 characters at most)',
  'offline.err.phoneLong': 'The phone number is too long (64 characters at most)',
  'offline.err.failed': 'The request was not accepted, please try again',
  'privacy.typing': 'The operator may see what you type before you send it.',
  'empty.title': 'Hello! How can we help?',
  'empty.body': 'Write your question and an operator will answer here.',
  'input.placeholder': 'Type a message…',
  'input.send': 'Send',
  'input.emoji': 'Emoji',
  'state.queued': 'Waiting for connection',
  'state.sending': 'Sending…',
  'state.sent': 'Delivered',
  'state.failed': 'Not sent',
  'state.retry': 'Retry',
  'typing.operator': 'Operator is typing…',
  'author.operator': 'Operator',
  'author.system': 'System',
  'author.you': 'You',
  'error.limit': 'Too many messages, wait a little',
  'error.forbidden': 'This chat is not available',
  'error.invalid': 'The message was rejected',
} as const;

export type WidgetKey = keyof typeof en;

export const ru: Record<WidgetKey, string> = {
  'launcher.open': 'Открыть чат',
  'launcher.close': 'Закрыть чат',
  'header.online': 'Онлайн',
  'header.offline': 'Нет операторов онлайн',
  'header.minimize': 'Свернуть чат',
  'header.fallbackTitle': 'Чат',
  'conn.connecting': 'Подключение…',
  'conn.lost': 'Связь потеряна, переподключаемся…',
  'conn.retryIn': 'Связь потеряна. Повтор через {s} с…',
  'conn.retryNow': 'Повторить',
  'offline.title': 'Сейчас нет операторов онлайн.',
  'offline.body': 'Вы можете написать: сообщение сохранится, но ответ может занять время.',
  'offline.name': 'Имя',
  'offline.email': 'E-mail',
  'offline.phone': 'Телефон',
  'offline.text': 'Сообщение',
  'offline.submit': 'Отправить',
  'offline.done': 'Спасибо! Мы ответим на {email}',
  'offline.doneBody': 'Сообщение сохранено и передано команде.',
  'offline.again': 'Написать ещё',
  'offline.err.emailRequired': 'Укажите e-mail, чтобы мы могли ответить',
  'offline.err.emailInvalid': 'Проверьте адрес, например name@example.com',
  'offline.err.textRequired': 'Напишите сообщение',
  'offline.err.textLong': 'Слишком длинное сообщение (не больше 4000 символов)',
  'offline.err.nameLong': 'Слишком длинное имя (не больше 200 символов)',
  'offline.err.phoneLong': 'Слишком длинный номер (не больше 64 символов)',
  'offline.err.failed': 'Заявка не принята, попробуйте ещё раз',
  'privacy.typing': 'Оператор может видеть набираемый текст до отправки.',
  'empty.title': 'Здравствуйте! Чем можем помочь?',
  'empty.body': 'Напишите вопрос, оператор ответит здесь.',
  'input.placeholder': 'Введите сообщение…',
  'input.send': 'Отправить',
  'input.emoji': 'Эмодзи',
  'state.queued': 'Ждёт подключения',
  'state.sending': 'Отправляется…',
  'state.sent': 'Доставлено',
  'state.failed': 'Не отправлено',
  'state.retry': 'Повторить',
  'typing.operator': 'Оператор печатает…',
  'author.operator': 'Оператор',
  'author.system': 'Система',
  'author.you': 'Вы',
  'error.limit': 'Слишком много сообщений, подождите немного',
  'error.forbidden': 'Этот чат недоступен',
  'error.invalid': 'Сообщение отклонено',
};

export type WidgetLanguage = 'ru' | 'en';

/** "ru", "ru-RU" → ru; everything else → en. */
export const widgetLanguage = (lang: string | null | undefined): WidgetLanguage =>
  (lang ?? '').toLowerCase().startsWith('ru') ? 'ru' : 'en';

export type WidgetT = (key: WidgetKey, params?: Params) => string;

export function widgetTranslator(lang: WidgetLanguage): WidgetT {
  const dict: Record<WidgetKey, string> = lang === 'ru' ? ru : en;
  return (key, params) => format(dict[key], params);
}
