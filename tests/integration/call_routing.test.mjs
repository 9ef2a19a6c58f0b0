// Routing of visitors' calls (F21, protocol.md "Calls"): the site's call settings over REST and
// in the widget's welcome, sequential ringing (timeout and decline move on to the next operator,
// least loaded first), the dialog's department first, calls refused outside working hours
// (`closed`), callback requests stored and shown to operators, and calls turned off.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { SITE_ORIGIN, addOperator, addSite, operatorSocket, startWithOwner, visitorSocket } from '../support/chat.mjs';

const kClosedWeek = { timezone: 'UTC', weekly: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] }, exceptions: [] };

describe('call routing', () => {
  let d; let owner; let second; let secondId; let ownerId;
  before(async () => {
    ({ d, owner } = await startWithOwner({ extraYaml: 'rtc:\n  interfaces: [127.0.0.1]\n' }));
    ({ client: second, id: secondId } = await addOperator(d, (await addSite(owner, 'Seed', 'https://seed.example')).id,
      'second@example.com'));
    const { o, welcome } = await operatorSocket(d, owner);
    ownerId = welcome.user.id;
    o.close();
  });
  after(() => d?.stop());

  // A fresh site (so dialogs and settings of one test do not leak into another) where both the
  // owner and the second operator work; `calls` are its call settings.
  async function shop(name, calls) {
    const site = await addSite(owner, name, SITE_ORIGIN);
    const inv = await d.admin('POST', `/api/admin/v1/sites/${site.id}/operators`, { email: 'second@example.com' });
    assert.equal(inv.status, 201, JSON.stringify(inv.body));
    if (calls) await settings(site, calls);
    return site;
  }
  async function settings(site, calls) {
    const r = await owner.request('PATCH', `/api/panel/sites/${site.id}`, { calls });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.site.calls;
  }
  const visitor = (site) => visitorSocket(d, site, { page: { url: `${SITE_ORIGIN}/`, title: 'Home' } });
  const ringingFor = (o, pred) => o.type('call', (f) => f.call.from === 'visitor' && pred(f.call));

  test('call settings: defaults, changes, validation, and the widget\'s welcome', async () => {
    const site = await shop('Settings');
    assert.deepEqual(site.calls, { enabled: true, ring_mode: 'all', ring_timeout_seconds: 20, after_hours: 'offline_form' });
    assert.deepEqual(await settings(site, { ring_mode: 'sequential', ring_timeout_seconds: 30, after_hours: 'callback' }),
      { enabled: true, ring_mode: 'sequential', ring_timeout_seconds: 30, after_hours: 'callback' });
    for (const [calls, field] of [[{ ring_timeout_seconds: 4 }, 'ring_timeout_seconds'], [{ ring_timeout_seconds: 121 }, 'ring_timeout_seconds'],
      [{ ring_mode: 'random' }, 'ring_mode'], [{ after_hours: 'voicemail' }, 'after_hours'], [{ sneaky: true }, 'sneaky']]) {
      const bad = await owner.request('PATCH', `/api/panel/sites/${site.id}`, { calls });
      assert.equal(bad.status, 400, JSON.stringify(calls));
      assert.equal(bad.body.error.field, field);
    }
    // An operator (not an admin) cannot change them.
    assert.equal((await second.request('PATCH', `/api/panel/sites/${site.id}`, { calls: { enabled: false } })).status, 403);
    const { v, welcome } = await visitor(site);
    assert.deepEqual(welcome.site.calls, { enabled: true, after_hours: 'callback' });
    v.close();
  });

  test('sequential: the least loaded operator rings first; no answer → the next, who accepts', async () => {
    const site = await shop('Sequential', { ring_mode: 'sequential', ring_timeout_seconds: 5 });
    const { o: o1 } = await operatorSocket(d, owner);
    const { o: o2 } = await operatorSocket(d, second);
    const { v } = await visitor(site);
    v.send({ t: 'call_start', video: false });
    // The call opened a dialog, routed to one operator: the other one (no open dialog) rings first.
    const first = (await ringingFor(o1, (c) => c.state === 'ringing')).call;
    const dialog = (await o1.type('dialog', (f) => f.dialog.id === first.dialog)).dialog;
    assert.equal(first.ringing.length, 1);
    const [rungFirst] = first.ringing;
    assert.notEqual(rungFirst, dialog.assignee, 'the operator with fewer open dialogs rings first');
    const next = rungFirst === secondId ? ownerId : secondId;
    const nextSocket = next === secondId ? o2 : o1;
    // The first one does not answer: after 5 s the call rings the other one only.
    const started = Date.now();
    const moved = (await ringingFor(nextSocket, (c) => c.id === first.id && c.ringing.includes(next))).call;
    const waited = Date.now() - started;
    assert.ok(waited >= 3500 && waited < 8000, `moved on after ${waited} ms`);
    assert.deepEqual(moved.ringing, [next]);
    assert.equal(moved.state, 'ringing');
    // The operator no longer rung cannot take it; the one rung now can.
    (next === secondId ? o1 : o2).send({ t: 'call_accept', call: first.id });
    assert.equal((await (next === secondId ? o1 : o2).type('err')).code, 'not_found');
    nextSocket.send({ t: 'call_accept', call: first.id });
    const active = (await v.type('call', (f) => f.call.state === 'active')).call;
    assert.equal(active.participants[1].id, next);
    assert.deepEqual(active.ringing, []);
    nextSocket.send({ t: 'call_hangup', call: first.id });
    await v.type('call', (f) => f.call.state === 'ended');
    v.close(); o1.close(); o2.close();
  });

  test('sequential: a decline rings the next at once; everyone declining ends it declined', async () => {
    const site = await shop('Declines', { ring_mode: 'sequential', ring_timeout_seconds: 60 });
    const { o: o1 } = await operatorSocket(d, owner);
    const { o: o2 } = await operatorSocket(d, second);
    const sockets = { [ownerId]: o1, [secondId]: o2 };
    const { v } = await visitor(site);
    v.send({ t: 'call_start', video: false });
    const first = (await ringingFor(o1, (c) => c.state === 'ringing')).call;
    const [a] = first.ringing;
    const b = a === ownerId ? secondId : ownerId;
    sockets[a].send({ t: 'call_decline', call: first.id });
    const moved = (await ringingFor(sockets[b], (c) => c.id === first.id && c.ringing.includes(b))).call;
    assert.deepEqual(moved.ringing, [b], 'rung at once, not after the 60 s timeout');
    sockets[b].send({ t: 'call_decline', call: first.id });
    const ended = (await v.type('call', (f) => f.call.state === 'ended')).call;
    assert.equal(ended.reason, 'declined');
    v.close(); o1.close(); o2.close();
  });

  // F21: the queue is made when the call starts; each operator is checked again when their turn
  // comes (and while rung), so nobody who went offline meanwhile holds the call up.
  test('sequential: an operator who goes offline is passed over at once, not after the timeout', async () => {
    const site = await shop('Recheck', { ring_mode: 'sequential', ring_timeout_seconds: 60 });
    const { o: o1 } = await operatorSocket(d, owner);
    const { o: o2 } = await operatorSocket(d, second);
    const sockets = { [ownerId]: o1, [secondId]: o2 };
    const { v } = await visitor(site);
    v.send({ t: 'call_start', video: false });
    const first = (await ringingFor(o1, (c) => c.state === 'ringing')).call;
    const [a] = first.ringing;
    const b = a === ownerId ? secondId : ownerId;
    // The operator being rung goes offline: the next rings within the 1 s timer, not after 60 s.
    const t0 = Date.now();
    sockets[a].send({ t: 'status', state: 'offline' });
    const moved = (await ringingFor(sockets[b], (c) => c.id === first.id && c.ringing.includes(b))).call;
    assert.deepEqual(moved.ringing, [b]);
    assert.ok(Date.now() - t0 < 5000, `moved on after ${Date.now() - t0} ms`);
    sockets[b].send({ t: 'call_decline', call: first.id });
    assert.equal((await v.type('call', (f) => f.call.state === 'ended')).call.reason, 'no_answer',
      'one passed over, not declined: a missed call');

    // The next operator in the queue went offline before their turn: skipped on the decline.
    sockets[a].send({ t: 'status', state: 'online' });
    await sockets[a].type('status', (f) => f.state === 'online');
    v.send({ t: 'call_start', video: false });
    const second_ = (await ringingFor(o1, (c) => c.state === 'ringing' && c.id !== first.id)).call;
    const [x] = second_.ringing;
    const y = x === ownerId ? secondId : ownerId;
    sockets[y].send({ t: 'status', state: 'offline' });
    await sockets[y].type('status', (f) => f.state === 'offline');
    sockets[x].send({ t: 'call_decline', call: second_.id });
    const ended = (await v.type('call', (f) => f.call.id === second_.id && f.call.state === 'ended')).call;
    assert.equal(ended.reason, 'no_answer');
    assert.deepEqual(ended.ringing, []);
    v.close(); o1.close(); o2.close();
  });

  test('the dialog\'s department rings first; with none of it online, the whole site', async () => {
    const site = await shop('Departments');
    const deps = `/api/panel/sites/${site.id}/departments`;
    const sales = (await owner.request('POST', deps, { name: 'Продажи', slug: 'sales' })).body.department;
    assert.equal((await owner.request('POST', `${deps}/sales/operators`, { user: 'second@example.com' })).status, 200);
    await owner.request('PATCH', `/api/panel/sites/${site.id}`, { chat: { first_response_seconds: 0 } });
    const { o: o1 } = await operatorSocket(d, owner);
    const { o: o2 } = await operatorSocket(d, second);
    const { v } = await visitor(site);
    v.send({ t: 'msg', cid: 'm1', text: 'Хочу купить', department: sales.id });
    await v.type('ack');
    v.send({ t: 'call_start', video: false });
    const call = (await ringingFor(o1, (c) => c.state === 'ringing')).call;
    assert.deepEqual(call.ringing, [secondId], 'only the department rings (mode all)');
    v.send({ t: 'call_hangup', call: call.id });
    await o1.type('call', (f) => f.call.id === call.id && f.call.state === 'ended');
    // The department's operator goes offline: the call goes to every online operator of the site.
    o2.close();
    await o1.type('team', (f) => f.site === site.id &&
      f.operators.some((x) => x.id === secondId && !x.online));
    v.send({ t: 'call_start', video: false });
    const again = (await v.type('call', (f) => f.call.id !== call.id)).call;
    assert.equal(again.state, 'ringing');
    assert.deepEqual(again.ringing, [ownerId]);
    v.send({ t: 'call_hangup', call: again.id });
    v.close(); o1.close();
  });

  test('outside working hours a call ends closed; a callback request reaches the operators', async () => {
    const site = await shop('Closed', { after_hours: 'callback' });
    assert.equal((await owner.request('PUT', `/api/panel/sites/${site.id}/hours`, { hours: kClosedWeek })).status, 200);
    const { o } = await operatorSocket(d, owner);
    const { v, welcome } = await visitor(site);
    assert.equal(welcome.site.open, false);
    assert.deepEqual(welcome.site.calls, { enabled: true, after_hours: 'callback' });
    v.send({ t: 'call_start', video: false });
    const call = (await v.type('call')).call;
    assert.equal(call.state, 'ended');
    assert.equal(call.reason, 'closed');
    assert.deepEqual(call.ringing, []);
    assert.equal((await o.type('msg', (f) => f.author.kind === 'system' && f.dialog === call.dialog)).text,
      'Пропущенный звонок: нерабочее время');
    const listed = await owner.request('GET', `/api/panel/dialogs/${call.dialog}/calls`);
    assert.deepEqual(listed.body.calls.map((c) => c.reason), ['closed']);

    // Callback: the phone is checked, then stored as the visitor's contact and posted to the dialog.
    for (const phone of ['123', '+7 <b>912</b>', '1'.repeat(33)]) {
      v.send({ t: 'call_callback', cid: 'cb-bad', phone });
      const err = await v.type('err');
      assert.equal(err.code, 'invalid');
      assert.equal(err.field, 'phone');
    }
    v.send({ t: 'call_callback', cid: 'cb1', phone: ' +7 (912) 345-67-89 ', name: 'Иван' });
    const ack = await v.type('ack', (f) => f.cid === 'cb1');
    assert.equal(ack.dialog, call.dialog);
    const msg = await o.type('msg', (f) => f.cid === 'cb1');
    assert.equal(msg.text, 'Просьба перезвонить: +7 (912) 345-67-89 (Иван)');
    assert.equal(msg.author.kind, 'visitor');
    const seen = await o.type('visitor', (f) => f.visitor.contact?.phone === '+7 (912) 345-67-89');
    assert.equal(seen.visitor.contact.name, 'Иван');
    // The same cid again: the same message, not a second one.
    v.send({ t: 'call_callback', cid: 'cb1', phone: '+7 (912) 345-67-89', name: 'Иван' });
    assert.equal((await v.type('ack', (f) => f.cid === 'cb1')).id, ack.id);
    const history = await owner.request('GET', `/api/panel/dialogs/${call.dialog}/messages`);
    assert.equal(history.status, 200);
    assert.equal(history.body.messages.filter((m) => m.text.startsWith('Просьба перезвонить')).length, 1);
    // With the offline form chosen instead, callback requests are refused.
    await settings(site, { after_hours: 'offline_form' });
    v.send({ t: 'call_callback', cid: 'cb2', phone: '+7 912 000 00 00' });
    assert.equal((await v.type('err')).code, 'forbidden');
    v.close(); o.close();
  });

  test('calls turned off: call_start is forbidden and no dialog is opened', async () => {
    const site = await shop('No calls', { enabled: false });
    const { o } = await operatorSocket(d, owner);
    const { v, welcome } = await visitor(site);
    assert.equal(welcome.site.calls.enabled, false);
    v.send({ t: 'call_start', video: false });
    assert.equal((await v.type('err')).code, 'forbidden');
    const open = await owner.request('GET', `/api/panel/dialogs?folder=open&site=${site.id}`);
    assert.equal(open.status, 200);
    assert.equal(open.body.dialogs.length, 0);
    assert.equal(o.frames.filter((f) => f.t === 'call').length, 0);
    v.close(); o.close();
  });
});
