// Pages visited (F4). The loader runs on every page of the site, so it notes each page load of
// this tab in sessionStorage; chat.js sends the current page with its load time plus the tab's
// earlier pages in `hello`. The load time identifies the page view: a reconnect resends the
// same one and the daemon stores it once.
import type { PageInfo } from './protocol.ts';

export const kPageViewsKey = 'callpy:pv';
export const kMaxPageViews = 20;

export interface PageView {
  url: string;
  title: string;
  referrer: string;
  ts: number;
}

/** This page load's id and time: the navigation's start in ms, the same for the page's life. */
export function pageLoadTime(): number {
  return Math.round(performance.timeOrigin);
}

/** Appends a page view to the stored list (the newest kMaxPageViews stay). Never throws. */
export function notePageView(store: Pick<Storage, 'getItem' | 'setItem'>, view: PageView): void {
  try {
    const list = readPageViews(store).filter((p) => p.ts !== view.ts);
    list.push(view);
    store.setItem(kPageViewsKey, JSON.stringify(list.slice(-kMaxPageViews)));
  } catch {
    // Storage full or blocked: the daemon still gets the current page.
  }
}

export function readPageViews(store: Pick<Storage, 'getItem'>): PageView[] {
  try {
    const raw: unknown = JSON.parse(store.getItem(kPageViewsKey) || '[]');
    if (!Array.isArray(raw)) return [];
    return raw
      .filter((p): p is PageView => !!p && typeof p.url === 'string' && typeof p.ts === 'number')
      .map((p) => ({ url: p.url, title: String(p.title ?? ''), referrer: String(p.referrer ?? ''), ts: p.ts }));
  } catch {
    return [];
  }
}

/** The `page` of hello: the current page and the tab's earlier pages (oldest first). */
export function helloPage(current: PageView, store: Pick<Storage, 'getItem'> | null): PageInfo {
  const earlier = store ? readPageViews(store).filter((p) => p.ts < current.ts) : [];
  return { ...current, earlier };
}
