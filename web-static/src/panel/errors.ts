// Turns an API failure into a sentence for the user in the panel's language.
import { ApiError, type ErrorCode } from '../shared/api.ts';
import type { Key, T } from './i18n/index.ts';

/** Per-form wording for codes that mean something specific there (e.g. 401 at sign-in). */
export type Overrides = Partial<Record<ErrorCode, Key>>;

export function errorText(err: unknown, t: T, overrides: Overrides = {}): string {
  if (!(err instanceof ApiError)) return t(overrides.internal ?? 'error.internal');
  const special = overrides[err.code];
  if (special) return t(special);
  const generic = t(`error.${err.code}`);
  // The daemon's `invalid` messages name the exact problem ("url: must start with http");
  // the localized prefix keeps the sentence readable in either language.
  if (err.code === 'invalid' && err.message && !err.message.startsWith('HTTP ')) {
    return `${generic}: ${err.message}`;
  }
  return generic;
}
