// A blocked visitor (F17) in the widget: `welcome.visitor.blocked` and the live `blocked`
// frame switch the window to a notice without a composer; unblocking brings it back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { en, ru } from '../../src/widget/i18n.ts';
import { parseServerFrame } from '../../src/widget/protocol.ts';
import { Harness } from './widget_harness.ts';

test('widget blocked: parsed from welcome and from the blocked frame; malformed frames dropped', () => {
  const w = parseServerFrame(JSON.stringify({ t: 'welcome', v: 1, visitor: { id: 42, blocked: true }, site: { name: 'S' }, dialog: null }));
  assert.ok(w && w.t === 'welcome' && w.blocked === true);
  const w2 = parseServerFrame(JSON.stringify({ t: 'welcome', v: 1, visitor: { id: 42, blocked: 'yes' }, site: { name: 'S' }, dialog: null }));
  assert.ok(w2 && w2.t === 'welcome' && w2.blocked === false, 'only true blocks');
  assert.deepEqual(parseServerFrame(JSON.stringify({ t: 'blocked', blocked: true })), { t: 'blocked', blocked: true });
  assert.equal(parseServerFrame(JSON.stringify({ t: 'blocked' })), null);
});

test('widget blocked: the welcome of a blocked visitor and the live frame set the state; unblock clears it', () => {
  const h = new Harness();
  h.client.start();
  h.welcome(null, { blocked: true });
  assert.equal(h.state.blocked, true);
  h.sock.push({ t: 'blocked', blocked: false });
  assert.equal(h.state.blocked, false);
  h.sock.push({ t: 'blocked', blocked: true });
  assert.equal(h.state.blocked, true);

  const fresh = new Harness();
  fresh.client.start();
  fresh.welcome({ id: 7, seq: 0 });
  assert.equal(fresh.state.blocked, false);
  fresh.sock.push({ t: 'blocked', blocked: true });
  assert.equal(fresh.state.blocked, true, 'blocked while chatting');
  fresh.sock.drop();
  fresh.advance(60_000);
  fresh.welcome(null);
  assert.equal(fresh.state.blocked, false, 'the next welcome is the truth (unblocked meanwhile)');
});

test('widget blocked: the notice in both languages', () => {
  assert.equal(ru['blocked.title'], 'Чат недоступен');
  assert.equal(en['blocked.title'], 'The chat is not available');
  assert.ok(ru['blocked.body'] && en['blocked.body']);
});
