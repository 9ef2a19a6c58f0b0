// The operator's realtime client against a fake WebSocket, a fake clock and a fake REST API.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kAckTimeoutMs, kKeyOutbox, kLeftLingerMs, kStartTimeoutMs, kTypingExpiryMs } from '../../src/panel/chat/operator_client.ts';
import { parseOperatorFrame } from '../../src/panel/chat/protocol.ts';
import { deviceFromUserAgent, deviceOf, pageLabel } from '../../src/panel/chat/visitor_info.ts';
import { kHandshakeTimeoutMs } from '../../src/shared/link.ts';
import { memoryStore } from '../../src/shared/storage.ts';
import { Harness, flush, stored, summary, visitorFrame, visitorMsg } from './panel_harness.ts';

test('hello, welcome, own status, and the open dialogs loaded from REST', async () => {
  const h = new Harness();
  h.rest.open = [summary(7, { visitor_name: 'Ivan', last_seq: 2, last_message: 'hi', last_message_at: 10 })];
  h.client.start();
  assert.equal(h.state.conn, 'connecting');
  assert.equal(h.sock.url, 'ws://panel/ws/operator');
  h.sock.open();
  assert.deepEqual(h.sock.sent, [{ t: 'hello', v: 1 }]);
  h.sock.push({ t: 'welcome', v: 1, user: { id: 3, name: 'Anna' }, sites: [{ id: 'shop', role: 'owner' }], status: 'away' });
  await flush();
  assert.equal(h.state.conn, 'open');
  assert.deepEqual(h.state.user, { id: 3, name: 'Anna' });
  assert.deepEqual(h.state.sites, [{ id: 'shop', role: 'owner' }]);
  assert.equal(h.state.status, 'away');
  assert.deepEqual(h.rest.calls, ['dialogs']);
  assert.equal(h.state.dialogs.length, 1);
  assert.equal(h.state.dialogs[0]!.visitorName, 'Ivan');
  assert.equal(h.state.dialogs[0]!.lastMessage, 'hi');
});

test('no welcome in time closes the socket and retries', async () => {
  const h = new Harness();
  h.client.start();
  h.sock.open();
  h.advance(kHandshakeTimeoutMs);
  assert.notEqual(h.sockets[0]!.closed, null);
  assert.equal(h.state.conn, 'waiting');
  h.advance(60_000);
  assert.equal(h.sockets.length, 2);
});

test('visitors: snapshot, live arrivals, changes, departures and the new-visitor counter', async () => {
  const h = new Harness();
  await h.welcome();
  h.sock.push(visitorFrame(1, { since: 1 }));
  h.sock.push(visitorFrame(2, { since: 2, dialog: 9 }));
  assert.deepEqual(h.eventKinds(), [], 'the snapshot is not announced');
  assert.equal(h.state.visitors.length, 2);
  assert.equal(h.state.newVisitors, 1, 'a visitor already in a dialog is taken');

  h.time += 1000;
  h.sock.push(visitorFrame(3, { since: h.time, name: 'Oleg' }));
  assert.deepEqual(h.eventKinds(), ['visitor_arrived']);
  assert.equal(h.state.newVisitors, 2);
  assert.deepEqual(
    h.state.visitors.map((v) => v.id),
    [3, 2, 1],
    'newest first',
  );

  // A change of an existing visitor is not an arrival.
  h.sock.push(visitorFrame(3, { since: h.time, state: 'background', widget_open: true, page: { url: 'u', title: 'Cart' } }));
  assert.equal(h.events.length, 1);
  const v3 = h.state.visitors.find((v) => v.id === 3)!;
  assert.equal(v3.state, 'background');
  assert.equal(v3.widgetOpen, true);
  assert.equal(v3.page.title, 'Cart');

  h.client.markVisitorsSeen();
  assert.equal(h.state.newVisitors, 0);
  h.sock.push(visitorFrame(4, { since: h.time }));
  assert.equal(h.state.newVisitors, 1, 'only visitors that came after the last look are new');

  h.sock.push({ t: 'visitor_left', site: 'shop', visitor: 4 });
  assert.equal(h.state.newVisitors, 0);
  assert.equal(h.state.visitors.find((v) => v.id === 4)!.state, 'left', 'shown as left for a while');
  h.sock.push({ t: 'visitor_left', site: 'shop', visitor: 3 });
  h.advance(kLeftLingerMs / 2);
  h.sock.push(visitorFrame(3, { since: h.time }));
  h.advance(kLeftLingerMs / 2);
  assert.deepEqual(
    h.state.visitors.map((v) => v.id),
    [3, 2, 1],
    'gone after a while, unless back meanwhile',
  );
  assert.equal(h.state.visitors[0]!.state, 'focused');
});

test('a reconnect replaces the visitor list with the new snapshot and re-announces nobody', async () => {
  const h = new Harness();
  await h.welcome();
  h.sock.push(visitorFrame(1));
  h.sock.push(visitorFrame(2));
  h.reconnect();
  await h.welcome();
  assert.equal(h.state.visitors.length, 0, 'visitors who left meanwhile do not linger');
  h.sock.push(visitorFrame(2, { since: h.time }));
  h.sock.push({ ...visitorFrame(6, { since: h.time }), snapshot: true });
  assert.deepEqual(
    h.state.visitors.map((v) => v.id).sort(),
    [2, 6],
  );
  assert.deepEqual(h.eventKinds(), [], 'known visitors and snapshot-flagged ones are no arrivals');
});

test('start chat: the dialog frame resolves it, the visitor is taken, the dialog is announced', async () => {
  const h = new Harness();
  await h.welcome();
  h.sock.push(visitorFrame(42, { name: 'Ivan' }));
  assert.equal(h.state.newVisitors, 1);
  const started = h.client.startChat(42);
  assert.deepEqual(h.sock.ofType('start'), [{ t: 'start', visitor: 42 }]);
  h.sock.push({ t: 'dialog', dialog: { id: 7, site: 'shop', visitor: 42, status: 'open', last_seq: 0, assignee: 3 } });
  assert.equal(await started, 7);
  assert.equal(h.state.visitors[0]!.dialog, 7);
  assert.equal(h.state.newVisitors, 0);
  assert.deepEqual(h.eventKinds(), ['dialog_opened']);
  assert.equal(h.state.dialogs[0]!.visitorName, 'Ivan');

  // The same dialog announced again (another operator pressed the button) is no news.
  h.sock.push({ t: 'dialog', dialog: { id: 7, site: 'shop', visitor: 42, status: 'open', last_seq: 0, assignee: 3 } });
  assert.equal(h.events.length, 1);

  // Closing: the dialog leaves the open list, the visitor is free again.
  h.sock.push({ t: 'dialog', dialog: { id: 7, site: 'shop', visitor: 42, status: 'closed', last_seq: 0, assignee: 3 } });
  assert.equal(h.state.dialogs[0]!.status, 'closed');
  assert.equal(h.state.visitors[0]!.dialog, null);
});

test('start chat fails when offline or when the server never answers', async () => {
  const h = new Harness();
  await assert.rejects(h.client.startChat(1), /offline/);
  await h.welcome();
  const p = h.client.startChat(1);
  h.advance(kStartTimeoutMs);
  await assert.rejects(p, /timeout/);
});

test('opening a dialog loads its history once; live messages are deduplicated and ordered by seq', async () => {
  const h = new Harness();
  h.rest.open = [summary(7, { last_seq: 3 })];
  h.rest.history.set(7, [stored(1, 'hello'), stored(2, 'hi, how can I help?', 'operator'), stored(3, 'a question')]);
  await h.welcome();
  h.rest.hold = true;
  h.client.openChat(7);
  assert.equal(h.state.chats[7]!.loading, true);
  // Live frames race the history: one overlaps it, one is new.
  h.sock.push(visitorMsg(7, 3, 'a question'));
  h.sock.push(visitorMsg(7, 4, 'and another'));
  h.rest.release();
  await flush();
  assert.equal(h.state.chats[7]!.loaded, true);
  assert.deepEqual(h.texts(7), ['hello', 'hi, how can I help?', 'a question', 'and another']);
  assert.equal(h.state.chats[7]!.messages[1]!.mine, true, "the operator's own earlier message");
  assert.deepEqual(h.sock.ofType('resume'), [], 'nothing is missing');

  h.sock.push(visitorMsg(7, 4, 'and another'));
  h.sock.push(visitorMsg(7, 6, 'six'));
  assert.deepEqual(h.sock.ofType('resume'), [{ t: 'resume', dialog: 7, after: 4 }], 'a gap asks for the missing ones');
  h.sock.push(visitorMsg(7, 5, 'five'));
  h.sock.push(visitorMsg(7, 6, 'six'));
  h.sock.push({ t: 'resumed', dialog: 7, seq: 6 });
  assert.deepEqual(h.texts(7), ['hello', 'hi, how can I help?', 'a question', 'and another', 'five', 'six']);
  h.client.openChat(7);
  assert.deepEqual(
    h.rest.calls.filter((c) => c.startsWith('messages')),
    ['messages 7 0'],
  );
});

test('a long history is read page by page', async () => {
  const h = new Harness();
  const all = Array.from({ length: 1203 }, (_, i) => stored(i + 1, 'm' + (i + 1)));
  h.rest.history.set(7, all);
  await h.welcome();
  h.client.openChat(7);
  for (let i = 0; i < 5; i++) await flush();
  assert.deepEqual(
    h.rest.calls.filter((c) => c.startsWith('messages')),
    ['messages 7 0', 'messages 7 500', 'messages 7 1000'],
  );
  assert.equal(h.state.chats[7]!.messages.length, 1203);
});

test('a message is queued offline, sent with a cid, acked after commit, and re-sent with the same cid after a drop', async () => {
  const h = new Harness();
  h.rest.history.set(7, [stored(1, 'hello')]);
  h.client.start();
  h.client.openChat(7);
  const cid = h.client.send(7, 'Hi! How can I help?');
  assert.equal(cid, 'c1');
  assert.equal(h.state.chats[7]!.messages.at(-1)!.delivery, 'queued');
  assert.equal(h.client.send(7, '   '), null);

  await h.welcome();
  assert.deepEqual(h.sock.ofType('msg'), [{ t: 'msg', dialog: 7, cid: 'c1', text: 'Hi! How can I help?' }]);
  assert.equal(h.state.chats[7]!.messages.at(-1)!.delivery, 'sending');
  assert.equal(h.state.chats[7]!.messages.at(-1)!.author.id, 3);

  // The connection dies before the ack: after the reconnect, the same cid again.
  h.reconnect();
  assert.equal(h.state.chats[7]!.messages.at(-1)!.delivery, 'queued');
  await h.welcome();
  assert.deepEqual(h.sock.ofType('resume'), [{ t: 'resume', dialog: 7, after: 1 }], 'loaded dialogs resume after their last seq');
  assert.deepEqual(h.sock.ofType('msg'), [{ t: 'msg', dialog: 7, cid: 'c1', text: 'Hi! How can I help?' }]);
  h.sock.push({ t: 'ack', cid: 'c1', id: 202, dialog: 7, seq: 2, ts: 77 });
  const last = h.state.chats[7]!.messages.at(-1)!;
  assert.deepEqual([last.delivery, last.seq, last.id, last.ts], ['sent', 2, 202, 77]);
  assert.equal(h.store.get(kKeyOutbox), null, 'nothing left in the outbox');
  // The fan-out copy and a late duplicate ack change nothing.
  h.sock.push({ ...visitorMsg(7, 2, 'Hi! How can I help?'), cid: 'c1', author: { kind: 'operator', id: 3, name: 'Anna' } });
  h.sock.push({ t: 'ack', cid: 'c1', id: 202, dialog: 7, seq: 2, ts: 77 });
  assert.deepEqual(h.texts(7), ['hello', 'Hi! How can I help?']);
  assert.equal(h.state.dialogs.length, 0, 'no REST list entry was faked');
});

test('an own message echoed before its ack (e.g. from another tab) is shown once', async () => {
  const h = new Harness();
  await h.welcome();
  h.client.send(7, 'one');
  h.sock.push({ t: 'msg', dialog: 7, seq: 1, id: 1, cid: 'c1', author: { kind: 'operator', id: 3, name: 'Anna' }, text: 'one', ts: 1 });
  h.sock.push({ t: 'ack', cid: 'c1', id: 1, dialog: 7, seq: 1, ts: 1 });
  assert.deepEqual(h.texts(7), ['one']);
  assert.equal(h.state.chats[7]!.messages[0]!.mine, true);
  // Another operator's message is not ours.
  h.sock.push({ t: 'msg', dialog: 7, seq: 2, id: 2, cid: 'x', author: { kind: 'operator', id: 9, name: 'Boris' }, text: 'two', ts: 2 });
  assert.equal(h.state.chats[7]!.messages[1]!.mine, false);
});

test('the outbox survives a reload and is re-sent with the same cid', async () => {
  const store = memoryStore();
  const a = new Harness(store);
  a.client.start();
  a.client.send(7, 'typed while offline');
  a.client.stop();
  const b = new Harness(store);
  assert.deepEqual(b.texts(7), ['typed while offline']);
  await b.welcome();
  assert.deepEqual(b.sock.ofType('msg'), [{ t: 'msg', dialog: 7, cid: 'c1', text: 'typed while offline' }]);
  assert.equal(b.state.chats[7]!.messages[0]!.mine, true);
});

test('a rejected message is marked failed and can be retried with the same cid', async () => {
  const h = new Harness();
  await h.welcome();
  h.client.send(7, 'x');
  h.sock.push({ t: 'err', cid: 'c1', code: 'forbidden', message: 'not your dialog' });
  const m = h.state.chats[7]!.messages[0]!;
  assert.deepEqual([m.delivery, m.error], ['failed', 'forbidden']);
  assert.equal(h.store.get(kKeyOutbox), null, 'failed messages are not re-sent on their own');
  h.client.retry('c1');
  assert.equal(h.sock.ofType('msg').length, 2);
  assert.equal(h.sock.ofType('msg')[1]!.cid, 'c1');
  assert.equal(h.state.chats[7]!.messages[0]!.delivery, 'sending');
});

test('no ack in time means a dead connection: reconnect and re-send', async () => {
  const h = new Harness();
  await h.welcome();
  h.client.send(7, 'x');
  h.advance(kAckTimeoutMs);
  assert.notEqual(h.sockets[0]!.closed, null);
  h.advance(60_000);
  await h.welcome();
  assert.deepEqual(h.sock.ofType('msg'), [{ t: 'msg', dialog: 7, cid: 'c1', text: 'x' }]);
});

test('typing preview: shown per dialog, cleared by the message, by an empty draft and by time', async () => {
  const h = new Harness();
  await h.welcome();
  h.sock.push({ t: 'typing', dialog: 7, visitor: 42, text: 'I would like to ord' });
  assert.equal(h.state.chats[7]!.typing, 'I would like to ord');
  h.sock.push(visitorMsg(7, 1, 'I would like to order'));
  assert.equal(h.state.chats[7]!.typing, null);
  h.sock.push({ t: 'typing', dialog: 7, visitor: 42, text: 'more' });
  h.sock.push({ t: 'typing', dialog: 7, visitor: 42, text: '' });
  assert.equal(h.state.chats[7]!.typing, null);
  h.sock.push({ t: 'typing', dialog: 8, visitor: 43, active: true });
  assert.equal(h.state.chats[8]!.typing, '', 'without the preview only "is typing" is known');
  h.advance(kTypingExpiryMs);
  assert.equal(h.state.chats[8]!.typing, null);
});

test('operator typing: only on/off edges, refreshed while typing', async () => {
  const h = new Harness();
  await h.welcome();
  h.client.setDraft(7, 'h');
  h.client.setDraft(7, 'he');
  h.client.setDraft(7, 'hel');
  assert.deepEqual(h.sock.ofType('typing'), [{ t: 'typing', dialog: 7, active: true }]);
  h.advance(3_000);
  h.client.setDraft(7, 'hell');
  h.client.setDraft(7, '');
  assert.deepEqual(
    h.sock.ofType('typing').map((f) => f.active),
    [true, true, false],
  );
  h.client.setDraft(7, 'x');
  h.client.send(7, 'x');
  assert.deepEqual(
    h.sock.ofType('typing').map((f) => f.active),
    [true, true, false, true, false],
  );
});

test('unread counts and visitor-message events; the dialog on screen counts nothing', async () => {
  const h = new Harness();
  h.rest.open = [summary(7), summary(8, { visitor: 43 })];
  await h.welcome();
  h.client.openChat(8);
  await flush();
  h.sock.push(visitorMsg(7, 1, 'one'));
  h.sock.push(visitorMsg(7, 2, 'two'));
  h.sock.push(visitorMsg(8, 1, 'on screen'));
  const d7 = h.state.dialogs.find((d) => d.id === 7)!;
  assert.equal(d7.unread, 2);
  assert.equal(d7.lastMessage, 'two');
  assert.equal(h.state.dialogs.find((d) => d.id === 8)!.unread, 0);
  assert.deepEqual(h.eventKinds(), ['visitor_message', 'visitor_message', 'visitor_message']);
  h.client.setActive(7);
  assert.equal(h.state.dialogs.find((d) => d.id === 7)!.unread, 0);
  // A message we already knew of (REST said last_seq 2) is no news after a reload.
  h.sock.push(visitorMsg(7, 2, 'two'));
  assert.equal(h.events.length, 3);
});

test('status: set, confirmed, and restored after a reconnect', async () => {
  const h = new Harness();
  await h.welcome();
  h.client.setStatus('away');
  assert.deepEqual(h.sock.ofType('status'), [{ t: 'status', state: 'away' }]);
  h.sock.push({ t: 'status', state: 'away' });
  assert.equal(h.state.status, 'away');
  h.reconnect();
  await h.welcome('online');
  assert.deepEqual(h.sock.ofType('status'), [{ t: 'status', state: 'away' }], 'the daemon forgot it (restart): tell it again');
});

test('the REST refresh marks dialogs closed while disconnected and keeps newer live data', async () => {
  const h = new Harness();
  h.rest.open = [summary(7), summary(8, { visitor: 43 })];
  await h.welcome();
  h.sock.push(visitorMsg(8, 1, 'live'));
  h.rest.open = [summary(8, { visitor: 43, last_seq: 0, last_message: '' })];
  h.reconnect();
  await h.welcome();
  assert.equal(h.state.dialogs.find((d) => d.id === 7)!.status, 'closed');
  const d8 = h.state.dialogs.find((d) => d.id === 8)!;
  assert.equal(d8.status, 'open');
  assert.equal(d8.lastMessage, 'live');
  h.client.patchDialog(8, { important: true });
  assert.equal(h.state.dialogs.find((d) => d.id === 8)!.important, true);
});

test('malformed and unknown frames are ignored', async () => {
  const h = new Harness();
  await h.welcome();
  const before = h.state;
  h.sock.push('not json');
  h.sock.push({ t: 'nope' });
  h.sock.push({ t: 'msg', dialog: 'x' });
  h.sock.push({ t: 'visitor', visitor: { id: 'x' } });
  h.sock.push({ t: 'status', state: 'sleeping' });
  assert.equal(h.state, before);
  assert.equal(parseOperatorFrame('[1]'), null);
});

test('device class from the user agent, and page labels', () => {
  assert.equal(deviceFromUserAgent('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148'), 'phone');
  assert.equal(deviceFromUserAgent('Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/120 Mobile Safari'), 'phone');
  assert.equal(deviceFromUserAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120 Safari/537.36'), 'pc');
  assert.equal(deviceFromUserAgent(''), 'pc');
  assert.equal(deviceOf({ device: 'phone', userAgent: 'Windows NT' }), 'phone', "the daemon's verdict wins");
  assert.equal(deviceOf({ device: null, userAgent: 'iPhone' }), 'phone');
  assert.equal(pageLabel({ url: 'https://shop.example/cart', title: '  ' }), 'shop.example/cart');
  assert.equal(pageLabel({ url: 'https://shop.example/cart', title: 'Cart' }), 'Cart');
});
