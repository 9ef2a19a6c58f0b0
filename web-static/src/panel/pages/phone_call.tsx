// The page a phone opens from the QR code (F18, F20, F23): /app/call/<token>, no sign-in — the
// one-time token is the authority. The phone answers a ringing call or takes over a running one
// from the operator's panel, or — from the widget's QR code — the visitor's side (the welcome
// then names the visitor and the site's language); the other side does not notice (the daemon
// keeps its leg and SSRCs).
import { useEffect, useMemo, useState } from 'preact/hooks';
import { useApp } from '../app_context.ts';
import { CallController } from '../../shared/call_controller.ts';
import { callTranslator } from '../../shared/call_i18n.ts';
import { browserMediaDeps, type CallSession } from '../../shared/call_session.ts';
import { ring } from '../../shared/call_ring.ts';
import { CallView, useCall } from '../../shared/call_view.tsx';
import type { Me } from '../../shared/call_model.ts';
import type { Params } from '../router.ts';
import '../../shared/call_view.css';
import './phone_call.css';

type Conn = 'connecting' | 'open' | 'gone';

function socketUrl(token: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws/call?token=${encodeURIComponent(token)}`;
}

export function PhoneCallPage({ params }: { params: Params; query: URLSearchParams }) {
  const { lang } = useApp();
  const [siteLang, setSiteLang] = useState<string | null>(null);
  const t = useMemo(() => callTranslator(siteLang ?? lang), [lang, siteLang]);
  const [conn, setConn] = useState<Conn>('connecting');
  const [me, setMe] = useState<{ id: number; name: string } | null>(null);
  const [who, setWho] = useState<Me | null>(null);
  const c = useMemo(() => {
    let socket: WebSocket | null = null;
    let self: Me = { kind: 'operator', id: -1 };
    const controller = new CallController({
      me: () => self,
      send: (frame) => {
        if (!socket || socket.readyState !== WebSocket.OPEN) return false;
        socket.send(JSON.stringify(frame));
        return true;
      },
      media: browserMediaDeps(),
      exposeSession: (s: CallSession | null) => {
        (window as unknown as { __callpyCall?: CallSession | null }).__callpyCall = s;
      },
      ring,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    });
    const open = () => {
      socket = new WebSocket(socketUrl(params.token ?? ''));
      socket.onopen = () => setConn('open');
      socket.onclose = () => setConn('gone');
      socket.onmessage = (e) => {
        let f: { t?: string; user?: { id: number; name: string }; visitor?: { id: number }; lang?: unknown; call?: unknown } | null = null;
        try {
          f = JSON.parse(String(e.data));
        } catch {
          return;
        }
        if (f?.t === 'welcome' && f.user) {
          self = { kind: 'operator', id: f.user.id };
          setWho(self);
          setMe(f.user);
          controller.adoptElsewhere(f.call);
          return;
        }
        if (f?.t === 'welcome' && f.visitor) {
          // The visitor's phone (F18): the widget's side of the call, in the site's language.
          self = { kind: 'visitor' };
          if (f.lang === 'en' || f.lang === 'ru') setSiteLang(f.lang);
          setWho(self);
          controller.adoptElsewhere(f.call);
          return;
        }
        controller.handleFrame(f);
      };
    };
    return { controller, open, close: () => socket?.close() };
  }, [params.token]);
  useEffect(() => {
    c.open();
    const leave = () => c.controller.dispose();
    addEventListener('pagehide', leave);
    return () => {
      removeEventListener('pagehide', leave);
      c.close();
    };
  }, [c]);
  useCall(c.controller);
  let body;
  const visitor = who?.kind === 'visitor';
  if (conn === 'gone' && !who) {
    body = <p role="alert" data-testid="phone-link-gone">{t('call.linkGone')}</p>;
  } else if (visitor) {
    body = <CallView c={c.controller} t={t} me={who} fallbackName={t('call.operator')} />;
  } else {
    body = <CallView c={c.controller} t={t} me={{ kind: 'operator', id: me?.id ?? -1 }} fallbackName={t('call.visitor')} canRecord />;
  }
  return (
    <main class={'phonecall' + (visitor ? ' phonecall--visitor' : '')} data-testid="phone-call" data-conn={conn} data-side={who?.kind ?? ''} lang={siteLang ?? undefined}>
      <h1>{t('call.phoneTitle')}</h1>
      {me && <p>{me.name}</p>}
      {body}
    </main>
  );
}
