import { makeTranslator, type Language, type Translator } from '../../shared/i18n.ts';
import { en } from './en.ts';
import { ru } from './ru.ts';

export type Key = keyof typeof ru;
export type T = Translator<Key>;

export const kDictionaries: Record<Language, Record<Key, string>> = { ru, en };

export function translatorFor(lang: Language): T {
  return makeTranslator<Key>(kDictionaries[lang]);
}
