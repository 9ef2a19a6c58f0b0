// Dialog controls through the real daemon (F17): block (visitor told, cannot open a dialog,
// listed as blocked), rename live, invite (group dialog: the second operator receives and posts),
// transfer to a department (routed), the transcript at a real SMTP server, and the operator's
// preferences round trip with CSRF.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { SITE_ORIGIN, addOperator, operatorSocket, startShop, visitorSocket } from '../support/chat.mjs';
import { startSmtpSink } from '../support/daemon.mjs';

function visitor(d, site, token = null) {
  return visitorSocket(d, site, { token, page: { url: `${SITE_ORIGIN}/`, title: 'Home' } });
}

// An operator of `site` named after their e-mail's local part.
function addNamedOperator(d, site, email) {
  return addOperator(d, site.id, email, { password: 'operator-pass', name: email.split('@')[0] });
}

describe('dialog controls', () => {
  let ctx;
  before(async () => {
    const smtp = await startSmtpSink();
    ctx = { smtp, ...(await startShop({ smtpPort: smtp.port })) };
  });
  after(async () => {
    await ctx.d.stop();
    ctx.smtp.stop();
  });

  test('block: the dialog closes, the widget is told and cannot open a chat; unblock over REST', async () => {
    const { d, owner, site } = ctx;
    const { o } = await operatorSocket(d, owner);
    const { v, welcome } = await visitor(d, site);
    assert.equal(welcome.visitor.blocked, false);
    const id = welcome.visitor.id;
    v.send({ t: 'msg', cid: 'c1', text: 'hello' });
    const ack = await v.type('ack', (f) => f.cid === 'c1');

    o.send({ t: 'rename', cid: 'r1', visitor: id, name: 'Спамер <b>' });
    await o.type('done', (f) => f.cid === 'r1');
    assert.equal((await o.type('visitor_name', (f) => f.visitor === id)).name, 'Спамер <b>');

    o.send({ t: 'block', cid: 'b1', visitor: id, blocked: true });
    await o.type('done', (f) => f.cid === 'b1');
    assert.equal((await v.type('closed')).dialog, ack.dialog);
    assert.equal((await v.type('blocked')).blocked, true);
    const listed = await o.type('visitor_blocked', (f) => f.visitor.id === id);
    assert.equal(listed.blocked, true);
    assert.equal(listed.visitor.name, 'Спамер <b>');
    const closed = await o.type('dialog', (f) => f.dialog.id === ack.dialog && f.dialog.status === 'closed');
    assert.ok(closed);

    v.send({ t: 'msg', cid: 'c2', text: 'let me in' });
    assert.equal((await v.type('err', (f) => f.cid === 'c2')).code, 'forbidden');
    const again = await visitor(d, site, welcome.visitor.token);
    assert.equal(again.welcome.visitor.blocked, true, 'the welcome says so after a reload');

    const list = await owner.request('GET', `/api/panel/blocked-visitors?site=${site.id}`);
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.visitors.map((x) => x.id), [id]);
    // Writes need the CSRF token.
    assert.equal((await owner.request('PATCH', `/api/panel/visitors/${id}`, { blocked: false }, { csrf: false })).status, 403);
    const un = await owner.request('PATCH', `/api/panel/visitors/${id}`, { blocked: false });
    assert.equal(un.status, 200);
    assert.equal(un.body.visitor.blocked_at, null);
    assert.equal((await again.v.type('blocked')).blocked, false);
    again.v.send({ t: 'msg', cid: 'c3', text: 'thanks' });
    assert.ok(await again.v.type('ack', (f) => f.cid === 'c3'));
    for (const s of [o, v, again.v]) s.close();
  });

  test('a visitor of another site cannot be blocked or renamed by a stranger', async () => {
    const { d, site } = ctx;
    const { client: stranger } = await addOperator(d, ctx.other.id, 'stranger@example.com', { password: 'operator-pass' });
    const { v, welcome } = await visitor(d, site);
    const r = await stranger.request('PATCH', `/api/panel/visitors/${welcome.visitor.id}`, { blocked: true });
    assert.equal(r.status, 404);
    const { o } = await operatorSocket(d, stranger);
    o.send({ t: 'rename', cid: 'x', visitor: welcome.visitor.id, name: 'x' });
    assert.equal((await o.type('err', (f) => f.cid === 'x')).code, 'not_found');
    o.close();
    v.close();
  });

  test('invite: the second operator gets the group dialog, its messages, and can post', async () => {
    const { d, owner, site } = ctx;
    const second = await addNamedOperator(d, site, 'second@example.com');
    const { o: o1, welcome: w1 } = await operatorSocket(d, owner);
    const { o: o2 } = await operatorSocket(d, second.client);
    const { v } = await visitor(d, site);
    v.send({ t: 'msg', cid: 'g1', text: 'need two of you' });
    const ack = await v.type('ack', (f) => f.cid === 'g1');
    // Routing may have picked either of them; the owner leads, the second one is invited.
    o1.send({ t: 'transfer', dialog: ack.dialog, user: w1.user.id });
    await o1.type('dialog', (f) => f.dialog.id === ack.dialog && f.dialog.assignee === w1.user.id);
    await v.type('msg', (f) => f.author.kind === 'system');
    o1.send({ t: 'invite', cid: 'i1', dialog: ack.dialog, user: second.id });
    await o1.type('done', (f) => f.cid === 'i1');
    const frame = await o2.type('dialog', (f) => f.dialog.id === ack.dialog && (f.dialog.participants ?? []).some((p) => p.user === second.id && p.role === 'invited'));
    assert.ok(frame);
    const note = await v.type('msg', (f) => f.author.kind === 'system');
    assert.match(note.text, /second присоединился/);
    v.send({ t: 'msg', cid: 'g2', text: 'anyone?' });
    assert.equal((await o2.type('msg', (f) => f.cid === 'g2')).text, 'anyone?');
    o2.send({ t: 'msg', dialog: ack.dialog, cid: 's1', text: 'I am here too' });
    assert.ok(await o2.type('ack', (f) => f.cid === 's1'));
    assert.equal((await v.type('msg', (f) => f.cid === 's1')).text, 'I am here too');
    // The REST list carries the participants too, so the panel's Group dialogs survive a reload.
    const rows = (await second.client.request('GET', '/api/panel/dialogs?folder=open')).body.dialogs;
    const row = rows.find((r) => r.id === ack.dialog);
    assert.ok(row, JSON.stringify(rows));
    assert.deepEqual(
      [...row.participants].sort((a, b) => a.user - b.user),
      [{ user: w1.user.id, role: 'assignee' }, { user: second.id, role: 'invited' }].sort((a, b) => a.user - b.user),
    );
    assert.equal(row.department, null);
    for (const s of [o1, o2, v]) s.close();
  });

  test('transfer to a department routes to its online operator with a note', async () => {
    const { d, owner, site } = ctx;
    const agent = await addNamedOperator(d, site, 'sales@example.com');
    const dep = (await owner.request('POST', `/api/panel/sites/${site.id}/departments`, { name: 'Продажи' })).body.department;
    const put = await owner.request('PATCH', `/api/panel/sites/${site.id}/departments/${dep.slug}`, { operators: [agent.id] });
    assert.equal(put.status, 200);
    const { o: o1 } = await operatorSocket(d, owner);
    const { o: o2 } = await operatorSocket(d, agent.client);
    const { v } = await visitor(d, site);
    v.send({ t: 'msg', cid: 't1', text: 'I want to buy' });
    const ack = await v.type('ack', (f) => f.cid === 't1');
    o1.send({ t: 'transfer', dialog: ack.dialog, department: dep.id });
    const routed = await o2.type('dialog', (f) => f.dialog.id === ack.dialog && f.dialog.department === dep.id);
    assert.equal(routed.dialog.assignee, agent.id);
    assert.match((await v.type('msg', (f) => f.author.kind === 'system')).text, /Диалог передан в отдел Продажи/);
    o1.send({ t: 'transfer', dialog: ack.dialog, department: 999999 });
    assert.equal((await o1.type('err')).code, 'invalid');
    for (const s of [o1, o2, v]) s.close();
  });

  test('the transcript arrives at the SMTP server with times, authors and messages', async () => {
    const { d, owner, site, smtp } = ctx;
    const { o } = await operatorSocket(d, owner);
    const { v } = await visitor(d, site);
    v.send({ t: 'contact', name: 'Алиса', email: 'alice@example.com' });
    v.send({ t: 'msg', cid: 'm1', text: 'Где мой заказ?' });
    const ack = await v.type('ack', (f) => f.cid === 'm1');
    o.send({ t: 'msg', dialog: ack.dialog, cid: 'a1', text: 'Уже в пути' });
    await o.type('ack', (f) => f.cid === 'a1');
    o.send({ t: 'transcript', cid: 'tr1', dialog: ack.dialog });
    assert.equal((await o.type('done', (f) => f.cid === 'tr1')).email, 'alice@example.com');
    const mail = await smtp.waitForMessage((m) => m.to?.includes('alice@example.com'), 'the transcript');
    assert.match(mail.subject, /Shop/);
    assert.match(mail.text, /\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] Алиса: Где мой заказ\?/);
    assert.match(mail.text, /: Уже в пути/);
    const rest = await owner.request('POST', `/api/panel/dialogs/${ack.dialog}/transcript`, { email: 'not-an-address' });
    assert.equal(rest.status, 400);
    assert.equal(rest.body.error.field, 'email');
    o.close();
    v.close();
  });

  test('preferences: defaults, PATCH with CSRF, validation, read back', async () => {
    const { owner } = ctx;
    const first = await owner.request('GET', '/api/panel/me/preferences');
    assert.equal(first.status, 200);
    assert.deepEqual(first.body.preferences, { notify: { dialog: true, message: true, transfer: true, visitor: true }, sound: true, quick_buttons: [] });
    const body = { notify: { message: false }, sound: false, quick_buttons: ['transcript', 'block'] };
    assert.equal((await owner.request('PATCH', '/api/panel/me/preferences', body, { csrf: false })).status, 403);
    assert.equal((await owner.request('PATCH', '/api/panel/me/preferences', { quick_buttons: ['<img>'] })).status, 400);
    assert.equal((await owner.request('PATCH', '/api/panel/me/preferences', { sound: 'yes' })).status, 400);
    assert.equal((await owner.request('PATCH', '/api/panel/me/preferences', body)).status, 200);
    const back = (await owner.request('GET', '/api/panel/me/preferences')).body.preferences;
    assert.deepEqual(back, { notify: { dialog: true, message: false, transfer: true, visitor: true }, sound: false, quick_buttons: ['transcript', 'block'] });
  });
});
