// The two pieces of the call UI that live in chat.js: the header's call buttons and the slot in
// the chat window where call.js draws the call (above the messages).
import { useLayoutEffect, useRef } from 'preact/hooks';
import type { WidgetT } from '../i18n.ts';
import type { CallHost } from './host.ts';

export function CallSlot({ host }: { host: CallHost }) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    host.place(ref.current);
    return () => host.place(null);
  }, [host]);
  return <div ref={ref} data-testid="callpy-call-slot" />;
}

export function CallButtons({ host, t }: { host: CallHost; t: WidgetT }) {
  return (
    <>
      <button type="button" class="ib" aria-label={t('call.audio')} title={t('call.audio')} onClick={() => host.start(false)} data-testid="call-start-audio">
        <svg viewBox="0 0 24 24" aria-hidden="true">
          <path d="M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z" />
        </svg>
      </button>
      <button type="button" class="ib" aria-label={t('call.video')} title={t('call.video')} onClick={() => host.start(true)} data-testid="call-start-video">
        <svg viewBox="0 0 24 24" aria-hidden="true">
          <path d="M17 10.5V7a1 1 0 0 0-1-1H4a1 1 0 0 0-1 1v10a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1v-3.5l4 4v-11z" />
        </svg>
      </button>
    </>
  );
}
