// Operator preferences (F5, F17): parsing the server's object, the quick-button bar edits,
// the store (applied at once, rolled back when refused, saves in order) and the alert rules
// that honour the per-event toggles and the sound switch.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planAlert } from '../../src/panel/chat/alert_rules.ts';
import type { DialogEntry, OperatorEvent } from '../../src/panel/chat/model.ts';
import {
  kDefaultPreferences,
  parsePreferences,
  patchBody,
  pinButton,
  PreferencesStore,
  unpinButton,
  type Preferences,
} from '../../src/panel/chat/preferences.ts';
import { flush } from './panel_harness.ts';

test('preferences: parsed with defaults; unknown and repeated quick buttons are dropped', () => {
  assert.deepEqual(parsePreferences(null), kDefaultPreferences);
  assert.deepEqual(
    parsePreferences({ notify: { visitor: false, message: 'no', bogus: false }, sound: false, quick_buttons: ['rename', 'nuke', 'rename', 'block'] }),
    { notify: { visitor: false, message: true, dialog: true, transfer: true }, sound: false, quickButtons: ['rename', 'block'] },
  );
  assert.deepEqual(patchBody({ quickButtons: ['block'] }), { quick_buttons: ['block'] });
  assert.deepEqual(patchBody({ notify: { transfer: false }, sound: true }), { notify: { transfer: false }, sound: true });
});

test('preferences: pinning appends or inserts, moves a pinned button, unpinning removes', () => {
  assert.deepEqual(pinButton([], 'rename'), ['rename']);
  assert.deepEqual(pinButton(['rename', 'block'], 'transcript', 1), ['rename', 'transcript', 'block']);
  assert.deepEqual(pinButton(['rename', 'block', 'transcript'], 'transcript', 0), ['transcript', 'rename', 'block'], 'moved left');
  assert.deepEqual(pinButton(['rename', 'block', 'transcript'], 'rename', 3), ['block', 'transcript', 'rename'], 'moved to the end');
  assert.deepEqual(pinButton(['rename', 'block', 'transcript'], 'rename', 2), ['block', 'rename', 'transcript'], 'dropped before transcript');
  assert.deepEqual(pinButton(['rename', 'block'], 'rename', 0), ['rename', 'block'], 'onto itself');
  assert.deepEqual(pinButton(['rename'], 'block', 99), ['rename', 'block'], 'clamped');
  assert.deepEqual(unpinButton(['rename', 'block'], 'rename'), ['block']);
  assert.deepEqual(unpinButton(['block'], 'rename'), ['block']);
});

class FakeApi {
  server: Record<string, unknown> = { notify: { visitor: true, message: true, dialog: true, transfer: true }, sound: true, quick_buttons: [] };
  patches: Record<string, unknown>[] = [];
  refuse = false;
  async get() {
    return { preferences: this.server };
  }
  async patch(body: Record<string, unknown>) {
    this.patches.push(body);
    await flush();
    if (this.refuse) throw Object.assign(new Error('invalid'), { code: 'invalid' });
    this.server = { ...this.server, ...body, notify: { ...(this.server.notify as object), ...((body.notify as object) ?? {}) } };
    return { preferences: this.server };
  }
}

test('preferences store: loads, applies a change at once, keeps the server answer, rolls back a refusal', async () => {
  const api = new FakeApi();
  api.server = { ...api.server, quick_buttons: ['block'] };
  const store = new PreferencesStore(api);
  const seen: boolean[] = [];
  store.subscribe((v) => seen.push(v.loaded));
  assert.equal(store.current.loaded, false);
  await store.load();
  assert.equal(store.current.loaded, true);
  assert.deepEqual(store.current.value.quickButtons, ['block']);

  const saving = store.update({ quickButtons: ['block', 'rename'] });
  assert.deepEqual(store.current.value.quickButtons, ['block', 'rename'], 'applied before the answer');
  await saving;
  assert.deepEqual(api.patches, [{ quick_buttons: ['block', 'rename'] }]);
  assert.deepEqual(store.current.value.quickButtons, ['block', 'rename']);

  await store.update({ notify: { transfer: false } });
  assert.equal(store.current.value.notify.transfer, false);
  assert.equal(store.current.value.notify.visitor, true);

  api.refuse = true;
  await store.update({ sound: false });
  assert.equal(store.current.value.sound, true, 'rolled back');
  assert.ok(store.current.error);
  api.refuse = false;
  await store.update({ sound: false });
  assert.equal(store.current.value.sound, false);
  assert.equal(store.current.error, null);
});

test('preferences store: rapid changes are saved in click order', async () => {
  const api = new FakeApi();
  const store = new PreferencesStore(api);
  await store.load();
  const a = store.update({ quickButtons: ['rename'] });
  const b = store.update({ quickButtons: ['rename', 'block'] });
  await Promise.all([a, b]);
  assert.deepEqual(api.patches.map((p) => p.quick_buttons), [['rename'], ['rename', 'block']]);
  assert.deepEqual(store.current.value.quickButtons, ['rename', 'block']);
});

const dialog = { id: 7, site: 'shop', visitor: 42, visitorName: '' } as DialogEntry;
const events: Record<string, OperatorEvent> = {
  visitor: { kind: 'visitor_arrived', visitor: { id: 42 } as never },
  dialog: { kind: 'dialog_opened', dialog },
  message: { kind: 'visitor_message', dialog, message: { text: 'hi' } as never, onScreen: false },
  transfer: { kind: 'transferred_to_me', dialog },
};
const bg = { hidden: true, browserNotify: true, permission: 'granted' };

test('alerts: each event sounds and notifies only while its toggle is on; sound has its own switch', () => {
  const on: Preferences = kDefaultPreferences;
  assert.deepEqual(planAlert(events.visitor!, on, bg), { sound: 'visitor', notify: true });
  assert.deepEqual(planAlert(events.dialog!, on, bg), { sound: 'message', notify: true });
  assert.deepEqual(planAlert(events.message!, on, bg), { sound: 'message', notify: true });
  assert.deepEqual(planAlert(events.transfer!, on, bg), { sound: 'message', notify: true });
  for (const ev of ['visitor', 'message', 'dialog', 'transfer'] as const) {
    const off: Preferences = { ...on, notify: { ...on.notify, [ev]: false } };
    assert.deepEqual(planAlert(events[ev]!, off, bg), { sound: null, notify: false }, ev + ' off');
    for (const other of ['visitor', 'message', 'dialog', 'transfer'] as const) {
      if (other !== ev) assert.equal(planAlert(events[other]!, off, bg).notify, true, `${ev} off leaves ${other}`);
    }
  }
  const quiet: Preferences = { ...on, sound: false };
  assert.deepEqual(planAlert(events.message!, quiet, bg), { sound: null, notify: true });
});

test('alerts: no system notification in front, without permission or with the device switch off; no beep for the dialog on screen', () => {
  const on = kDefaultPreferences;
  assert.equal(planAlert(events.message!, on, { ...bg, hidden: false }).notify, false);
  assert.equal(planAlert(events.message!, on, { ...bg, permission: 'default' }).notify, false);
  assert.equal(planAlert(events.message!, on, { ...bg, browserNotify: false }).notify, false);
  const onScreen: OperatorEvent = { kind: 'visitor_message', dialog, message: { text: 'hi' } as never, onScreen: true };
  assert.equal(planAlert(onScreen, on, { ...bg, hidden: false }).sound, null);
  assert.equal(planAlert(onScreen, on, bg).sound, 'message', 'on screen but the tab is hidden');
});
