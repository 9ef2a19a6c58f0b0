// Client-side checks that mirror the daemon's, so the common mistakes never need a round trip.
import type { Key } from './i18n/index.ts';

export const kMinPassword = 8;

export function passwordProblem(password: string, confirm?: string): Key | null {
  if ([...password].length < kMinPassword) return 'password.too_short';
  if (confirm !== undefined && confirm !== password) return 'password.mismatch';
  return null;
}

/**
 * The site's address as typed ("shop.example", "https://shop.example/path") -> an http(s)
 * URL string, or null when it is not one. A bare host gets https://, as the daemon does.
 */
export function normalizeSiteUrl(text: string): string | null {
  const v = text.trim();
  if (v === '' || /\s/.test(v)) return null;
  const hasScheme = /^[a-z][a-z0-9+.-]*:/i.test(v);
  const withScheme = hasScheme ? v : `https://${v}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return null;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return null;
  if (!hasScheme && !url.hostname.includes('.') && url.hostname !== 'localhost') return null;
  return withScheme;
}

/** Textarea of origins -> trimmed, non-empty, de-duplicated lines. */
export function parseOrigins(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const v = line.trim();
    if (v !== '' && !out.includes(v)) out.push(v);
  }
  return out;
}
