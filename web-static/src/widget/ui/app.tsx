// The chat window. Every piece of text from the server or the visitor is rendered as a
// Preact text node, never as HTML.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ChatClient, ChatMessage, ChatState } from '../client.ts';
import { chime, unlockSound } from '../sound.ts';
import { widgetLanguage, widgetTranslator, type WidgetT } from '../i18n.ts';
import type { LoaderContext } from '../loader.ts';
import { Composer } from './composer.tsx';
import { FileBody } from './file_message.tsx';
import { OfflineForm, OfflineNotice } from './offline.tsx';
import { CallbackForm } from './callback.tsx';
import { PrechatChoice, PrechatChosen } from './prechat.tsx';
import { needsDepartmentChoice } from '../prechat.ts';
import { RatingCard, ratingVisible } from './rating.tsx';
import { OperatorAvatar } from './avatar.tsx';
import { lastOperator } from '../avatars.ts';
import { BlockedNotice } from './blocked.tsx';
import type { CallHost } from '../call/host.ts';
import { CallButtons, CallSlot } from '../call/slot.tsx';

export interface Controller {
  client: ChatClient;
  launcher: LoaderContext['launcher'];
  /** Calls (widget/call/): the call UI loads on demand into this host. */
  calls: CallHost;
  readonly open: boolean;
  setOpen(open: boolean): void;
  onOpenChange(fn: (open: boolean) => void): () => void;
}

function useClientState(client: ChatClient): ChatState {
  const [s, set] = useState(client.snapshot);
  useEffect(() => {
    const off = client.subscribe(set);
    set(client.snapshot); // changes between the first render and this effect
    return off;
  }, [client]);
  return s;
}

export function App({ c }: { c: Controller }) {
  const s = useClientState(c.client);
  const [open, setOpen] = useState(c.open);
  const [unread, setUnread] = useState(0);
  const [plainForm, setPlainForm] = useState(false);
  const lang = widgetLanguage(s.site?.language ?? c.client.snapshot.site?.language ?? (document.documentElement.lang || navigator.language));
  const t = useMemo(() => widgetTranslator(lang), [lang]);

  useEffect(() => {
    const off = c.onOpenChange(setOpen);
    setOpen(c.open);
    return off;
  }, [c]);
  useEffect(() => {
    c.launcher.setOpen(open, t(open ? 'launcher.close' : 'launcher.open'));
    if (open) setUnread(0);
  }, [open, t]);
  useEffect(() => c.launcher.setUnread(unread), [unread]);
  useEffect(
    () =>
      c.client.onIncoming(() => {
        chime();
        if (!c.open || document.hidden) setUnread((n) => n + 1);
      }),
    [c],
  );

  if (!open) return null;
  // Blocked (F17): the notice takes the place of the offline form and the composer.
  const offline = !s.blocked && !!s.site && (!s.site.open || s.site.operatorsOnline === 0);
  // The offline form takes the place of the chat unless a conversation is going on (its
  // messages stay readable and the visitor can keep writing there).
  const form = offline && (s.offline.phase !== 'idle' || (s.historyLoaded && s.messages.length === 0));
  // F21: outside working hours a site may offer a callback request instead of the offline form.
  const sc = s.site?.calls;
  const callback = form && !plainForm && !!sc?.enabled && sc.afterHours === 'callback' && !s.site?.open && s.offline.phase === 'idle';
  // Pre-chat: the department is chosen before the first message (routing).
  const choosing = !form && !s.blocked && needsDepartmentChoice(s);
  return (
    <div class="w" role="dialog" aria-label={s.site?.name || t('header.fallbackTitle')} data-testid="callpy-window" onPointerDown={unlockSound} onKeyDown={unlockSound}>
      <Header s={s} t={t} onClose={() => c.setOpen(false)} calls={c.calls} />
      <ConnectionBanner s={s} t={t} onRetry={() => c.client.reconnectNow()} />
      <CallSlot host={c.calls} />
      {offline && !form && <OfflineNotice t={t} />}
      {form ? (
        callback ? (
          <CallbackForm t={t} s={s} client={c.client} onForm={() => setPlainForm(true)} />
        ) : (
          <OfflineForm t={t} s={s} client={c.client} />
        )
      ) : choosing ? (
        <PrechatChoice t={t} s={s} client={c.client} />
      ) : (
        <Messages s={s} t={t} lang={lang} offline={offline} client={c.client} />
      )}
      {!form && s.site?.typingPreview && (
        <div class="privacy" data-testid="callpy-privacy">
          <svg viewBox="0 0 24 24" aria-hidden="true">
            <path d="M12 5C6.5 5 2.7 9.3 1.5 12c1.2 2.7 5 7 10.5 7s9.3-4.3 10.5-7C21.3 9.3 17.5 5 12 5zm0 11a4 4 0 1 1 0-8 4 4 0 0 1 0 8zm0-2.2a1.8 1.8 0 1 0 0-3.6 1.8 1.8 0 0 0 0 3.6z" />
          </svg>
          {t('privacy.typing')}
        </div>
      )}
      {!form && !choosing && <PrechatChosen t={t} s={s} client={c.client} />}
      {s.blocked && <BlockedNotice t={t} />}
      {!form && !choosing && !s.blocked && <Composer t={t} client={c.client} />}
    </div>
  );
}

function Header({ s, t, onClose, calls }: { s: ChatState; t: WidgetT; onClose: () => void; calls: CallHost }) {
  const name = s.site?.name || t('header.fallbackTitle');
  const online = !!s.site && s.site.open && s.site.operatorsOnline > 0;
  // While disconnected the operators' state is unknown: say nothing rather than guess.
  const known = !!s.site && s.conn === 'open';
  return (
    <div class="hd">
      <div class="av" aria-hidden="true">
        {Array.from(name)[0]?.toUpperCase()}
        <OperatorAvatar author={lastOperator(s.messages)} cls="ava" testid="callpy-header-avatar" />
      </div>
      <div class="ttl">
        <div class="nm" data-testid="callpy-site-name">
          {name}
        </div>
        {known && (
          <div class={'st' + (online ? ' on' : '')} data-testid="callpy-status">
            <i />
            {t(online ? 'header.online' : 'header.offline')}
          </div>
        )}
      </div>
      {known && online && !s.blocked && !s.call && s.site?.calls.enabled !== false && <CallButtons host={calls} t={t} />}
      <button type="button" class="ib" aria-label={t('header.minimize')} title={t('header.minimize')} onClick={onClose} data-testid="callpy-minimize">
        <svg viewBox="0 0 24 24" aria-hidden="true">
          <path d="M5 11h14v2H5z" />
        </svg>
      </button>
    </div>
  );
}

function ConnectionBanner({ s, t, onRetry }: { s: ChatState; t: WidgetT; onRetry: () => void }) {
  const [, tick] = useState(0);
  useEffect(() => {
    if (s.conn !== 'waiting') return;
    const id = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(id);
  }, [s.conn, s.retryAt]);
  if (s.conn === 'open' || s.conn === 'stopped') return null;
  const trouble = s.everConnected || s.attempt > 0;
  if (!trouble) {
    return (
      <div class="bn info" role="status" data-testid="callpy-connection">
        <span class="spin" />
        {t('conn.connecting')}
      </div>
    );
  }
  const secs = s.retryAt ? Math.max(1, Math.ceil((s.retryAt - Date.now()) / 1000)) : 0;
  return (
    <div class="bn warn" role="status" data-testid="callpy-connection">
      <span class="txt">{s.conn === 'waiting' && secs > 1 ? t('conn.retryIn', { s: secs }) : t('conn.lost')}</span>
      {s.conn === 'waiting' && (
        <button type="button" class="lnk" onClick={onRetry}>
          {t('conn.retryNow')}
        </button>
      )}
    </div>
  );
}

function Messages(props: { s: ChatState; t: WidgetT; lang: string; offline: boolean; client: ChatClient }) {
  const { s, t, lang, client } = props;
  const onRetry = (cid: string) => client.retry(cid);
  const rating = ratingVisible(s);
  const box = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const time = useMemo(() => {
    try {
      const f = new Intl.DateTimeFormat(lang, { hour: '2-digit', minute: '2-digit' });
      return (ts: number) => f.format(ts);
    } catch {
      return () => '';
    }
  }, [lang]);
  useEffect(() => {
    const el = box.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [s.messages, s.operatorTyping, rating, s.rating.phase]);
  const onScroll = () => {
    const el = box.current;
    if (el) stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
  };
  return (
    <div class="ms" ref={box} onScroll={onScroll} data-testid="callpy-messages" aria-live="polite">
      {s.messages.length === 0 && s.historyLoaded && !rating && (
        <div class="empty">
          <div class="et">{t('empty.title')}</div>
          {!props.offline && <div>{t('empty.body')}</div>}
        </div>
      )}
      {s.messages.map((m, i) => (
        <Bubble key={m.key} m={m} prev={s.messages[i - 1]} t={t} time={time} onRetry={onRetry} client={client} />
      ))}
      {rating && <RatingCard key={s.rating.dialog} s={s} t={t} client={client} />}
      {s.operatorTyping && (
        <div class="typing" data-testid="callpy-typing">
          <span class="dots">
            <i />
            <i />
            <i />
          </span>
          {t('typing.operator')}
        </div>
      )}
    </div>
  );
}

function Bubble(props: { m: ChatMessage; prev: ChatMessage | undefined; t: WidgetT; time: (ts: number) => string; onRetry: (cid: string) => void; client: ChatClient }) {
  const { m, prev, t } = props;
  const first = !prev || prev.mine !== m.mine || prev.author.kind !== m.author.kind || prev.author.id !== m.author.id;
  const who = m.author.kind === 'system' ? t('author.system') : m.author.name || t('author.operator');
  return (
    <div class={'row' + (m.mine ? ' me' : m.author.kind === 'system' ? ' sys' : '') + (first ? ' first' : '')} data-testid="callpy-message" data-state={m.delivery}>
      {first && !m.mine && (
        <div class="who">
          <OperatorAvatar author={m.author} cls="oa" testid="callpy-operator-avatar" />
          {who}
        </div>
      )}
      <div class="bb">{m.file ? <FileBody f={m.file} t={t} client={props.client} /> : m.text}</div>
      <div class="meta">
        {m.delivery === 'sent' || !m.mine ? props.time(m.ts) : null}
        {m.mine && <Delivery m={m} t={t} onRetry={props.onRetry} />}
      </div>
    </div>
  );
}

function Delivery({ m, t, onRetry }: { m: ChatMessage; t: WidgetT; onRetry: (cid: string) => void }) {
  if (m.delivery === 'failed') {
    const why = m.error === 'limit' || m.error === 'forbidden' || m.error === 'invalid' ? t(`error.${m.error}`) : t('state.failed');
    return (
      <span class="dl fail">
        {why} ·{' '}
        <button type="button" class="lnk" onClick={() => onRetry(m.cid!)} data-testid="callpy-retry">
          {t('state.retry')}
        </button>
      </span>
    );
  }
  const label = t(`state.${m.delivery}`);
  return (
    <span class={'dl ' + m.delivery} title={label} aria-label={label}>
      {m.delivery === 'sent' ? (
        <svg viewBox="0 0 24 24" aria-hidden="true">
          <path d="m9 16.2-4.2-4.2-1.4 1.4L9 19 21 7l-1.4-1.4z" />
        </svg>
      ) : (
        <>
          <svg viewBox="0 0 24 24" aria-hidden="true">
            <path d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16zm.5-13H11v6l5.2 3.2.8-1.3-4.5-2.7z" />
          </svg>
          {m.delivery === 'queued' ? label : null}
        </>
      )}
    </span>
  );
}
