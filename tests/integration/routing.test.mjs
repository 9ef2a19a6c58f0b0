// Routing settings over real sockets (issue 4 §4): per-operator dialog limits, the pre-chat
// department choice, the typing-preview site setting, and the first-response re-offer.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { SITE_ORIGIN, addOperator, addSite, operatorSocket, startWithOwner, visitorSocket } from '../support/chat.mjs';

// The owner, the site «Shop» and a second operator of it.
async function setUp() {
  const { d, owner } = await startWithOwner();
  const site = await addSite(owner, 'Shop', SITE_ORIGIN);
  const { client: second } = await addOperator(d, site.id, 'second@example.com', { password: 'second-pass' });
  return { d, owner, second, site };
}

async function chat(owner, site, settings) {
  const r = await owner.request('PATCH', `/api/panel/sites/${site.id}`, { chat: settings });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.site.chat;
}

function visitor(d, site) {
  return visitorSocket(d, site, { page: { url: `${SITE_ORIGIN}/`, title: 'Home' } });
}

async function operator(d, client) {
  const { o, welcome } = await operatorSocket(d, client);
  return { o, id: welcome.user.id };
}

// Opens a dialog with a first message; returns the dialog as the operators see it once routed.
async function openDialog(d, site, watcher, extra = {}) {
  const { v, welcome } = await visitor(d, site);
  v.send({ t: 'msg', cid: 'first', text: 'hello', ...extra });
  const ack = await v.type('ack');
  const frame = await watcher.type('dialog', (f) => f.dialog.id === ack.dialog);
  return { v, welcome, dialog: frame.dialog };
}

describe('routing settings', () => {
  test('settings are validated and kept; admin only', async () => {
    const { d, owner, second, site } = await setUp();
    try {
      const saved = await chat(owner, site, { typing_preview: false, first_response_seconds: 30, dialog_limit: 3, prechat_departments: false });
      assert.deepEqual(saved, { typing_preview: false, first_response_seconds: 30, dialog_limit: 3,
        prechat_departments: false, default_department_id: null });
      const bad = await owner.request('PATCH', `/api/panel/sites/${site.id}`, { chat: { dialog_limit: -1 } });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.field, 'dialog_limit');
      assert.equal((await owner.request('PATCH', `/api/panel/sites/${site.id}`, { chat: { first_response_seconds: 'soon' } })).status, 400);
      assert.equal((await owner.request('PATCH', `/api/panel/sites/${site.id}`, { chat: { default_department_id: 424242 } })).status, 400);
      assert.equal((await owner.request('PATCH', `/api/panel/sites/${site.id}`, { chat: { sneaky: 1 } })).status, 400);
      // An operator may read but not change them.
      assert.equal((await second.request('PATCH', `/api/panel/sites/${site.id}`, { chat: { dialog_limit: 1 } })).status, 403);
      assert.equal((await second.request('GET', `/api/panel/sites/${site.id}`)).body.site.chat.dialog_limit, 3);
    } finally {
      await d.stop();
    }
  });

  test('dialog limits: the site limit, then a per-operator override', async () => {
    const { d, owner, second, site } = await setUp();
    try {
      await chat(owner, site, { dialog_limit: 1, first_response_seconds: 0 });
      const { o: o1, id: id1 } = await operator(d, owner);
      const { o: o2, id: id2 } = await operator(d, second);
      const a = await openDialog(d, site, o1);
      const b = await openDialog(d, site, o1);
      assert.deepEqual([a.dialog.assignee, b.dialog.assignee].sort(), [id1, id2].sort(), 'the second dialog goes to the other operator');
      const c = await openDialog(d, site, o1);
      assert.equal(c.dialog.assignee, null, 'both at their limit: the dialog waits');
      // The owner may take two at once.
      const put = await owner.request('PUT', `/api/panel/sites/${site.id}/dialog_limits/${id1}`, { dialog_limit: 2 });
      assert.equal(put.status, 200);
      assert.deepEqual((await owner.request('GET', `/api/panel/sites/${site.id}/dialog_limits`)).body.dialog_limits, { [id1]: 2 });
      assert.equal((await second.request('PUT', `/api/panel/sites/${site.id}/dialog_limits/${id2}`, { dialog_limit: 5 })).status, 403);
      const e = await openDialog(d, site, o2);
      assert.equal(e.dialog.assignee, id1);
      for (const x of [a, b, c, e]) x.v.close();
      o1.close();
      o2.close();
    } finally {
      await d.stop();
    }
  });

  test('pre-chat department choice routes to that department; the default takes the rest', async () => {
    const { d, owner, second, site } = await setUp();
    try {
      const deps = `/api/panel/sites/${site.id}/departments`;
      const sales = (await owner.request('POST', deps, { name: 'Продажи', slug: 'sales' })).body.department;
      const support = (await owner.request('POST', deps, { name: 'Support', slug: 'support' })).body.department;
      assert.equal((await owner.request('POST', `${deps}/sales/operators`, { user: 'second@example.com' })).status, 200);
      assert.equal((await owner.request('POST', `${deps}/support/operators`, { user: 'owner@example.com' })).status, 200);
      await chat(owner, site, { default_department_id: support.id, first_response_seconds: 0 });
      const { o: o1, id: id1 } = await operator(d, owner);
      const { id: id2 } = await operator(d, second);

      const chosen = await openDialog(d, site, o1, { department: sales.id });
      assert.deepEqual(chosen.welcome.site.departments.map((x) => x.name).sort(), ['Support', 'Продажи']);
      assert.equal(chosen.dialog.assignee, id2);
      // Load-balancing alone would now pick the owner anyway; make the default decide against
      // load: the second operator has one dialog, the owner one too after this.
      const unchosen = await openDialog(d, site, o1);
      assert.equal(unchosen.dialog.assignee, id1, 'no choice: the default department');
      // ... and it is filed under that department (History, transfers and the panel show it).
      const rows = (await owner.request('GET', '/api/panel/dialogs?folder=open')).body.dialogs;
      assert.equal(rows.find((r) => r.id === unchosen.dialog.id).department, support.id);
      assert.equal(rows.find((r) => r.id === chosen.dialog.id).department, sales.id);
      const again = await openDialog(d, site, o1);
      assert.equal(again.dialog.assignee, id1, 'the default department keeps it despite the load');

      // A department of another site is refused.
      const other = await addSite(owner, 'Other', 'https://other.example');
      const foreign = (await owner.request('POST', `/api/panel/sites/${other.id}/departments`, { name: 'X', slug: 'x' })).body.department;
      const { v } = await visitor(d, site);
      v.send({ t: 'msg', cid: 'f', text: 'hi', department: foreign.id });
      assert.notEqual((await v.type('err')).code, undefined);

      // Switched off: no departments in the welcome.
      await chat(owner, site, { prechat_departments: false });
      const { welcome } = await visitor(d, site);
      assert.deepEqual(welcome.site.departments, []);
    } finally {
      await d.stop();
    }
  });

  test('typing preview off: operators get only active true/false, never the draft', async () => {
    const { d, owner, site } = await setUp();
    try {
      const { o } = await operator(d, owner);
      const on = await visitor(d, site);
      assert.equal(on.welcome.site.typing_preview, true);
      on.v.send({ t: 'typing', text: 'visible draft' });
      assert.equal((await o.type('typing', (f) => f.visitor === on.welcome.visitor.id)).text, 'visible draft');

      await chat(owner, site, { typing_preview: false });
      const off = await visitor(d, site);
      assert.equal(off.welcome.site.typing_preview, false);
      // A modified widget sends the text anyway: the server drops it.
      off.v.send({ t: 'typing', text: 'secret draft' });
      const f = await o.type('typing', (x) => x.visitor === off.welcome.visitor.id);
      assert.equal(f.active, true);
      assert.equal(f.text, undefined);
      off.v.send({ t: 'msg', cid: 'm', text: 'sent text' });
      await o.type('msg', (x) => x.text === 'sent text');
      assert.ok(!JSON.stringify(o.frames).includes('secret draft'));
    } finally {
      await d.stop();
    }
  });

  test('no answer within first_response_seconds: every online operator gets the offer; one takes it', async () => {
    const { d, owner, second, site } = await setUp();
    try {
      await chat(owner, site, { first_response_seconds: 1 });
      const { o: o1, id: id1 } = await operator(d, owner);
      const { o: o2, id: id2 } = await operator(d, second);
      // Answered at once: never offered.
      const answered = await openDialog(d, site, o1);
      const answerer = answered.dialog.assignee === id1 ? o1 : o2;
      answerer.send({ t: 'msg', dialog: answered.dialog.id, cid: 'r1', text: 'Здравствуйте!' });
      await answerer.type('ack');
      const waiting = await openDialog(d, site, o1);
      const [offer1, offer2] = await Promise.all([
        o1.type('offer', (f) => f.dialog === waiting.dialog.id),
        o2.type('offer', (f) => f.dialog === waiting.dialog.id)]);
      assert.equal(offer1.site, site.id);
      assert.equal(offer2.assignee, waiting.dialog.assignee);
      assert.ok(!o1.frames.some((f) => f.t === 'offer' && f.dialog === answered.dialog.id), 'the answered dialog is not offered');
      const taker = waiting.dialog.assignee === id1 ? o2 : o1;
      const takerId = waiting.dialog.assignee === id1 ? id2 : id1;
      const loser = taker === o1 ? o2 : o1;
      taker.send({ t: 'take', dialog: waiting.dialog.id });
      const taken = await loser.type('offer_taken', (f) => f.dialog === waiting.dialog.id);
      assert.equal(taken.by, takerId);
      await loser.type('dialog', (f) => f.dialog.id === waiting.dialog.id && f.dialog.assignee === takerId);
      loser.send({ t: 'take', dialog: waiting.dialog.id });
      assert.equal((await loser.type('err')).code, 'conflict');

      // After a restart an unanswered dialog is still offered (timers come back from the scan).
      const third = await openDialog(d, site, o1);
      third.v.close();
      o1.close();
      o2.close();
      await d.stop();
      await d.start();
      const { o: again } = await operator(d, owner);
      await again.type('offer', (f) => f.dialog === third.dialog.id);
    } finally {
      await d.stop();
    }
  });
});
