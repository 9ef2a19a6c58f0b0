// Language handling shared by the panel and (later) the widget. Each app has its own
// dictionaries; this module only picks a language and fills in {placeholders}.

export type Language = 'ru' | 'en';

export const kLanguages: readonly Language[] = ['ru', 'en'];

export function isLanguage(value: unknown): value is Language {
  return value === 'ru' || value === 'en';
}

/** Russian for any ru* browser locale, English otherwise. */
export function detectLanguage(navigatorLanguage: string | undefined | null): Language {
  return (navigatorLanguage ?? '').toLowerCase().startsWith('ru') ? 'ru' : 'en';
}

export type Params = Record<string, string | number>;

/** Replaces {name} with params.name; unknown placeholders stay visible so they get noticed. */
export function format(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

export type Translator<K extends string> = (key: K, params?: Params) => string;

export function makeTranslator<K extends string>(dict: Record<K, string>): Translator<K> {
  return (key, params) => format(dict[key] ?? key, params);
}
