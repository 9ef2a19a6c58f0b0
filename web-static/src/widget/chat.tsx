// chat.js: loaded on demand by loader.js. Wires the protocol client to the browser
// (WebSocket, timers, localStorage, tabs) and renders the chat window into the
// loader's closed shadow root.
import { render } from 'preact';
import { randomId } from '../shared/realtime.ts';
import { browserLinkDeps } from '../shared/link.ts';
import { ChatClient } from './client.ts';
import type { ChatApi, LoaderContext } from './loader.ts';
import { kKeyHasDialog, kKeyWindowOpen, storagePrefix, wsUrlFor } from './loader_logic.ts';
import { kKeyToken, prefixedStore, safeStorage } from './storage.ts';
import { adoptStyle } from './style.ts';
import { helloPage, pageLoadTime } from './page_views.ts';
import { configureFiles } from './files.ts';
import { configureAvatars } from './avatars.ts';
import { App, type Controller } from './ui/app.tsx';
import css from './chat.css?inline';
import { CallHost } from './call/host.ts';
import { widgetLanguage } from './i18n.ts';

function tabId(): string {
  // sessionStorage survives reloads of the same tab but is not shared with other tabs.
  const session = prefixedStore(safeStorage(() => sessionStorage), 'callpy:');
  let id = session.get('tab');
  if (!id) session.set('tab', (id = randomId()));
  return id;
}

const pick = (v: unknown, k: string) => {
  const x = v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
  return typeof x === 'string' ? x.slice(0, 200) : '';
};

/**
 * Single-page sites change the URL without loading a page: each such change is a page view too
 * (F4). pushState/replaceState are wrapped (the site's own call runs first and unchanged);
 * back/forward and hash changes come as events. The title is read a moment later, after the
 * site's router has usually set it.
 */
function followNavigation(onPage: () => void): void {
  let last = location.href;
  const changed = () =>
    setTimeout(() => {
      if (location.href === last) return;
      last = location.href;
      onPage();
    }, 100);
  for (const name of ['pushState', 'replaceState'] as const) {
    const original = history[name];
    history[name] = function (this: History, ...args: Parameters<History['pushState']>) {
      const result = original.apply(this, args);
      changed();
      return result;
    };
  }
  addEventListener('popstate', changed);
  addEventListener('hashchange', changed);
}

function mount(ctx: LoaderContext): ChatApi {
  configureFiles(ctx.publicUrl, ctx.key);
  configureAvatars(ctx.publicUrl);
  const local = safeStorage(() => localStorage);
  const prefix = storagePrefix(ctx.key);
  const store = prefixedStore(local, prefix);
  const client = new ChatClient({
    ...browserLinkDeps(wsUrlFor(ctx.publicUrl, ctx.key)),
    newId: randomId,
    store,
    tab: tabId(),
    // This page with its load time, and the tab's earlier pages noted by the loader (F4).
    page: () =>
      helloPage(
        { url: location.href, title: document.title, referrer: document.referrer, ts: pageLoadTime() },
        safeStorage(() => sessionStorage),
      ),
    lang: document.documentElement.lang || navigator.language || '',
  });

  const listeners = new Set<(open: boolean) => void>();
  let open = false;
  const calls = new CallHost(client, ctx.root, ctx.publicUrl, () =>
    widgetLanguage(client.snapshot.site?.language ?? (document.documentElement.lang || navigator.language)),
  );
  const controller: Controller = {
    client,
    launcher: ctx.launcher,
    calls,
    get open() {
      return open;
    },
    setOpen(next) {
      if (next === open) return;
      open = next;
      if (next) store.set(kKeyWindowOpen, '1');
      else store.remove(kKeyWindowOpen);
      client.setPersistent('widget', { open: next });
      for (const fn of listeners) fn(next);
    },
    onOpenChange(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };

  let rung = '';
  client.subscribe((s) => {
    if (s.dialogId !== null) store.set(kKeyHasDialog, '1');
    else if (s.historyLoaded) store.remove(kKeyHasDialog);
    // A call (F18): load the call code; an operator's call opens the window once.
    if (s.call) {
      calls.load().catch(() => {});
      if (s.call.state === 'ringing' && s.call.from === 'operator' && rung !== s.call.id) {
        rung = s.call.id;
        controller.setOpen(true);
      }
    }
  });
  addEventListener('online', () => client.reconnectNow());
  addEventListener('storage', (e) => {
    if (e.storageArea !== local || !e.key?.startsWith(prefix)) return;
    const k = e.key.slice(prefix.length);
    if (k === kKeyToken) client.tokenChanged();
    // Opening or closing the window in one tab does the same in the others.
    if (k === kKeyWindowOpen) controller.setOpen(e.newValue === '1');
  });
  const presence = () => client.setPersistent('presence', { state: document.hidden ? 'background' : 'focused' });
  document.addEventListener('visibilitychange', presence);
  presence();
  followNavigation(() => client.setPersistent('page', { url: location.href, title: document.title, ts: Date.now() }));
  client.setPersistent('widget', { open: false });

  adoptStyle(ctx.root, css);
  const container = document.createElement('div');
  ctx.root.appendChild(container);
  render(<App c={controller} />, container);
  client.start();
  if (store.get(kKeyWindowOpen) === '1') controller.setOpen(true);

  return {
    open: () => controller.setOpen(true),
    close: () => controller.setOpen(false),
    toggle: () => controller.setOpen(!open),
    setContactInfo: (info) =>
      client.setPersistent('contact', { name: pick(info, 'name'), email: pick(info, 'email'), phone: pick(info, 'phone') }),
    setCustomData: (data) => {
      if (data && typeof data === 'object') client.setPersistent('custom', { data });
    },
  };
}

(window as unknown as { Callpy?: { _b?: (m: typeof mount) => void } }).Callpy?._b?.(mount);
