// "My status" in the header: online / away / offline, and the connection state when the
// realtime link is down (the panel never pretends to be live when it is not).
import { useApp } from '../app_context.ts';
import { useOptionalChat } from '../chat/chat_context.tsx';
import { isStatus, kStatuses } from '../chat/protocol.ts';

export function StatusSwitch() {
  const { t } = useApp();
  const chat = useOptionalChat();
  if (!chat) return null;
  const { state, client } = chat;
  return (
    <label class={`status status--${state.status}`} title={t('status.label')}>
      <span class="status__dot" aria-hidden="true" />
      <span class="sr-only">{t('status.label')}</span>
      <select
        class="status__select"
        data-testid="my-status"
        value={state.status}
        onChange={(e) => {
          const v = (e.currentTarget as HTMLSelectElement).value;
          if (isStatus(v)) client.setStatus(v);
        }}
      >
        {kStatuses.map((s) => (
          <option key={s} value={s}>
            {t(`status.${s}`)}
          </option>
        ))}
      </select>
    </label>
  );
}

export function ConnectionBanner() {
  const { t } = useApp();
  const chat = useOptionalChat();
  if (!chat) return null;
  const { state, client } = chat;
  if (state.conn === 'open' || state.conn === 'stopped') return null;
  // The first connect after load is quick; say nothing unless it fails.
  if (!state.everConnected && state.attempt === 0) return null;
  return (
    <div class="connbar" role="status" data-testid="chat-connection">
      <span class="connbar__dot" aria-hidden="true" />
      {state.conn === 'connecting' ? t('conn.connecting') : t('conn.lost')}
      {state.conn === 'waiting' && (
        <button type="button" class="btn btn--link" onClick={() => client.reconnectNow()}>
          {t('conn.retry')}
        </button>
      )}
    </div>
  );
}
