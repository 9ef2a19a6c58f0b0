// Transfer to an online operator (F17) on the operator side: `team` frames keep each site's
// roster, transfer() sends the frame, the `dialog` frame moves the assignee, a refusal shows,
// and the system note about the hand-over lands in the chat like any message.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseOperatorFrame } from '../../src/panel/chat/protocol.ts';
import { en } from '../../src/panel/i18n/en.ts';
import { ru } from '../../src/panel/i18n/ru.ts';
import { Harness, summary } from './panel_harness.ts';

const team = (site: string, operators: { id: number; name: string; online: boolean }[]) => ({ t: 'team', site, operators });
const roster = [
  { id: 3, name: 'Anna', online: true },
  { id: 4, name: 'Борис', online: true },
  { id: 5, name: 'Vera', online: false },
];
const entry = (h: Harness, id = 7) => h.state.dialogs.find((d) => d.id === id)!;

test('transfer: team frames set and replace the roster of their site; targets are the other online operators', async () => {
  const h = new Harness();
  await h.welcome();
  assert.deepEqual(h.state.team, {});
  assert.deepEqual(h.client.transferTargets('shop'), [], 'no roster yet: nobody to transfer to');
  h.sock.push(team('shop', roster));
  assert.deepEqual(h.state.team.shop, roster);
  assert.deepEqual(
    h.client.transferTargets('shop').map((o) => o.id),
    [4],
    'not me (3), not the offline Vera (5)',
  );
  h.sock.push(team('shop', [roster[0]!, { ...roster[1]!, online: false }, { ...roster[2]!, online: true }]));
  assert.deepEqual(h.client.transferTargets('shop').map((o) => o.id), [5], 'the next frame replaces the roster');
  h.sock.push(team('shop', [roster[0]!]));
  assert.deepEqual(h.client.transferTargets('shop'), [], 'only me left');
  assert.deepEqual(h.client.transferTargets('blog'), [], 'another site has its own roster');
});

test('transfer: rosters survive a reconnect until replaced; a site we left is dropped', async () => {
  const h = new Harness();
  await h.welcome();
  h.sock.push(team('shop', roster));
  h.sock.push(team('blog', roster));
  h.reconnect();
  await h.welcome(); // the harness welcome lists only "shop"
  assert.deepEqual(Object.keys(h.state.team), ['shop']);
  assert.deepEqual(h.state.team.shop, roster);
});

test('transfer: malformed team frames are dropped, bad entries filtered', () => {
  assert.equal(parseOperatorFrame(JSON.stringify({ t: 'team', operators: [] })), null, 'no site');
  assert.equal(parseOperatorFrame(JSON.stringify({ t: 'team', site: 'shop' })), null, 'no operators');
  const f = parseOperatorFrame(
    JSON.stringify({ t: 'team', site: 'shop', operators: [{ id: 3, name: 'Anna', online: true }, { name: 'x' }, 'y', { id: 4, online: 'yes' }] }),
  );
  assert.deepEqual(f, {
    t: 'team',
    site: 'shop',
    operators: [
      { id: 3, name: 'Anna', online: true },
      { id: 4, name: '', online: false },
    ],
  });
});

test('transfer: sends the frame; nothing is sent (or queued) while disconnected', async () => {
  const h = new Harness();
  h.rest.open = [summary(7, { assignee: 3 })];
  h.client.start();
  assert.equal(h.client.transfer(7, 4), false, 'not connected yet');
  await h.welcome();
  assert.equal(h.sock.ofType('transfer').length, 0, 'the offline click was not queued');
  assert.equal(h.client.transfer(7, 4), true);
  assert.deepEqual(h.sock.ofType('transfer'), [{ t: 'transfer', dialog: 7, user: 4 }]);
});

test('transfer: the dialog frame moves the assignee; the system note shows in the chat, not as unread', async () => {
  const h = new Harness();
  h.rest.open = [summary(7, { assignee: 3 })];
  await h.welcome();
  assert.equal(entry(h).assignee, 3);
  h.client.transfer(7, 4);
  h.sock.push({ t: 'dialog', dialog: { id: 7, site: 'shop', visitor: 42, status: 'open', last_seq: 3, assignee: 4 } });
  assert.equal(entry(h).assignee, 4);
  h.sock.push({ t: 'msg', dialog: 7, seq: 4, id: 104, author: { kind: 'system' }, text: 'Борис took over the dialog', ts: 6000 });
  const m = h.state.chats[7]!.messages.at(-1)!;
  assert.equal(m.author.kind, 'system');
  assert.equal(m.mine, false);
  assert.equal(m.text, 'Борис took over the dialog');
  assert.equal(entry(h).unread, 0, 'a system note is not a visitor message');
  assert.equal(h.state.transferError, null);
  assert.deepEqual(h.eventKinds(), [], 'no visitor_message alert for the note');
});

test('transfer: an err while a transfer is pending is shown for that dialog and cleared by the next try', async () => {
  const h = new Harness();
  h.rest.open = [summary(7)];
  await h.welcome();
  h.sock.push({ t: 'err', code: 'forbidden', message: 'not your site' });
  assert.equal(h.state.transferError, null, 'an unrelated err is not a transfer failure');
  h.client.transfer(7, 9);
  h.sock.push({ t: 'err', code: 'forbidden', message: 'no such operator' });
  assert.deepEqual(h.state.transferError, { dialog: 7, code: 'forbidden' });
  h.client.transfer(7, 4);
  assert.equal(h.state.transferError, null);
  h.sock.push({ t: 'dialog', dialog: { id: 7, site: 'shop', visitor: 42, status: 'open', last_seq: 0, assignee: 4 } });
  h.sock.push({ t: 'err', code: 'invalid', message: 'later, unrelated' });
  assert.equal(h.state.transferError, null, 'the confirmed transfer is no longer pending');
});

test('transfer strings in both panel languages', () => {
  assert.equal(ru['controls.transfer'], 'Перевести на отдел или оператора');
  assert.equal(en['controls.transfer'], 'Transfer to a department or operator');
  assert.ok(ru['chat.assignee'].includes('{name}') && en['chat.assignee'].includes('{name}'));
  assert.ok(ru['chat.operator_id'].includes('{id}') && en['chat.operator_id'].includes('{id}'));
});
