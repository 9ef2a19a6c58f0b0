// Visitor info (F4, F12): GET /api/panel/visitors/{id} (daemon/http/api.md). The answer is
// untrusted text from the visitor's browser: it is checked here and always rendered as text.
import type { ApiClient } from '../../shared/api.ts';
import { isInt, isObj, str } from '../../shared/realtime.ts';

export interface VisitorPage {
  url: string;
  title: string;
  referrer: string;
  ts: number;
}

export interface VisitorDetails {
  id: number;
  site: string;
  name: string;
  contact: { name: string; email: string; phone: string };
  custom: { key: string; value: string }[];
  language: string;
  userAgent: string;
  browser: string;
  os: string;
  device: 'pc' | 'phone' | 'tablet';
  location: { countryCode: string; country: string; city: string; name: string } | null;
  pages: VisitorPage[];
  referrer: string;
  dialog: number | null;
  blocked: boolean;
  createdAt: number;
  lastSeenAt: number;
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export function parseVisitorDetails(v: unknown): VisitorDetails | null {
  if (!isObj(v) || !isInt(v.id)) return null;
  const contact = isObj(v.contact) ? v.contact : {};
  const where = isObj(v.location) ? v.location : null;
  return {
    id: v.id,
    site: str(v.site),
    name: str(v.name),
    contact: { name: str(contact.name), email: str(contact.email), phone: str(contact.phone) },
    custom: list(v.custom)
      .filter(isObj)
      .map((e) => ({ key: str(e.key), value: str(e.value) })),
    language: str(v.language),
    userAgent: str(v.user_agent),
    browser: str(v.browser),
    os: str(v.os),
    device: v.device === 'phone' || v.device === 'tablet' ? v.device : 'pc',
    location: where
      ? { countryCode: str(where.country_code), country: str(where.country), city: str(where.city), name: str(where.name) }
      : null,
    pages: list(v.pages)
      .filter(isObj)
      .map((p) => ({ url: str(p.url), title: str(p.title), referrer: str(p.referrer), ts: isInt(p.ts) ? p.ts : 0 })),
    referrer: str(v.referrer),
    dialog: isInt(v.dialog) ? v.dialog : null,
    blocked: v.blocked === true,
    createdAt: isInt(v.created_at) ? v.created_at : 0,
    lastSeenAt: isInt(v.last_seen_at) ? v.last_seen_at : 0,
  };
}

export async function fetchVisitorDetails(client: ApiClient, id: number): Promise<VisitorDetails> {
  const body = await client.get<{ visitor: unknown }>(`/api/panel/visitors/${id}`);
  const details = parseVisitorDetails(body.visitor);
  if (!details) throw new Error('malformed visitor');
  return details;
}

/** Only http(s) addresses become links; anything else is shown as plain text. */
export function safeHref(url: string): string | null {
  return /^https?:\/\//i.test(url) ? url : null;
}

/** The host of a referrer ("yandex.ru"), or the text itself when it is not a URL. */
export function referrerLabel(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}
