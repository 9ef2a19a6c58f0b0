// Which alerts an operator event raises (F5): the per-event toggles and sound switch of the
// operator's preferences, the browser-notification switch of this device, and whether the
// panel is in front. Pure, so the rules are unit-tested without a browser.
import type { OperatorEvent } from './model.ts';
import type { NotifyEvent, Preferences } from './preferences.ts';

export interface AlertPlan {
  /** The beep to play, or null. */
  sound: 'visitor' | 'message' | null;
  /** Show a system notification. */
  notify: boolean;
}

export function eventOf(e: OperatorEvent): NotifyEvent {
  switch (e.kind) {
    case 'visitor_arrived':
      return 'visitor';
    case 'visitor_message':
      return 'message';
    case 'transferred_to_me':
      return 'transfer';
    default:
      // A dialog opened or offered to me (§4 re-offer): "new dialog".
      return 'dialog';
  }
}

export function planAlert(e: OperatorEvent, prefs: Preferences, ctx: { hidden: boolean; browserNotify: boolean; permission: string }): AlertPlan {
  if (!prefs.notify[eventOf(e)]) return { sound: null, notify: false };
  // A message in the dialog the operator is looking at needs no alarm.
  const seen = e.kind === 'visitor_message' && e.onScreen && !ctx.hidden;
  return {
    sound: prefs.sound && !seen ? (e.kind === 'visitor_arrived' ? 'visitor' : 'message') : null,
    notify: ctx.browserNotify && ctx.hidden && ctx.permission === 'granted',
  };
}
