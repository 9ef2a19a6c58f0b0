// Live chat through the real daemon: visitor and operator WebSockets, acks after commit,
// idempotent cids, resume by seq, typing previews, authorisation, bad frames, and kill -9.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';

import {
  SITE_ORIGIN, addOperator, addSite, bootstrapOwner, operatorSocket, startShop, visitorSocket, wsUrl,
} from '../support/chat.mjs';
import { startDaemon, startSmtpSink } from '../support/daemon.mjs';
import { WsClient } from '../support/ws.mjs';

// The HTTP status an upgrade request gets (101 when accepted).
function upgradeStatus(port, path, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, headers: { Connection: 'Upgrade',
      Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', ...headers } });
    req.on('upgrade', (res, socket) => { socket.destroy(); resolve(101); });
    req.on('response', (res) => { res.resume(); resolve(res.statusCode); });
    req.on('error', reject);
  });
}

function visitor(d, site, token = null) {
  return visitorSocket(d, site, { token, page: { url: `${SITE_ORIGIN}/pricing`, title: 'Pricing' } });
}

describe('live chat', () => {
  let ctx;
  before(async () => { ctx = await startShop(); });
  after(async () => { await ctx.d.stop(); });

  test('a visitor and an operator exchange messages, acknowledged after commit', async () => {
    const { d, owner, site } = ctx;
    const { o, welcome: ow } = await operatorSocket(d, owner);
    assert.deepEqual(ow.sites.map((s) => s.id).sort(), [ctx.other.id, site.id].sort());
    const { v, welcome } = await visitor(d, site);
    assert.ok(welcome.visitor.token.length >= 40, 'a new visitor gets a token');
    assert.equal(welcome.dialog, null);
    assert.equal(welcome.site.operators_online, 1);
    const seen = await o.type('visitor', (f) => f.visitor.id === welcome.visitor.id);
    assert.equal(seen.visitor.page.title, 'Pricing');

    v.send({ t: 'msg', cid: 'c1', text: 'Здравствуйте! <b>xss</b>' });
    const ack = await v.type('ack', (f) => f.cid === 'c1');
    assert.equal(ack.seq, 1);
    const dialog = await o.type('dialog');
    assert.equal(dialog.dialog.visitor, welcome.visitor.id);
    const got = await o.type('msg', (f) => f.cid === 'c1');
    assert.equal(got.text, 'Здравствуйте! <b>xss</b>');
    assert.equal(got.author.kind, 'visitor');

    // The same cid again: the same message, no duplicate for anyone.
    v.send({ t: 'msg', cid: 'c1', text: 'Здравствуйте! <b>xss</b>' });
    const again = await v.type('ack', (f) => f.cid === 'c1');
    assert.equal(again.id, ack.id);
    assert.equal(again.seq, 1);

    o.send({ t: 'msg', dialog: ack.dialog, cid: 'o1', text: 'Добрый день, чем помочь?' });
    const oack = await o.type('ack', (f) => f.cid === 'o1');
    assert.equal(oack.seq, 2);
    const reply = await v.type('msg', (f) => f.cid === 'o1');
    assert.equal(reply.author.kind, 'operator');
    assert.equal(reply.seq, 2);
    await assert.rejects(o.next((f) => f.t === 'msg' && f.cid === 'c1', { timeoutMs: 300 }), /timed out/);

    v.send({ t: 'typing', text: 'I would like to ord' });
    const peek = await o.type('typing', (f) => f.visitor === welcome.visitor.id);
    assert.equal(peek.text, 'I would like to ord');
    o.send({ t: 'typing', dialog: ack.dialog, active: true });
    assert.equal((await v.type('typing')).active, true);

    // A second tab of the same visitor resumes the dialog from seq 0.
    const { v: tab2, welcome: w2 } = await visitor(d, site, welcome.visitor.token);
    assert.equal(w2.visitor.id, welcome.visitor.id);
    assert.equal(w2.visitor.token, undefined, 'a known visitor gets no new token');
    assert.deepEqual(w2.dialog, { id: ack.dialog, seq: 2 });
    tab2.send({ t: 'resume', dialog: ack.dialog, after: 0 });
    const first = await tab2.type('msg', (f) => f.seq === 1);
    const second = await tab2.type('msg', (f) => f.seq === 2);
    assert.equal(first.text, got.text);
    assert.equal(second.text, reply.text);
    // A resumed operator message names its author as the live one did (not a bare «Оператор»).
    assert.ok(reply.author.name, 'the live frame names the operator');
    assert.equal(second.author.name, reply.author.name);
    assert.equal((await tab2.type('resumed')).seq, 2);
    tab2.send({ t: 'resume', dialog: ack.dialog, after: 1 });
    assert.equal((await tab2.type('msg')).seq, 2);
    await tab2.type('resumed');

    // The operator closes the dialog; the visitor is told and its next message opens a new one.
    o.send({ t: 'close', dialog: ack.dialog });
    assert.equal((await v.type('closed')).dialog, ack.dialog);
    v.send({ t: 'msg', cid: 'c2', text: 'One more question' });
    const next = await v.type('ack', (f) => f.cid === 'c2');
    assert.notEqual(next.dialog, ack.dialog);
    assert.equal(next.seq, 1);
    for (const c of [v, tab2, o]) c.close();
  });

  test('the dialog is in History and found by search', async () => {
    const r = await ctx.owner.request('GET', '/api/panel/dialogs?folder=history&q=%D0%B7%D0%B4%D1%80%D0%B0%D0%B2%D1%81%D1%82%D0%B2%D1%83%D0%B9%D1%82%D0%B5');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.dialogs.length, 1);
    const msgs = await ctx.owner.request('GET', `/api/panel/dialogs/${r.body.dialogs[0].id}/messages?after=0`);
    assert.deepEqual(msgs.body.messages.map((m) => m.seq), [1, 2]);
  });

  test('authorisation: a visitor only resumes its own dialogs; other origins are refused', async () => {
    const { d, site } = ctx;
    const a = await visitor(d, site);
    a.v.send({ t: 'msg', cid: 'a1', text: 'mine' });
    const ackA = await a.v.type('ack');
    const b = await visitor(d, site);
    b.v.send({ t: 'resume', dialog: ackA.dialog, after: 0 });
    const err = await b.v.type('err');
    assert.equal(err.code, 'not_found');
    assert.equal(await upgradeStatus(d.port, `/ws/visitor?key=${site.widget_key}`, { Origin: 'https://evil.example' }), 403);
    assert.equal(await upgradeStatus(d.port, `/ws/visitor?key=${site.widget_key}`, { Origin: SITE_ORIGIN }), 101);
    assert.equal(await upgradeStatus(d.port, '/ws/visitor?key=nope'), 404);
    assert.equal(await upgradeStatus(d.port, '/ws/operator'), 401);
    // Another site's panel page may not use the operator's cookie for a socket.
    assert.equal(await upgradeStatus(d.port, '/ws/operator', { Cookie: ctx.owner.cookie, Origin: 'https://evil.example' }), 403);
    a.v.close();
    b.v.close();
  });

  test('bad frames get errors and keep the socket; oversize frames close it with 1009', async () => {
    const { v } = await visitor(ctx.d, ctx.site);
    v.send('{not json');
    assert.equal((await v.type('err')).code, 'invalid');
    v.send({ t: 'nonsense' });
    assert.equal((await v.type('err')).code, 'invalid');
    v.send({ t: 'msg', cid: 'x'.repeat(100), text: 'hi' });
    assert.equal((await v.type('err')).code, 'invalid');
    v.send({ t: 'msg', cid: 'long', text: 'я'.repeat(4001) });
    assert.equal((await v.type('err', (f) => f.cid === 'long')).code, 'too_large');
    v.send({ t: 'msg', cid: 'ok', text: 'still here' });
    await v.type('ack', (f) => f.cid === 'ok');
    v.send('x'.repeat(70 * 1024));
    const closed = await v.closed();
    assert.equal(closed.code, 1009);
  });

  test('closing from the REST API tells the visitor; disabling an operator drops their socket', async () => {
    const { d, owner, site } = ctx;
    const { v } = await visitor(d, site);
    v.send({ t: 'msg', cid: 'r1', text: 'close me' });
    const ack = await v.type('ack');
    const closed = await owner.request('POST', `/api/panel/dialogs/${ack.dialog}/close`);
    assert.equal(closed.status, 200);
    assert.equal((await v.type('closed')).dialog, ack.dialog);

    const op = await addOperator(d, site.id, 'op@example.com', { password: 'operator-pass' });
    const { o } = await operatorSocket(d, op.client);
    const dis = await owner.request('POST', `/api/panel/sites/${site.id}/operators/${op.id}/disable`);
    assert.equal(dis.status, 200);
    assert.equal((await o.closed()).code, 1008);
    v.close();
  });

  test('the operator asks for a rating; the visitor rates; operators see it', async () => {
    const { d, owner, site } = ctx;
    const { o } = await operatorSocket(d, owner);
    const { v } = await visitor(d, site);
    v.send({ t: 'msg', cid: 'q1', text: 'thanks!' });
    const ack = await v.type('ack');
    o.send({ t: 'rate_request', dialog: ack.dialog });
    assert.equal((await v.type('rating_request')).dialog, ack.dialog);
    v.send({ t: 'rate', cid: 'r0', dialog: ack.dialog, stars: 9 });
    assert.equal((await v.type('err', (f) => f.cid === 'r0')).field, 'stars');
    v.send({ t: 'rate', cid: 'r1', dialog: ack.dialog, stars: 5, comment: 'Быстро и вежливо' });
    assert.equal((await v.type('rated', (f) => f.cid === 'r1')).stars, 5);
    const seen = await o.type('dialog', (f) => f.dialog.id === ack.dialog && f.dialog.rating === 5);
    assert.equal(seen.dialog.rating_comment, 'Быстро и вежливо');
    const list = await owner.request('GET', '/api/panel/dialogs?folder=open');
    assert.equal(list.body.dialogs.find((x) => x.id === ack.dialog).rating, 5);
    v.close();
    o.close();
  });

  test('the first frame must be hello', async () => {
    const v = await WsClient.open(wsUrl(ctx.d, `/ws/visitor?key=${ctx.site.widget_key}`));
    v.send({ t: 'msg', cid: 'c', text: 'hi' });
    assert.equal((await v.closed()).code, 1008);
  });
});

describe('durability', () => {
  test('kill -9 mid-stream: every acknowledged message is there exactly once, in order', async () => {
    const { d, site } = await startShop();
    const { v, welcome } = await visitor(d, site);
    const acked = new Map();
    let sent = 0;
    // Keep sending until the daemon dies under us.
    const pump = (async () => {
      for (let i = 0; i < 5000 && !v.closeEvent; i++) {
        v.send({ t: 'msg', cid: `k${i}`, text: `message ${i}` });
        sent++;
        if (i % 20 === 19) await new Promise((r) => setTimeout(r, 1));
      }
    })();
    const trigger = await v.next((f) => f.t === 'ack' && f.seq >= 200, { what: '200 acks' });
    d.proc.kill('SIGKILL');
    acked.set(trigger.cid, trigger);
    await pump;
    await v.closed();
    for (const f of v.frames) if (f.t === 'ack') acked.set(f.cid, f);
    assert.ok(acked.size >= 200);
    await d.start();
    const { v: again, welcome: w2 } = await visitor(d, site, welcome.visitor.token);
    const dialog = w2.dialog.id;
    again.send({ t: 'resume', dialog, after: 0 });
    const done = await again.next((f) => f.t === 'resumed', { timeoutMs: 20000, what: 'resumed' });
    const msgs = again.frames.filter((f) => f.t === 'msg' && f.dialog === dialog);
    assert.equal(done.seq, msgs.length);
    assert.deepEqual(msgs.map((m) => m.seq), msgs.map((_, i) => i + 1), 'in order, gap-free');
    const cids = msgs.map((m) => m.cid);
    assert.equal(new Set(cids).size, cids.length, 'no duplicates');
    for (const [cid, ack] of acked) {
      const m = msgs.find((x) => x.cid === cid);
      assert.ok(m, `acknowledged ${cid} survived`);
      assert.equal(m.seq, ack.seq);
    }
    assert.ok(sent >= acked.size);
    again.close();
    await d.stop();
  });
});

describe('routing', () => {
  test('new dialogs go to the online operator with the fewest open dialogs', async () => {
    const { d, owner, site } = await startShop();
    const { client: second } = await addOperator(d, site.id, 'second@example.com', { password: 'second-pass' });
    const { o: o1, welcome: w1 } = await operatorSocket(d, owner);
    const { o: o2, welcome: w2 } = await operatorSocket(d, second);
    const assignees = [];
    for (const name of ['a', 'b']) {
      const { v } = await visitor(d, site);
      v.send({ t: 'msg', cid: name, text: `hello from ${name}` });
      const ack = await v.type('ack');
      const frame = await o1.type('dialog', (f) => f.dialog.id === ack.dialog && f.dialog.assignee !== null);
      assignees.push(frame.dialog.assignee);
      v.close();
    }
    assert.deepEqual(assignees.sort(), [w1.user.id, w2.user.id].sort(), 'one dialog each');

    // Both see the team with both online; one hands a dialog to the other.
    const team = await o1.type('team', (f) => f.operators.filter((x) => x.online).length === 2);
    assert.deepEqual(team.operators.map((x) => x.id).sort(), [w1.user.id, w2.user.id].sort());
    const mine = (await owner.request('GET', '/api/panel/dialogs?folder=open')).body.dialogs
      .find((x) => x.assignee === w1.user.id);
    o1.send({ t: 'transfer', dialog: mine.id, user: w2.user.id });
    const moved = await o2.type('dialog', (f) => f.dialog.id === mine.id && f.dialog.assignee === w2.user.id);
    assert.equal(moved.dialog.assignee, w2.user.id);
    const note = await o2.type('msg', (f) => f.dialog === mine.id && f.author.kind === 'system');
    assert.match(note.text, /Диалог передан оператору second/);
    o1.send({ t: 'transfer', dialog: mine.id, user: 999999 });
    assert.equal((await o1.type('err')).code, 'invalid');
    // Nobody online: the dialog waits unassigned.
    o1.close();
    o2.close();
    await o1.closed();
    await o2.closed();
    const { v, welcome: late } = await visitor(d, site);
    // The daemon may still be handling the closes: its status frame says when nobody is left.
    if (late.site.operators_online !== 0) await v.type('status', (f) => f.operators_online === 0);
    v.send({ t: 'msg', cid: 'c', text: 'anyone?' });
    const ack = await v.type('ack');
    const list = await owner.request('GET', '/api/panel/dialogs?folder=open');
    assert.equal(list.body.dialogs.find((x) => x.id === ack.dialog).assignee, null);
    v.close();
    await d.stop();
  });
});

describe('offline form', () => {
  test('no operator online: the request becomes a dialog and is e-mailed to the site', async () => {
    const smtp = await startSmtpSink();
    const d = await startDaemon({ smtpPort: smtp.port });
    try {
      const { owner } = await bootstrapOwner(d);
      const site = await addSite(owner, 'Shop', SITE_ORIGIN);
      const patched = await owner.request('PATCH', `/api/panel/sites/${site.id}`, { offline_emails: ['Sales@Example.com', 'boss@example.com'] });
      assert.deepEqual(patched.body.site.offline_emails, ['sales@example.com', 'boss@example.com']);
      assert.equal((await owner.request('PATCH', `/api/panel/sites/${site.id}`, { offline_emails: ['nope'] })).status, 400);

      const { v, welcome } = await visitor(d, site);
      assert.equal(welcome.site.operators_online, 0);
      v.send({ t: 'offline', cid: 'of1', name: 'Анна', email: 'bad', text: 'Перезвоните' });
      const err = await v.type('err', (f) => f.cid === 'of1');
      assert.equal(err.field, 'email');
      v.send({ t: 'offline', cid: 'of1', name: 'Анна', email: 'anna@example.com', phone: '+7 900 000-00-00', text: 'Перезвоните, пожалуйста' });
      const ack = await v.type('offline_ack', (f) => f.cid === 'of1');
      v.send({ t: 'offline', cid: 'of1', name: 'Анна', email: 'anna@example.com', text: 'Перезвоните, пожалуйста' });
      assert.equal((await v.type('offline_ack', (f) => f.cid === 'of1')).dialog, ack.dialog, 'same cid, same dialog');

      for (const to of ['sales@example.com', 'boss@example.com']) {
        const mail = await smtp.waitForMessage((m) => m.to?.includes(to), `the mail to ${to}`);
        assert.match(mail.subject, /Shop/);
        assert.match(mail.text, /Перезвоните, пожалуйста/);
        assert.match(mail.text, /anna@example\.com/);
        assert.match(mail.text, new RegExp(`/app/dialogs/${ack.dialog}`));
      }
      assert.equal(smtp.messages().length, 2, 'the repeated submit sent nothing more');
      const list = await owner.request('GET', '/api/panel/dialogs?folder=open');
      assert.ok(list.body.dialogs.some((x) => x.id === ack.dialog && x.visitor_name === 'Анна'));
      v.close();
    } finally {
      await d.stop();
      smtp.stop();
    }
  });
});
