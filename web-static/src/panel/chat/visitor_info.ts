// Pure helpers for showing visitors: device class from the user agent, labels, times.
import type { Device, VisitorInfo } from './protocol.ts';

const kPhoneUa = /Mobi|Android|iPhone|iPod|iPad|Windows Phone|IEMobile|Opera Mini|BlackBerry|Tablet/i;

/** Phones and tablets count as "phone" (a touch device, a small screen); the rest is a PC. */
export function deviceFromUserAgent(ua: string): Device {
  return kPhoneUa.test(ua) ? 'phone' : 'pc';
}

/** The daemon's verdict when it sent one, else our own guess from the user agent. */
export function deviceOf(v: Pick<VisitorInfo, 'device' | 'userAgent'>): Device {
  return v.device ?? deviceFromUserAgent(v.userAgent);
}

/** A page's title, else its address without the scheme. */
export function pageLabel(page: { url: string; title: string }): string {
  const title = page.title.trim();
  if (title) return title;
  return page.url.replace(/^https?:\/\//, '');
}

/** "14:05" today, "12.03 14:05" on other days (in the browser's time zone). */
export function timeLabel(ts: number, now: number, lang: string): string {
  if (!ts) return '';
  const d = new Date(ts);
  const today = new Date(now);
  const time = d.toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit' });
  if (d.toDateString() === today.toDateString()) return time;
  return d.toLocaleDateString(lang, { day: '2-digit', month: '2-digit' }) + ' ' + time;
}
