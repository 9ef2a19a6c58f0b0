// loader.js: the only script every page of a customer's site loads, so it stays tiny
// (≤ 3 KB gzip, no framework). It draws the launcher in a closed shadow root and loads
// chat.js only when needed: on the first click, at once for a visitor with a dialog or
// an open window, or when the site calls the JS API. Calls made before chat.js is there
// are queued and replayed in order.
import css from './loader.css?inline';
import { isWidgetKey, publicUrlFromSrc, shouldLoadAtOnce, storagePrefix } from './loader_logic.ts';
import { notePageView, pageLoadTime } from './page_views.ts';
import { adoptStyle } from './style.ts';

/** What the loader hands to chat.js (see chat.tsx). */
export interface LoaderContext {
  key: string;
  publicUrl: string;
  root: ShadowRoot;
  launcher: {
    setOpen(open: boolean, label: string): void;
    setUnread(count: number): void;
  };
}

/** What chat.js gives back; the public `window.Callpy` forwards to it. */
export interface ChatApi {
  open(): void;
  close(): void;
  toggle(): void;
  setContactInfo(info: unknown): void;
  setCustomData(data: unknown): void;
}

type Method = keyof ChatApi;

const kSvgNs = 'http://www.w3.org/2000/svg';

function icon(cls: string, path: string): SVGSVGElement {
  const svg = document.createElementNS(kSvgNs, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('class', cls);
  const p = document.createElementNS(kSvgNs, 'path');
  p.setAttribute('d', path);
  svg.appendChild(p);
  return svg;
}

(() => {
  const w = window as unknown as { Callpy?: Record<string, unknown>; sessionStorage: Storage };
  if (w.Callpy && w.Callpy.v) return; // the snippet was pasted twice
  const d = document;
  const script = (d.currentScript ?? d.querySelector('script[data-callpy-key]')) as HTMLScriptElement | null;
  const key = script?.getAttribute('data-callpy-key');
  const publicUrl = script ? publicUrlFromSrc(script.src) : null;
  if (!isWidgetKey(key) || !publicUrl) {
    console.warn('Callpy: the widget snippet is broken (data-callpy-key or src)');
    return;
  }
  // Pages visited (F4): every page load of this tab, for the operator's visitor info.
  try {
    notePageView(w.sessionStorage, { url: location.href, title: d.title, referrer: d.referrer, ts: pageLoadTime() });
  } catch {
    // sessionStorage blocked (sandboxed frame): only pages with the chat connected are known.
  }
  const prefix = storagePrefix(key);
  const stored = (k: string) => {
    try {
      return localStorage.getItem(prefix + k);
    } catch {
      return null;
    }
  };

  const host = d.createElement('callpy-widget');
  // Inherited host styles (font, color, line-height…) must not leak into the widget.
  host.style.cssText = 'all:initial!important;position:static!important';
  const root = host.attachShadow({ mode: 'closed' });
  adoptStyle(root, css);
  const btn = d.createElement('button');
  btn.type = 'button';
  btn.className = 'l';
  btn.setAttribute('part', 'launcher');
  btn.setAttribute('data-testid', 'callpy-launcher');
  const label = (open: boolean) =>
    (d.documentElement.lang || navigator.language || '').toLowerCase().startsWith('ru')
      ? open ? 'Закрыть чат' : 'Открыть чат'
      : open ? 'Close chat' : 'Open chat';
  btn.setAttribute('aria-label', label(false));
  btn.append(
    icon('c', 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z'),
    icon('x', 'M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z'),
  );
  const badge = d.createElement('span');
  badge.className = 'b';
  badge.hidden = true;
  btn.appendChild(badge);
  root.appendChild(btn);

  let chat: ChatApi | null = null;
  let loading = false;
  const queue: [Method, unknown[]][] = [];

  const load = () => {
    if (chat || loading) return;
    loading = true;
    btn.classList.add('busy');
    const s = d.createElement('script');
    s.src = publicUrl + '/widget/chat.js';
    s.async = true;
    s.onerror = () => {
      // Let the next click try again instead of leaving a dead button.
      loading = false;
      btn.classList.remove('busy');
    };
    (d.head || d.body).appendChild(s);
  };

  const call = (name: Method, args: unknown[]) => {
    if (chat) chat[name](...(args as [unknown]));
    else {
      queue.push([name, args]);
      load();
    }
  };

  const ctx: LoaderContext = {
    key,
    publicUrl,
    root,
    launcher: {
      setOpen(open, text) {
        btn.classList.toggle('open', open);
        btn.setAttribute('aria-label', text || label(open));
        btn.setAttribute('aria-expanded', String(open));
      },
      setUnread(n) {
        badge.hidden = n <= 0;
        badge.textContent = n > 9 ? '9+' : String(n);
      },
    },
  };

  const api: Record<string, unknown> = {
    v: 1,
    open: () => call('open', []),
    close: () => chat?.close(),
    toggle: () => call('toggle', []),
    setContactInfo: (info: unknown) => call('setContactInfo', [info]),
    setCustomData: (data: unknown) => call('setCustomData', [data]),
  };
  // chat.js registers itself through this hidden hook and gets the closed shadow root.
  Object.defineProperty(api, '_b', {
    value: (mount: (c: LoaderContext) => ChatApi) => {
      if (chat) return;
      chat = mount(ctx);
      loading = false;
      btn.classList.remove('busy');
      for (const [name, args] of queue.splice(0)) chat[name](...(args as [unknown]));
    },
  });
  w.Callpy = api;
  btn.addEventListener('click', () => call('toggle', []));

  const attach = () => {
    d.body.appendChild(host);
    if (shouldLoadAtOnce(stored)) load();
  };
  if (d.body) attach();
  else d.addEventListener('DOMContentLoaded', attach);
})();
