// The pre-chat department choice on the widget side: parsed from the welcome, asked before the
// first message only, carried by the message that opens the dialog, keyboard movement.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { en, ru } from '../../src/widget/i18n.ts';
import { departmentForMessage, moveChoice, needsDepartmentChoice, parseDepartments } from '../../src/widget/prechat.ts';
import { Harness } from './widget_harness.ts';

const kDeps = [
  { id: 3, name: 'Продажи' },
  { id: 5, name: 'Support' },
];

function welcomed(departments: unknown = kDeps, dialog: { id: number; seq: number } | null = null) {
  const h = new Harness();
  h.client.start();
  h.sock.open();
  h.sock.push({
    t: 'welcome',
    v: 1,
    visitor: { id: 42 },
    site: { name: 'Shop', language: 'ru', open: true, operators_online: 2, typing_preview: true, departments },
    dialog,
  });
  return h;
}

test('prechat: departments are parsed defensively', () => {
  assert.deepEqual(parseDepartments(kDeps), kDeps);
  assert.deepEqual(parseDepartments(undefined), []);
  assert.deepEqual(parseDepartments([{ id: '3', name: 'x' }, { id: 4 }, null, { id: 1.5, name: 'y' }, { id: 6, name: '<b>ok</b>' }]), [
    { id: 6, name: '<b>ok</b>' },
  ]);
});

test('prechat: asked with two departments before the first message; not with one or with a dialog', () => {
  const h = welcomed();
  assert.deepEqual(h.state.site?.departments, kDeps);
  assert.equal(needsDepartmentChoice(h.state), true);
  assert.equal(needsDepartmentChoice(welcomed([kDeps[0]]).state), false, 'one department: nothing to choose');
  assert.equal(needsDepartmentChoice(welcomed([]).state), false);
  assert.equal(needsDepartmentChoice(welcomed(kDeps, { id: 7, seq: 0 }).state), false, 'a dialog is going on');
});

test('prechat: the choice goes with the first message only', () => {
  const h = welcomed();
  h.client.chooseDepartment(99);
  assert.equal(h.state.department, null, 'not one of the offered departments');
  h.client.chooseDepartment(5);
  assert.equal(h.state.department, 5);
  assert.equal(needsDepartmentChoice(h.state), false);
  h.client.send('hello');
  assert.deepEqual(h.sock.ofType('msg'), [{ t: 'msg', cid: 'c1', text: 'hello', department: 5 }]);
  h.sock.push({ t: 'ack', cid: 'c1', id: 100, dialog: 7, seq: 1, ts: 1 });
  h.client.send('second');
  assert.deepEqual(h.sock.ofType('msg')[1], { t: 'msg', cid: 'c2', text: 'second' }, 'the dialog exists now');
});

test('prechat: a re-sent first message after a reconnect still carries the choice', () => {
  const h = welcomed();
  h.client.chooseDepartment(3);
  h.client.send('hello');
  h.sock.close(1006);
  h.advance(60_000);
  h.sock.open();
  h.sock.push({ t: 'welcome', v: 1, visitor: { id: 42 }, site: { name: 'Shop', departments: kDeps, operators_online: 1 }, dialog: null });
  const sent = h.sock.ofType('msg');
  assert.deepEqual(sent[sent.length - 1], { t: 'msg', cid: 'c1', text: 'hello', department: 3 });
});

test('prechat: departmentForMessage ignores stale choices', () => {
  const site = { departments: kDeps };
  assert.equal(departmentForMessage({ site, dialogId: null, messages: [], department: 3 }), 3);
  assert.equal(departmentForMessage({ site, dialogId: 7, messages: [], department: 3 }), null);
  assert.equal(departmentForMessage({ site: { departments: [] }, dialogId: null, messages: [], department: 3 }), null);
});

test('prechat: arrow keys, Home and End move through the options and wrap', () => {
  assert.equal(moveChoice(kDeps, 0, 'ArrowDown'), 1);
  assert.equal(moveChoice(kDeps, 1, 'ArrowDown'), 0);
  assert.equal(moveChoice(kDeps, 0, 'ArrowUp'), 1);
  assert.equal(moveChoice(kDeps, 1, 'Home'), 0);
  assert.equal(moveChoice(kDeps, 0, 'End'), 1);
  assert.equal(moveChoice(kDeps, 0, 'a'), 0);
  assert.equal(moveChoice([], 0, 'ArrowDown'), -1);
});

test('prechat: strings in both languages', () => {
  for (const key of ['prechat.title', 'prechat.chosen', 'prechat.change'] as const) {
    assert.ok(en[key] && ru[key] && en[key] !== ru[key], key);
  }
});
