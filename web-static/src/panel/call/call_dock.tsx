// Calls in the panel (F18–F20): the dock on every signed-in page (incoming call popup with ring
// and, in a background tab, a browser notification; the call itself with its controls and
// «Запись») and the call buttons of a dialog's header.
import { useEffect, useMemo, useRef } from 'preact/hooks';
import { useApp } from '../app_context.ts';
import { useOptionalChat, useChat } from '../chat/chat_context.tsx';
import { visitorDisplayName, type DialogEntry } from '../chat/operator_client.ts';
import { notificationPermission, requestNotifications } from '../chat/alerts.ts';
import { navigate } from '../location.ts';
import { callTranslator, type CallT } from '../../shared/call_i18n.ts';
import { CallIcon, CallView, useCall } from '../../shared/call_view.tsx';
import type { CallController } from '../../shared/call_controller.ts';
import { callControllerFor } from './call_store.ts';
import { DeviceLink } from './device_link.tsx';
import { CallInvite } from './call_invite.tsx';
import '../../shared/call_view.css';
import './call_dock.css';

/** Asked on a click only (browsers refuse it otherwise); a refusal just means no notifications. */
function askNotifications(): void {
  if (notificationPermission() === 'default') void requestNotifications();
}

function useNotifyIncoming(c: CallController, t: CallT, label: (visitor: number) => string): void {
  const shown = useRef('');
  const v = c.view;
  useEffect(() => {
    const call = v.call;
    if (v.phase !== 'ringing-in' || !call || shown.current === call.id) return;
    shown.current = call.id;
    if (!document.hidden || notificationPermission() !== 'granted') return;
    try {
      const n = new Notification(t('call.notifyTitle'), {
        body: t('call.notifyBody', { name: label(call.visitor), site: call.site }),
        tag: 'callpy-call-' + call.id,
        requireInteraction: true,
      });
      n.onclick = () => {
        window.focus();
        navigate(`/dialogs/${call.dialog}`);
        n.close();
      };
    } catch {
      // Some browsers only allow notifications from a service worker: the popup and ring remain.
    }
  }, [v.phase, v.call?.id]);
}

export function CallDock() {
  const chat = useOptionalChat();
  if (!chat) return null;
  return <Dock />;
}

function Dock() {
  const { lang, t: pt } = useApp();
  const { client, state } = useChat();
  const c = useMemo(() => callControllerFor(client), [client]);
  useCall(c);
  const t = useMemo(() => callTranslator(lang), [lang]);
  const label = (visitor: number) => {
    const d = state.dialogs.find((x) => x.visitor === visitor);
    return d?.visitorName || visitorDisplayName(state.visitors.find((x) => x.id === visitor)) || pt('visitors.anonymous', { id: visitor });
  };
  useNotifyIncoming(c, t, label);
  useEffect(() => {
    const leave = () => c.dispose();
    addEventListener('pagehide', leave);
    return () => removeEventListener('pagehide', leave);
  }, [c]);
  const v = c.view;
  if (v.phase === 'idle' && !v.error) return null;
  const call = v.call;
  return (
    <aside class="calldock" aria-live="polite" data-testid="call-dock" onClickCapture={askNotifications}>
      <CallView
        c={c}
        t={t}
        me={{ kind: 'operator', id: state.user?.id ?? -1 }}
        fallbackName={call ? label(call.visitor) : t('call.visitor')}
        subtitle={call && state.sites.length > 1 ? call.site : undefined}
        canRecord
      />
      <DeviceLink c={c} t={t} />
      <CallInvite c={c} t={(k, params) => pt(k as Parameters<typeof pt>[0], params)} />
      {call && v.phase !== 'ended' && (
        <button type="button" class="calldock__open btn btn--link" data-testid="call-open-dialog" onClick={() => navigate(`/dialogs/${call.dialog}`)}>
          {pt('call.open_dialog')}
        </button>
      )}
    </aside>
  );
}

/** «Позвонить» and «Видеозвонок» in a dialog's header. */
export function CallStartButtons({ entry }: { entry: DialogEntry }) {
  const { lang } = useApp();
  const { client, state } = useChat();
  const c = useMemo(() => callControllerFor(client), [client]);
  useCall(c);
  const t = useMemo(() => callTranslator(lang), [lang]);
  const busy = c.view.phase !== 'idle' && c.view.phase !== 'ended';
  const disabled = busy || state.conn !== 'open' || entry.status !== 'open';
  const start = (video: boolean) => {
    askNotifications();
    void c.start(video, entry.id);
  };
  return (
    <span class="callbtns">
      <button type="button" class="btn btn--small" data-testid="call-start-audio" disabled={disabled} aria-label={t('call.startAudio')} onClick={() => start(false)}>
        <CallIcon d="phone" />
        {t('call.startAudio')}
      </button>
      <button type="button" class="btn btn--small" data-testid="call-start-video" disabled={disabled} aria-label={t('call.startVideo')} title={t('call.startVideo')} onClick={() => start(true)}>
        <CallIcon d="cam" />
      </button>
    </span>
  );
}
