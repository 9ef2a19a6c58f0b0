// Alert settings (F5 basic): sound on/off and browser notifications while the panel tab is
// in the background. Permission is asked only when the operator turns the toggle on.
import { useState } from 'preact/hooks';
import { useApp } from '../app_context.ts';
import { notificationPermission, requestNotifications, type Permission } from '../chat/alerts.ts';
import { useOptionalChat } from '../chat/chat_context.tsx';

export function NotificationSettings() {
  const { t } = useApp();
  const chat = useOptionalChat();
  const [permission, setPermission] = useState<Permission>(notificationPermission());
  if (!chat) return null;
  const { alerts, settings } = chat;
  const toggleNotify = async (on: boolean) => {
    if (!on) {
      settings.set({ notify: false });
      return;
    }
    const p = permission === 'granted' ? permission : await requestNotifications();
    setPermission(p);
    settings.set({ notify: p === 'granted' });
  };
  return (
    <fieldset class="panel form" data-testid="notify-settings">
      <legend class="panel__legend">{t('notify.title')}</legend>
      <label class="check">
        <input
          type="checkbox"
          data-testid="notify-sound"
          checked={alerts.sound}
          onChange={(e) => settings.set({ sound: (e.currentTarget as HTMLInputElement).checked })}
        />
        {t('notify.sound')}
      </label>
      <label class="check">
        <input
          type="checkbox"
          data-testid="notify-browser"
          checked={alerts.notify && permission === 'granted'}
          disabled={permission === 'unsupported'}
          onChange={(e) => void toggleNotify((e.currentTarget as HTMLInputElement).checked)}
        />
        {t('notify.browser')}
      </label>
      {permission === 'denied' && <div class="field__hint">{t('notify.denied')}</div>}
      {permission === 'unsupported' && <div class="field__hint">{t('notify.unsupported')}</div>}
    </fieldset>
  );
}
