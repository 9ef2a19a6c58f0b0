// Dialog controls (F17) on the operator side: the new frames are parsed defensively; rename,
// block, invite, transfer to a department and transcript go out with a cid and are settled by
// `done` / `err`; live renames and blocks reach the lists; participants (live and from the
// REST list after a reload) make the Group dialogs section; a transfer to me alerts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupDialogs, inviteTargets, kControlCidPrefix, kControlTimeoutMs, looksLikeEmail } from '../../src/panel/chat/dialog_controls.ts';
import { parseOperatorFrame } from '../../src/panel/chat/protocol.ts';
import { en } from '../../src/panel/i18n/en.ts';
import { ru } from '../../src/panel/i18n/ru.ts';
import { Harness, summary, visitorFrame } from './panel_harness.ts';

const dialogFrame = (extra: Record<string, unknown> = {}) => ({
  t: 'dialog',
  dialog: { id: 7, site: 'shop', visitor: 42, status: 'open', last_seq: 0, assignee: 3, ...extra },
});
const entry = (h: Harness, id = 7) => h.state.dialogs.find((d) => d.id === id)!;

test('controls: visitor_name, visitor_blocked, done and dialog participants parse; malformed ones are dropped', () => {
  assert.deepEqual(parseOperatorFrame(JSON.stringify({ t: 'visitor_name', site: 'shop', visitor: 42, name: 'Иван' })), {
    t: 'visitor_name',
    site: 'shop',
    visitor: 42,
    name: 'Иван',
  });
  assert.equal(parseOperatorFrame(JSON.stringify({ t: 'visitor_name', site: 'shop', name: 'x' })), null, 'no visitor');
  assert.equal(parseOperatorFrame(JSON.stringify({ t: 'visitor_name', visitor: 42, name: 5 })), null, 'name not a string');
  assert.deepEqual(
    parseOperatorFrame(JSON.stringify({ t: 'visitor_blocked', site: 'shop', visitor: { id: 42, name: 'I', email: 'i@x.ru', blocked_at: 1700 }, blocked: true })),
    { t: 'visitor_blocked', site: 'shop', visitor: { id: 42, site: 'shop', name: 'I', email: 'i@x.ru', blockedAt: 1700 }, blocked: true },
  );
  assert.equal(parseOperatorFrame(JSON.stringify({ t: 'visitor_blocked', visitor: { id: 42 }, blocked: 'yes' })), null);
  assert.equal(parseOperatorFrame(JSON.stringify({ t: 'visitor_blocked', visitor: 42, blocked: true })), null);
  assert.deepEqual(parseOperatorFrame(JSON.stringify({ t: 'done', op: 'transcript', cid: 'ctl-1', email: 'a@b.ru' })), {
    t: 'done',
    op: 'transcript',
    cid: 'ctl-1',
    email: 'a@b.ru',
  });
  assert.equal(parseOperatorFrame(JSON.stringify({ t: 'done', cid: 'x' })), null, 'no op');
  const f = parseOperatorFrame(
    JSON.stringify(dialogFrame({ participants: [{ user: 3, role: 'assignee' }, { user: 5, role: 'invited' }, { user: 'x', role: 'invited' }, { user: 6, role: 'boss' }], department: 2 })),
  );
  assert.ok(f && f.t === 'dialog');
  assert.deepEqual(f.dialog.participants, [
    { user: 3, role: 'assignee' },
    { user: 5, role: 'invited' },
  ]);
  assert.equal(f.dialog.department, 2);
  const plain = parseOperatorFrame(JSON.stringify(dialogFrame()));
  assert.ok(plain && plain.t === 'dialog');
  assert.equal(plain.dialog.participants, undefined, 'a frame without participants says nothing about them');
  assert.equal(plain.dialog.department, undefined);
  const err = parseOperatorFrame(JSON.stringify({ t: 'err', cid: 'ctl-1', code: 'invalid', message: 'bad', field: 'email' }));
  assert.deepEqual(err, { t: 'err', cid: 'ctl-1', code: 'invalid', message: 'bad', field: 'email' });
});

test('controls: each action sends its frame with a control cid; nothing goes out (or is queued) while offline', async () => {
  const h = new Harness();
  h.client.start();
  assert.equal(h.client.controls.rename(42, 'Иван'), null, 'not connected');
  assert.equal(h.state.controls.last?.code, 'offline');
  await h.welcome();
  const c1 = h.client.controls.rename(42, '  Иван  ');
  const c2 = h.client.controls.block(42, true);
  const c3 = h.client.controls.invite(7, 5);
  const c4 = h.client.controls.transferToDepartment(7, 2);
  const c5 = h.client.controls.transcript(7, ' boss@shop.ru ');
  const c6 = h.client.controls.transcript(7, '');
  for (const c of [c1, c2, c3, c4, c5, c6]) assert.ok(c?.startsWith(kControlCidPrefix), String(c));
  assert.deepEqual(h.sock.ofType('rename'), [{ t: 'rename', visitor: 42, name: 'Иван', cid: c1 }]);
  assert.deepEqual(h.sock.ofType('block'), [{ t: 'block', visitor: 42, blocked: true, cid: c2 }]);
  assert.deepEqual(h.sock.ofType('invite'), [{ t: 'invite', dialog: 7, user: 5, cid: c3 }]);
  assert.deepEqual(h.sock.ofType('transfer'), [{ t: 'transfer', dialog: 7, department: 2, cid: c4 }]);
  assert.deepEqual(h.sock.ofType('transcript'), [
    { t: 'transcript', dialog: 7, email: 'boss@shop.ru', cid: c5 },
    { t: 'transcript', dialog: 7, cid: c6 },
  ], 'an empty address lets the server use the contact e-mail');
  assert.equal(h.state.controls.pending.length, 6);
  assert.equal(h.client.controls.isPending('block', { visitor: 42 }), true);
  assert.equal(h.client.controls.isPending('block', { visitor: 43 }), false);
});

test('controls: done settles its request (transcript reports the address); an err with a control cid fails it and touches no message', async () => {
  const h = new Harness();
  h.rest.open = [summary(7)];
  await h.welcome();
  const msgCid = h.client.send(7, 'hello')!;
  const cid = h.client.controls.transcript(7)!;
  h.sock.push({ t: 'done', op: 'transcript', cid, email: 'ivan@x.ru' });
  assert.equal(h.state.controls.pending.length, 0);
  assert.deepEqual(h.state.controls.last, { op: 'transcript', dialog: 7, visitor: null, cid, ok: true, email: 'ivan@x.ru' });
  h.sock.push({ t: 'done', op: 'transcript', cid, email: 'ivan@x.ru' });
  assert.equal(h.state.controls.last?.cid, cid, 'a duplicate done changes nothing');

  const bad = h.client.controls.transcript(7, 'nobody')!;
  assert.equal(h.state.controls.last, null, 'a new request clears the old outcome');
  h.sock.push({ t: 'err', cid: bad, code: 'invalid', message: 'no address', field: 'email' });
  assert.deepEqual(h.state.controls.last, { op: 'transcript', dialog: 7, visitor: null, cid: bad, ok: false, code: 'invalid', field: 'email' });
  const m = h.state.chats[7]!.messages.find((x) => x.cid === msgCid)!;
  assert.notEqual(m.delivery, 'failed', 'the outbox is not affected');
  // An err for a message still fails that message.
  h.sock.push({ t: 'err', cid: msgCid, code: 'forbidden', message: 'no' });
  assert.equal(h.state.chats[7]!.messages.find((x) => x.cid === msgCid)!.delivery, 'failed');
  h.client.controls.dismiss();
  assert.equal(h.state.controls.last, null);
});

test('controls: no answer in time is a timeout; a dropped socket fails what is in flight', async () => {
  const h = new Harness();
  await h.welcome();
  const cid = h.client.controls.block(42, true)!;
  h.advance(kControlTimeoutMs - 1);
  assert.equal(h.state.controls.pending.length, 1);
  h.advance(1);
  assert.equal(h.state.controls.pending.length, 0);
  assert.deepEqual(h.state.controls.last, { op: 'block', dialog: null, visitor: 42, cid, ok: false, code: 'timeout' });
  h.sock.push({ t: 'done', op: 'block', cid });
  assert.equal(h.state.controls.last?.ok, false, 'a late done does not flip the outcome');

  h.client.controls.invite(7, 5);
  h.sock.drop();
  assert.equal(h.state.controls.pending.length, 0);
  assert.equal(h.state.controls.last?.code, 'offline');
  assert.equal(h.state.controls.last?.op, 'invite');
});

test('controls: visitor_name renames the visitor and their dialogs; "" falls back to the contact name', async () => {
  const h = new Harness();
  h.rest.open = [summary(7, { visitor_name: '' })];
  await h.welcome();
  h.sock.push(visitorFrame(42, { contact: { name: 'Контакт', email: 'c@x.ru', phone: '' }, dialog: 7 }));
  h.sock.push({ t: 'visitor_name', site: 'shop', visitor: 42, name: 'Иван <b>' });
  assert.equal(h.state.visitors.find((v) => v.id === 42)!.name, 'Иван <b>');
  assert.equal(entry(h).visitorName, 'Иван <b>');
  h.sock.push({ t: 'visitor_name', site: 'shop', visitor: 42, name: '' });
  assert.equal(h.state.visitors.find((v) => v.id === 42)!.name, '');
  assert.equal(entry(h).visitorName, 'Контакт');
  h.sock.push({ t: 'visitor_name', site: 'shop', visitor: 99, name: 'Nobody' });
  assert.equal(entry(h).visitorName, 'Контакт', 'another visitor');
});

test('controls: the blocked list is the REST answer plus live frames', async () => {
  const h = new Harness();
  await h.welcome();
  h.client.controls.setBlocked([{ id: 1, site: 'shop', name: 'A', email: '', blockedAt: 10 }]);
  h.sock.push({ t: 'visitor_blocked', site: 'shop', visitor: { id: 42, name: 'B', email: 'b@x.ru', blocked_at: 20 }, blocked: true });
  assert.deepEqual(Object.keys(h.state.controls.blocked).map(Number).sort(), [1, 42]);
  assert.equal(h.state.controls.blocked[42]!.email, 'b@x.ru');
  h.sock.push({ t: 'visitor_blocked', site: 'shop', visitor: { id: 1, name: 'A', email: '', blocked_at: null }, blocked: false });
  assert.deepEqual(Object.keys(h.state.controls.blocked).map(Number), [42]);
});

test('controls: participants come live and from the REST list; Group dialogs are the open ones I was invited to', async () => {
  const h = new Harness();
  h.rest.open = [
    summary(7, { assignee: 4, participants: [{ user: 4, role: 'assignee' }, { user: 3, role: 'invited' }], department: 2 }),
    summary(8, { assignee: 3, participants: [{ user: 3, role: 'assignee' }] }),
    summary(9),
  ];
  await h.welcome(); // I am user 3
  assert.deepEqual(entry(h).participants, [
    { user: 4, role: 'assignee' },
    { user: 3, role: 'invited' },
  ]);
  assert.equal(entry(h).department, 2);
  assert.equal(entry(h, 9).department, null);
  assert.deepEqual(groupDialogs(h.state.dialogs, 3).map((d) => d.id), [7], 'after a reload the REST list is enough');
  h.sock.push({ t: 'dialog', dialog: { id: 9, site: 'shop', visitor: 43, status: 'open', last_seq: 0, assignee: 5, participants: [{ user: 5, role: 'assignee' }, { user: 3, role: 'invited' }] } });
  assert.deepEqual(groupDialogs(h.state.dialogs, 3).map((d) => d.id).sort(), [7, 9]);
  h.sock.push({ t: 'dialog', dialog: { id: 9, site: 'shop', visitor: 43, status: 'open', last_seq: 1, assignee: 5 } });
  assert.equal(entry(h, 9).participants.length, 2, 'a frame without participants keeps them');
  h.sock.push({ t: 'dialog', dialog: { id: 7, site: 'shop', visitor: 42, status: 'closed', last_seq: 0, assignee: 4 } });
  assert.deepEqual(groupDialogs(h.state.dialogs, 3).map((d) => d.id), [9], 'closed dialogs leave the section');
  assert.deepEqual(groupDialogs(h.state.dialogs, undefined), []);
});

test('controls: invite targets are online colleagues not already in the dialog', () => {
  const team = [
    { id: 3, name: 'Me', online: true },
    { id: 4, name: 'Lead', online: true },
    { id: 5, name: 'In', online: true },
    { id: 6, name: 'Free', online: true },
    { id: 7, name: 'Away', online: false },
  ];
  const targets = inviteTargets(team, { assignee: 4, participants: [{ user: 4, role: 'assignee' }, { user: 5, role: 'invited' }] }, 3);
  assert.deepEqual(targets.map((o) => o.id), [6]);
});

test('controls: a dialog handed over to me raises transferred_to_me; a new dialog or my own is not that', async () => {
  const h = new Harness();
  h.rest.open = [summary(7, { assignee: 4 })];
  await h.welcome();
  h.sock.push(dialogFrame({ assignee: 3 }));
  assert.deepEqual(h.eventKinds(), ['transferred_to_me']);
  h.sock.push(dialogFrame({ assignee: 3, last_seq: 2 }));
  assert.deepEqual(h.eventKinds(), ['transferred_to_me'], 'still mine: no second alert');
  h.sock.push({ t: 'dialog', dialog: { id: 8, site: 'shop', visitor: 43, status: 'open', last_seq: 0, assignee: 3 } });
  assert.deepEqual(h.eventKinds(), ['transferred_to_me', 'dialog_opened']);
});

test('controls: e-mail check and strings in both languages', () => {
  assert.equal(looksLikeEmail('a@b.ru'), true);
  assert.equal(looksLikeEmail(' a@b.ru '), true);
  for (const bad of ['', 'a@b', 'a b@c.ru', '@b.ru']) assert.equal(looksLikeEmail(bad), false, bad);
  assert.equal(ru['nav.team'], 'Команда');
  assert.equal(ru['nav.group'], 'Групповые диалоги');
  assert.equal(ru['nav.blocked'], 'Заблокированные');
  assert.equal(en['nav.blocked'], 'Blocked');
  assert.ok(ru['controls.done_transcript'].includes('{email}') && en['controls.done_transcript'].includes('{email}'));
  assert.ok(ru['controls.pin'].includes('{name}') && en['controls.unpin'].includes('{name}'));
});
