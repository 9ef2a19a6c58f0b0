// The browser side of alerts: a short WebAudio beep (shared/sound.ts) and system
// notifications while the panel's tab is in the background. Browsers only let audio start
// after a user gesture, so the audio context is unlocked on the first click in the panel;
// notification permission is asked only from the settings toggle, never on load.
import type { T } from '../i18n/index.ts';
import type { OperatorClient, OperatorEvent } from './operator_client.ts';
import type { SettingsStore } from './settings.ts';
import { visitorDisplayName } from './operator_client.ts';
import { planAlert } from './alert_rules.ts';
import type { Preferences } from './preferences.ts';
import { playTones, unlockSound } from '../../shared/sound.ts';

/** A short beep: one tone for a visitor, two rising tones for a message. */
export function beep(kind: 'visitor' | 'message'): void {
  playTones(kind === 'visitor' ? [[660, 0]] : [[880, 0], [1320, 0.12]], 0.18, 0.25);
}

export type Permission = 'granted' | 'denied' | 'default' | 'unsupported';

export function notificationPermission(): Permission {
  return typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
}

export async function requestNotifications(): Promise<Permission> {
  if (typeof Notification === 'undefined') return 'unsupported';
  try {
    return await Notification.requestPermission();
  } catch {
    return Notification.permission;
  }
}

/** Wires the client's events to sound and notifications; returns the unsubscribe. */
export function attachAlerts(
  client: OperatorClient,
  settings: SettingsStore,
  prefs: () => Preferences,
  t: () => T,
  open: (dialog: number | null) => void,
): () => void {
  const onGesture = () => unlockSound();
  document.addEventListener('pointerdown', onGesture, { capture: true });
  document.addEventListener('keydown', onGesture, { capture: true });
  const off = client.onEvent((e: OperatorEvent) => {
    // Per-event toggles and sound come from the operator's preferences (server side);
    // browser notifications are a switch of this device (permission is per browser).
    const plan = planAlert(e, prefs(), { hidden: document.hidden, browserNotify: settings.current.notify, permission: notificationPermission() });
    if (plan.sound) beep(plan.sound);
    if (!plan.notify) return;
    const tr = t();
    const visitorName = (id: number, name: string) => name || visitorDisplayName(client.snapshot.visitors.find((v) => v.id === id)) || tr('visitors.anonymous', { id });
    let title: string;
    let body: string;
    let dialog: number | null;
    if (e.kind === 'visitor_arrived') {
      title = tr('notify.new_visitor');
      body = visitorName(e.visitor.id, '');
      dialog = null;
    } else if (e.kind === 'transferred_to_me') {
      title = tr('notify.transferred');
      body = visitorName(e.dialog.visitor, e.dialog.visitorName);
      dialog = e.dialog.id;
    } else if (e.kind === 'dialog_opened' || e.kind === 'dialog_offered') {
      title = tr(e.kind === 'dialog_offered' ? 'notify.offer' : 'notify.new_dialog');
      body = visitorName(e.dialog.visitor, e.dialog.visitorName);
      dialog = e.dialog.id;
    } else {
      title = tr('notify.new_message', { name: visitorName(e.dialog.visitor, e.dialog.visitorName) });
      body = e.message.text.slice(0, 200);
      dialog = e.dialog.id;
    }
    try {
      const n = new Notification(title, { body, tag: dialog === null ? 'callpy-visitor' : 'callpy-dialog-' + dialog });
      n.onclick = () => {
        window.focus();
        open(dialog);
        n.close();
      };
    } catch {
      // Some browsers (Android Chrome) only allow notifications from a service worker.
    }
  });
  return () => {
    off();
    document.removeEventListener('pointerdown', onGesture, { capture: true });
    document.removeEventListener('keydown', onGesture, { capture: true });
  };
}
