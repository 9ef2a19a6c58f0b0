// Alert settings (F5): which events alert (new visitor, new message, new dialog, transfer to
// me) and sound on/off are the operator's preferences kept by the daemon (they follow the
// operator to any browser); browser notifications while the tab is in the background are a
// switch of this device, asked for only when the operator turns it on.
import { useState } from 'preact/hooks';
import { useApp } from '../app_context.ts';
import { notificationPermission, requestNotifications, type Permission } from '../chat/alerts.ts';
import { useOptionalChat } from '../chat/chat_context.tsx';
import { kNotifyEvents } from '../chat/preferences.ts';
import { errorText } from '../errors.ts';
import { ErrorBox } from './ui.tsx';

export function NotificationSettings() {
  const { t } = useApp();
  const chat = useOptionalChat();
  const [permission, setPermission] = useState<Permission>(notificationPermission());
  if (!chat) return null;
  const { alerts, settings, prefs, preferences } = chat;
  const p = preferences.value;
  const toggleNotify = async (on: boolean) => {
    if (!on) {
      settings.set({ notify: false });
      return;
    }
    const perm = permission === 'granted' ? permission : await requestNotifications();
    setPermission(perm);
    settings.set({ notify: perm === 'granted' });
  };
  const checked = (e: Event) => (e.currentTarget as HTMLInputElement).checked;
  return (
    <fieldset class="panel form" data-testid="notify-settings" data-loaded={preferences.loaded ? 'true' : 'false'}>
      <legend class="panel__legend">{t('notify.title')}</legend>
      <div class="field__hint">{t('notify.events')}</div>
      {kNotifyEvents.map((ev) => (
        <label class="check" key={ev}>
          <input
            type="checkbox"
            data-testid={`notify-event-${ev}`}
            checked={p.notify[ev]}
            disabled={!preferences.loaded}
            onChange={(e) => void prefs.update({ notify: { [ev]: checked(e) } })}
          />
          {t(`notify.event_${ev}`)}
        </label>
      ))}
      <label class="check">
        <input
          type="checkbox"
          data-testid="notify-sound"
          checked={p.sound}
          disabled={!preferences.loaded}
          onChange={(e) => void prefs.update({ sound: checked(e) })}
        />
        {t('notify.sound')}
      </label>
      <label class="check">
        <input
          type="checkbox"
          data-testid="notify-browser"
          checked={alerts.notify && permission === 'granted'}
          disabled={permission === 'unsupported'}
          onChange={(e) => void toggleNotify(checked(e))}
        />
        {t('notify.browser')}
      </label>
      {permission === 'denied' && <div class="field__hint">{t('notify.denied')}</div>}
      {permission === 'unsupported' && <div class="field__hint">{t('notify.unsupported')}</div>}
      <ErrorBox message={preferences.error ? errorText(preferences.error, t) : null} />
    </fieldset>
  );
}
