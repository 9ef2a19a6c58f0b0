// call.js: the widget's call UI and WebRTC client, loaded by chat.js (call/host.ts) only when a
// call starts or rings. Renders into the element chat.js keeps for it; its styles go into the
// same shadow root. Tests reach the media leg as the shadow host's `__callpyCall` property.
import { render } from 'preact';
import { CallController } from '../../shared/call_controller.ts';
import { browserMediaDeps, type CallSession } from '../../shared/call_session.ts';
import { callTranslator } from '../../shared/call_i18n.ts';
import { ring } from '../../shared/call_ring.ts';
import { CallView, useCall } from '../../shared/call_view.tsx';
import type { Me } from '../../shared/call_model.ts';
import { adoptStyle } from '../style.ts';
import type { CallMount, CallMountContext } from './host.ts';
import css from '../../shared/call_view.css?inline';
import { PhoneLink, phoneLinkCss, type QrSvg } from './phone_link.tsx';

const kMe: Me = { kind: 'visitor' };

function WidgetCall({ c, ctx, qr }: { c: CallController; ctx: CallMountContext; qr: () => Promise<QrSvg> }) {
  useCall(c);
  const t = callTranslator(ctx.lang());
  return (
    <>
      <CallView c={c} t={t} me={kMe} fallbackName={t('call.operator')} />
      <PhoneLink c={c} t={t} qr={qr} />
    </>
  );
}

const mount: CallMount = (el, ctx) => {
  adoptStyle(ctx.root, css + phoneLinkCss);
  const host = ctx.root.host as Element & { __callpyCall?: CallSession | null };
  const c = new CallController({
    me: () => kMe,
    send: ctx.send,
    media: browserMediaDeps(),
    exposeSession: (s) => {
      host.__callpyCall = s;
    },
    ring,
    setTimer: (fn, ms) => setTimeout(fn, ms),
    clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  });
  ctx.attach((f) => c.handleFrame(f));
  addEventListener('pagehide', () => c.dispose());
  let qrJs: Promise<QrSvg> | null = null;
  const qr = () =>
    (qrJs ??= ctx.script<QrSvg>('qr.js').catch((e) => {
      qrJs = null;
      throw e;
    }));
  render(<WidgetCall c={c} ctx={ctx} qr={qr} />, el);
  return { start: (video) => void c.start(video) };
};

(document.currentScript as (HTMLScriptElement & { _cb?: (m: CallMount) => void }) | null)?._cb?.(mount);
