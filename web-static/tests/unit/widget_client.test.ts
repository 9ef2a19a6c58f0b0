// The widget's protocol client against a fake WebSocket and a fake clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kAckTimeoutMs, kHandshakeTimeoutMs, kStableConnectionMs, kTypingExpiryMs } from '../../src/widget/client.ts';
import { memoryStore, kKeyOffline, kKeyOutbox, kKeyToken } from '../../src/widget/storage.ts';
import { Harness, opMsg } from './widget_harness.ts';

test('hello carries the stored token, tab, page and language; welcome stores a new token', () => {
  const h = new Harness();
  h.client.start();
  assert.equal(h.state.conn, 'connecting');
  assert.equal(h.sock.url, 'ws://daemon/ws/visitor?key=k');
  h.sock.open();
  assert.deepEqual(h.sock.sent[0], {
    t: 'hello',
    v: 1,
    token: null,
    tab: 'tab1',
    page: { url: 'https://shop.example/p', title: 'Shop', referrer: '' },
    lang: 'ru',
  });
  h.sock.push({ t: 'welcome', v: 1, visitor: { id: 42, token: 'T1' }, site: { name: 'Shop' }, dialog: null });
  assert.equal(h.state.conn, 'open');
  assert.equal(h.state.visitorId, 42);
  assert.equal(h.store.get(kKeyToken), 'T1');

  h.sock.drop();
  h.advance(60_000);
  h.sock.open();
  assert.equal(h.sock.sent[0]!.token, 'T1', 'the reconnect is the same visitor');
});

test('a message sent before the welcome is queued, then sent and acked', () => {
  const h = new Harness();
  h.client.start();
  const cid = h.client.send('hi there');
  assert.equal(cid, 'c1');
  assert.equal(h.state.messages[0]!.delivery, 'queued');
  assert.equal(h.client.send('   '), null, 'blank text is not sent');
  h.welcome();
  assert.deepEqual(h.sock.ofType('msg'), [{ t: 'msg', cid: 'c1', text: 'hi there' }]);
  assert.equal(h.state.messages[0]!.delivery, 'sending');
  assert.ok(h.store.get(kKeyOutbox)?.includes('c1'), 'unacked messages are persisted');
  h.sock.push({ t: 'ack', cid: 'c1', id: 501, dialog: 7, seq: 1, ts: 5 });
  const m = h.state.messages[0]!;
  assert.equal(m.delivery, 'sent');
  assert.equal(m.seq, 1);
  assert.equal(m.id, 501);
  assert.equal(h.state.dialogId, 7);
  assert.equal(h.store.get(kKeyOutbox), null, 'acked messages leave the outbox');
});

test('after a drop the client backs off, resumes after its last seq and re-sends with the same cid', () => {
  const h = new Harness();
  h.client.start();
  h.welcome({ id: 7, seq: 0 });
  h.sock.push(opMsg(1, 'hello'));
  h.client.send('question');
  const first = h.sock;
  first.drop();
  assert.equal(h.state.conn, 'waiting');
  assert.equal(h.state.messages[1]!.delivery, 'queued', 'unacked goes back to the queue');
  assert.ok(h.state.retryAt! > h.time);
  assert.equal(h.sockets.length, 1, 'no reconnect before the backoff delay');
  h.advance(h.state.retryAt! - h.time);
  assert.equal(h.sockets.length, 2);
  h.welcome({ id: 7, seq: 2 });
  assert.deepEqual(h.sock.ofType('resume'), [{ t: 'resume', dialog: 7, after: 1 }]);
  assert.deepEqual(h.sock.ofType('msg'), [{ t: 'msg', cid: 'c1', text: 'question' }]);
  // The server had committed it before the drop: it replays it and acks the retry identically.
  h.sock.push({ ...opMsg(2, 'question'), author: { kind: 'visitor', id: 42 }, cid: 'c1' });
  h.sock.push({ t: 'resumed', dialog: 7, seq: 2 });
  h.sock.push({ t: 'ack', cid: 'c1', id: 102, dialog: 7, seq: 2, ts: 1 });
  assert.deepEqual(h.texts(), ['hello', 'question'], 'exactly once');
  assert.equal(h.state.messages[1]!.delivery, 'sent');
});

test('duplicates are dropped and messages are ordered by seq; a gap asks for a resume', () => {
  const h = new Harness();
  h.client.start();
  h.welcome({ id: 7, seq: 0 });
  h.sock.push(opMsg(1, 'one'));
  h.sock.push(opMsg(3, 'three'));
  assert.deepEqual(h.sock.ofType('resume'), [{ t: 'resume', dialog: 7, after: 1 }]);
  h.sock.push(opMsg(3, 'three'));
  h.sock.push(opMsg(2, 'two'));
  h.sock.push(opMsg(1, 'one'));
  h.sock.push({ t: 'resumed', dialog: 7, seq: 3 });
  assert.deepEqual(h.texts(), ['one', 'two', 'three']);
  assert.deepEqual(h.incoming, ['one', 'three', 'two'], 'a duplicate is not announced again');
  h.sock.push(opMsg(4, 'four'));
  assert.equal(h.sock.ofType('resume').length, 1, 'no resume without a gap');
});

test('the history load is silent; live operator messages are announced', () => {
  const h = new Harness();
  h.client.start();
  h.welcome({ id: 7, seq: 2 });
  assert.deepEqual(h.sock.ofType('resume'), [{ t: 'resume', dialog: 7, after: 0 }]);
  assert.equal(h.state.historyLoaded, false);
  h.sock.push(opMsg(1, 'old 1'));
  h.sock.push(opMsg(2, 'old 2'));
  h.sock.push({ t: 'resumed', dialog: 7, seq: 2 });
  assert.equal(h.state.historyLoaded, true);
  assert.deepEqual(h.incoming, []);
  h.sock.push(opMsg(3, 'new'));
  assert.deepEqual(h.incoming, ['new']);
});

test('an own message echoed before its ack is not shown twice', () => {
  const h = new Harness();
  h.client.start();
  h.welcome();
  h.client.send('hi');
  h.sock.push({ t: 'msg', dialog: 9, seq: 1, id: 1, cid: 'c1', author: { kind: 'visitor', id: 42 }, text: 'hi', ts: 1 });
  h.sock.push({ t: 'ack', cid: 'c1', id: 1, dialog: 9, seq: 1, ts: 1 });
  assert.deepEqual(h.texts(), ['hi']);
  assert.equal(h.state.messages[0]!.delivery, 'sent');
  assert.equal(h.state.messages[0]!.mine, true);
  assert.deepEqual(h.incoming, [], 'own messages make no sound');
});

test('messages from the visitor\'s other tabs show as own', () => {
  const h = new Harness();
  h.client.start();
  h.welcome({ id: 7, seq: 0 });
  h.sock.push({ t: 'msg', dialog: 7, seq: 1, id: 1, cid: 'other-tab', author: { kind: 'visitor', id: 42 }, text: 'x', ts: 1 });
  assert.equal(h.state.messages[0]!.mine, true);
});

test('a rejected message is marked failed and can be retried with the same cid', () => {
  const h = new Harness();
  h.client.start();
  h.welcome();
  h.client.send('spam');
  h.sock.push({ t: 'err', cid: 'c1', code: 'limit', message: 'slow down' });
  assert.equal(h.state.messages[0]!.delivery, 'failed');
  assert.equal(h.state.messages[0]!.error, 'limit');
  assert.equal(h.store.get(kKeyOutbox), null, 'failed messages are not re-sent on reload');
  h.client.retry('c1');
  assert.deepEqual(h.sock.ofType('msg'), [
    { t: 'msg', cid: 'c1', text: 'spam' },
    { t: 'msg', cid: 'c1', text: 'spam' },
  ]);
  assert.equal(h.state.messages[0]!.delivery, 'sending');
});

test('no ack in time means a dead connection: reconnect and re-send', () => {
  const h = new Harness();
  h.client.start();
  h.welcome();
  h.client.send('hello?');
  const first = h.sock;
  h.advance(kAckTimeoutMs - 1);
  assert.equal(first.closed, null);
  h.advance(1);
  assert.notEqual(first.closed, null, 'the silent socket is closed');
  assert.equal(h.state.conn, 'waiting');
  h.advance(60_000);
  h.welcome();
  assert.deepEqual(h.sock.ofType('msg'), [{ t: 'msg', cid: 'c1', text: 'hello?' }]);
});

test('no welcome in time closes the socket and retries', () => {
  const h = new Harness();
  h.client.start();
  h.sock.open();
  h.advance(kHandshakeTimeoutMs);
  assert.notEqual(h.sockets[0]!.closed, null);
  assert.equal(h.state.conn, 'waiting');
  assert.equal(h.state.everConnected, false);
});

test('backoff grows with each failed attempt and resets after a stable connection', () => {
  const h = new Harness(memoryStore(), () => 0.999);
  h.client.start();
  const delays: number[] = [];
  for (let i = 0; i < 8; i++) {
    h.sock.drop();
    delays.push(h.state.retryAt! - h.time);
    h.advance(delays[i]!);
  }
  for (let i = 1; i < delays.length; i++) assert.ok(delays[i]! >= delays[i - 1]!, `non-decreasing: ${delays}`);
  assert.ok(delays[0]! <= 500 && delays[7]! <= 30_000 && delays[7]! > 20_000, `${delays}`);
  h.welcome();
  h.advance(kStableConnectionMs);
  h.sock.drop();
  assert.ok(h.state.retryAt! - h.time <= 500, 'a connection that worked restarts the schedule');
  h.advance(1000);
  h.welcome();
  h.sock.drop(); // dropped right after the welcome: keep backing off
  assert.ok(h.state.retryAt! - h.time > 500);
});

test('retry now skips the backoff', () => {
  const h = new Harness();
  h.client.start();
  h.sock.drop();
  h.sock.drop;
  assert.equal(h.sockets.length, 1);
  h.client.reconnectNow();
  assert.equal(h.sockets.length, 2);
  assert.equal(h.state.conn, 'connecting');
});

test('operator typing shows and expires; an operator message clears it', () => {
  const h = new Harness();
  h.client.start();
  h.welcome({ id: 7, seq: 0 });
  h.sock.push({ t: 'typing', active: true });
  assert.equal(h.state.operatorTyping, true);
  h.advance(kTypingExpiryMs);
  assert.equal(h.state.operatorTyping, false);
  h.sock.push({ t: 'typing', active: true });
  h.sock.push(opMsg(1, 'answer'));
  assert.equal(h.state.operatorTyping, false);
});

test('status frames update the online state honestly', () => {
  const h = new Harness();
  h.client.start();
  h.welcome();
  assert.equal(h.state.site!.operatorsOnline, 1);
  h.sock.push({ t: 'status', open: true, operators_online: 0 });
  assert.equal(h.state.site!.operatorsOnline, 0);
});

test('malformed and unknown frames are ignored', () => {
  const h = new Harness();
  h.client.start();
  h.welcome({ id: 7, seq: 0 });
  h.sock.push('{not json');
  h.sock.push({ t: 'msg', dialog: 7, seq: 'x', text: 1 });
  h.sock.push({ t: 'whatever' });
  h.sock.push([1, 2]);
  assert.equal(h.state.messages.length, 0);
  assert.equal(h.state.conn, 'open');
});

test('the outbox survives a reload and is re-sent with the same cid', () => {
  const store = memoryStore();
  const a = new Harness(store);
  a.client.start();
  a.client.send('typed offline');
  a.client.stop();
  const b = new Harness(store);
  assert.deepEqual(b.texts(), ['typed offline']);
  b.client.start();
  b.welcome();
  assert.deepEqual(b.sock.ofType('msg'), [{ t: 'msg', cid: 'c1', text: 'typed offline' }]);
});

test('a message in another dialog starts a new conversation', () => {
  const h = new Harness();
  h.client.start();
  h.welcome({ id: 7, seq: 0 });
  h.sock.push(opMsg(1, 'old dialog'));
  h.sock.push(opMsg(1, 'new dialog', 8));
  assert.equal(h.state.dialogId, 8);
  assert.deepEqual(h.texts(), ['new dialog']);
});

test('a welcome without a dialog clears a closed one', () => {
  const h = new Harness();
  h.client.start();
  h.welcome({ id: 7, seq: 0 });
  h.sock.push(opMsg(1, 'bye'));
  h.sock.drop();
  h.advance(60_000);
  h.welcome(null);
  assert.equal(h.state.dialogId, null);
  assert.deepEqual(h.texts(), []);
});

test('typing: on/off edges without the preview, throttled text with it', () => {
  const h = new Harness();
  h.client.start();
  h.welcome();
  h.client.setDraft('h');
  h.client.setDraft('he');
  h.client.setDraft('hel');
  assert.deepEqual(h.sock.ofType('typing'), [{ t: 'typing', active: true }]);
  h.client.setDraft('');
  assert.deepEqual(h.sock.ofType('typing').at(-1), { t: 'typing', active: false });

  const p = new Harness();
  p.client.start();
  p.sock.open();
  p.sock.push({ t: 'welcome', v: 1, visitor: { id: 1 }, site: { name: 'S', typing_preview: true }, dialog: null });
  for (const d of ['a', 'ab', 'abc', 'abcd']) p.client.setDraft(d);
  p.advance(1000);
  const typing = p.sock.ofType('typing');
  assert.ok(typing.length <= 2, `throttled: ${JSON.stringify(typing)}`);
  assert.deepEqual(typing.at(-1), { t: 'typing', text: 'abcd' }, 'the latest draft wins');
  p.advance(1000);
  for (let i = 0; i < 50; i++) {
    p.client.setDraft('x'.repeat(i));
    p.advance(20);
  }
  const burst = p.sock.ofType('typing').length - typing.length;
  assert.ok(burst <= 5, `≤ 5 per second, got ${burst}`);
});

test('contact info and custom data are sent on every connection', () => {
  const h = new Harness();
  h.client.start();
  h.client.setPersistent('contact', { name: 'Ann', email: 'a@x', phone: '' });
  h.welcome();
  assert.deepEqual(h.sock.ofType('contact'), [{ t: 'contact', name: 'Ann', email: 'a@x', phone: '' }]);
  h.sock.drop();
  h.advance(60_000);
  h.welcome();
  assert.equal(h.sock.ofType('contact').length, 1);
});

test('a token changed by another tab reconnects as that visitor', () => {
  const h = new Harness();
  h.client.start();
  h.welcome(null, { token: 'A' });
  h.client.tokenChanged();
  assert.equal(h.sockets.length, 1, 'our own token: nothing to do');
  h.store.set(kKeyToken, 'B');
  h.client.tokenChanged();
  assert.equal(h.sockets.length, 2);
  h.sock.open();
  assert.equal(h.sock.sent[0]!.token, 'B');
});

// --- offline request (F7) -------------------------------------------------------------

const form = { name: ' Ann ', email: 'ann@example.com', phone: '+7 900', text: 'Call me back' };
const offlineFrame = (cid: string) => ({ t: 'offline', cid, name: 'Ann', email: 'ann@example.com', phone: '+7 900', text: 'Call me back' });

test('offline: the request is sent trimmed and the ack shows the thank-you', () => {
  const h = new Harness();
  h.client.start();
  h.welcome();
  assert.equal(h.client.submitOffline({ ...form, email: 'nope' }), null, 'invalid input is not sent');
  assert.equal(h.client.submitOffline({ ...form, text: '  ' }), null);
  assert.equal(h.sock.ofType('offline').length, 0);
  const cid = h.client.submitOffline(form);
  assert.equal(cid, 'c1');
  assert.deepEqual(h.sock.ofType('offline'), [offlineFrame('c1')]);
  assert.equal(h.state.offline.phase, 'sending');
  assert.equal(h.client.submitOffline(form), 'c1', 'a double click does not send twice');
  assert.equal(h.sock.ofType('offline').length, 1);
  h.sock.push({ t: 'offline_ack', cid: 'other', dialog: 5 });
  assert.equal(h.state.offline.phase, 'sending', 'an ack of another cid is not ours');
  h.sock.push({ t: 'offline_ack', cid: 'c1', dialog: 123 });
  assert.equal(h.state.offline.phase, 'done');
  assert.equal(h.state.offline.dialog, 123);
  assert.equal(h.state.offline.fields?.email, 'ann@example.com');
  h.advance(kAckTimeoutMs * 2);
  assert.equal(h.sockets.length, 1, 'nothing left waiting for an ack');
});

test('offline: queued while disconnected, re-sent with the same cid after a reconnect', () => {
  const h = new Harness();
  h.client.start();
  h.welcome();
  h.sock.drop();
  h.client.submitOffline(form);
  assert.equal(h.state.offline.phase, 'queued');
  assert.equal(h.sockets[0]!.ofType('offline').length, 0);
  h.advance(60_000);
  h.welcome();
  assert.deepEqual(h.sock.ofType('offline'), [offlineFrame('c1')]);
  // Lost again before the ack: the retry carries the same cid, so the server dedups.
  h.sock.drop();
  assert.equal(h.state.offline.phase, 'queued');
  h.advance(60_000);
  h.welcome();
  assert.deepEqual(h.sock.ofType('offline'), [offlineFrame('c1')]);
  h.sock.push({ t: 'offline_ack', cid: 'c1', dialog: 9 });
  assert.equal(h.state.offline.phase, 'done');
});

test('offline: no ack in time means a dead connection: reconnect and re-send', () => {
  const h = new Harness();
  h.client.start();
  h.welcome();
  h.client.submitOffline(form);
  h.advance(kAckTimeoutMs);
  assert.equal(h.sockets[0]!.closed !== null, true);
  h.advance(60_000);
  h.welcome();
  assert.deepEqual(h.sock.ofType('offline'), [offlineFrame('c1')]);
});

test('offline: a pending request and the thank-you survive a reload', () => {
  const store = memoryStore();
  const a = new Harness(store);
  a.client.start();
  a.client.submitOffline(form);
  a.client.stop();
  assert.ok(store.get(kKeyOffline)?.includes('c1'));
  const b = new Harness(store);
  assert.equal(b.state.offline.phase, 'queued');
  b.client.start();
  b.welcome();
  assert.deepEqual(b.sock.ofType('offline'), [offlineFrame('c1')]);
  b.sock.push({ t: 'offline_ack', cid: 'c1', dialog: 7 });
  const c = new Harness(store);
  assert.equal(c.state.offline.phase, 'done');
  assert.equal(c.state.offline.fields?.email, 'ann@example.com');
  c.client.resetOffline();
  assert.equal(c.state.offline.phase, 'idle');
  assert.equal(c.state.offline.fields?.name, 'Ann', 'the contacts stay for the next request');
  assert.equal(store.get(kKeyOffline), null);
  assert.equal(new Harness(store).state.offline.phase, 'idle');
});

test('offline: a rejection names the field; the next submit gets a new cid', () => {
  const h = new Harness();
  h.client.start();
  h.welcome();
  h.client.submitOffline(form);
  h.sock.push({ t: 'err', cid: 'zzz', code: 'invalid', message: 'not ours', field: 'email' });
  assert.equal(h.state.offline.phase, 'sending');
  h.sock.push({ t: 'err', cid: 'c1', code: 'invalid', message: 'bad e-mail domain', field: 'email' });
  assert.equal(h.state.offline.phase, 'idle');
  assert.deepEqual(h.state.offline.error, { code: 'invalid', message: 'bad e-mail domain', field: 'email' });
  assert.equal(h.state.offline.fields?.text, 'Call me back', 'the request comes back for correcting');
  assert.equal(h.store.get(kKeyOffline), null, 'a rejected request is not re-sent after a reload');
  h.advance(kAckTimeoutMs * 2);
  assert.equal(h.sockets.length, 1);
  assert.equal(h.client.submitOffline({ ...form, email: 'ann@example.org' }), 'c2');
  assert.equal(h.state.offline.error, null);
  h.sock.push({ t: 'err', cid: 'c2', code: 'limit', message: 'too many requests' });
  assert.deepEqual(h.state.offline.error, { code: 'limit', message: 'too many requests', field: null });
  h.sock.push({ t: 'err', cid: 'c2', code: 'invalid', message: 'late duplicate', field: 'text' });
  assert.equal(h.client.snapshot.offline.error!.message, 'too many requests', 'a late error of a settled request is ignored');
});

test('offline: setContactInfo is exposed for the form pre-fill', () => {
  const h = new Harness();
  assert.equal(h.state.contact, null);
  h.client.setPersistent('contact', { name: 'Ann', email: 'a@example.com', phone: '' });
  assert.deepEqual(h.state.contact, { name: 'Ann', email: 'a@example.com', phone: '' });
});
