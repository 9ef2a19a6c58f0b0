// First-response offers (routing §4) on the operator side: `offer` highlights the dialog and
// alerts, take() sends `take`, `offer_taken` / an operator's answer / a reconnect end it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addOffer, removeOffer } from '../../src/panel/chat/offers.ts';
import { parseOperatorFrame } from '../../src/panel/chat/protocol.ts';
import { en } from '../../src/panel/i18n/en.ts';
import { ru } from '../../src/panel/i18n/ru.ts';
import { Harness, summary } from './panel_harness.ts';

const offer = (dialog = 7) => ({ t: 'offer', dialog, site: 'shop', visitor: 42, since: 1000, assignee: 4 });

test('offers: list helpers keep the same array when nothing changes', () => {
  const a = [7];
  assert.equal(addOffer(a, 7), a);
  assert.deepEqual(addOffer(a, 8), [8, 7]);
  assert.equal(removeOffer(a, 9), a);
  assert.deepEqual(removeOffer(a, 7), []);
});

test('offers: frames are parsed defensively', () => {
  assert.deepEqual(parseOperatorFrame(JSON.stringify(offer())), { t: 'offer', dialog: 7, site: 'shop', visitor: 42, since: 1000, assignee: 4 });
  assert.equal(parseOperatorFrame(JSON.stringify({ t: 'offer', dialog: 'x', site: 'shop' })), null);
  assert.deepEqual(parseOperatorFrame(JSON.stringify({ t: 'offer_taken', dialog: 7, by: 3 })), { t: 'offer_taken', dialog: 7, by: 3 });
  assert.equal(parseOperatorFrame(JSON.stringify({ t: 'offer_taken', dialog: 7 })), null);
});

test('offers: an offer is listed and alerts once; take sends the frame and ends it', async () => {
  const h = new Harness();
  h.rest.open = [summary(7, { assignee: 4 })];
  await h.welcome();
  h.sock.push(offer());
  h.sock.push(offer());
  assert.deepEqual(h.state.offers, [7]);
  assert.deepEqual(h.eventKinds().filter((k) => k === 'dialog_offered'), ['dialog_offered'], 'one alert');
  assert.equal(h.client.take(8), false, 'not on offer');
  assert.equal(h.client.take(7), true);
  assert.deepEqual(h.sock.ofType('take'), [{ t: 'take', dialog: 7 }]);
  assert.deepEqual(h.state.offers, []);
});

test('offers: someone else taking it, or an operator answering, ends the offer; a reconnect clears it', async () => {
  const h = new Harness();
  h.rest.open = [summary(7, { assignee: 4 }), summary(8)];
  await h.welcome();
  h.sock.push(offer(7));
  h.sock.push(offer(8));
  h.sock.push({ t: 'offer_taken', dialog: 7, by: 5 });
  assert.deepEqual(h.state.offers, [8]);
  h.sock.push({ t: 'msg', dialog: 8, seq: 2, id: 2, author: { kind: 'visitor', id: 42 }, text: 'hello?', ts: 1 });
  assert.deepEqual(h.state.offers, [8], 'the visitor writing does not end it');
  h.sock.push({ t: 'msg', dialog: 8, seq: 3, id: 3, author: { kind: 'operator', id: 4, name: 'Борис' }, text: 'Здравствуйте', ts: 2 });
  assert.deepEqual(h.state.offers, []);
  h.sock.push(offer(8));
  h.reconnect();
  await h.welcome();
  assert.deepEqual(h.state.offers, [], 'the server sends open offers again after welcome');
});

test('offers: strings in both languages', () => {
  for (const k of ['offer.title', 'offer.hint', 'offer.take', 'notify.offer'] as const) {
    assert.ok(en[k] && ru[k] && en[k] !== ru[k], k);
  }
});
