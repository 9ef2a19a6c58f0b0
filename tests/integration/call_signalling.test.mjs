// Call signalling over the chat sockets (protocol.md "Calls"): ringing, answers, declines,
// hang-ups, who may touch a call, bad SDP, a visitor who leaves, and the dialog's record of it.
// No media flows here (call_media.test.mjs does that with browsers).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { SITE_ORIGIN, addOperator, addSite, operatorSocket, startWithOwner, visitorSocket } from '../support/chat.mjs';
import { tempDir, waitFor } from '../support/daemon.mjs';

describe('call signalling', () => {
  let d; let owner; let site; let other;
  before(async () => {
    const secret = path.join(tempDir(), 'turn-secret');
    fs.writeFileSync(secret, 'north\n');
    ({ d, owner } = await startWithOwner({ extraYaml: 'rtc:\n  interfaces: [127.0.0.1]\n  turn:\n' +
      `    urls: ["turn:turn.example.com:3478"]\n    secret_file: ${secret}\n    ttl_seconds: 600\n` }));
    site = await addSite(owner, 'Shop', SITE_ORIGIN);
    other = await addSite(owner, 'Other', 'https://other.example');
  });
  after(() => d?.stop());

  // A visitor with an open dialog and the owner's socket.
  async function chat(cid = 'c1') {
    const { o } = await operatorSocket(d, owner);
    const { v, welcome } = await visitorSocket(d, site, { page: { url: `${SITE_ORIGIN}/`, title: 'Home' } });
    v.send({ t: 'msg', cid, text: 'Здравствуйте' });
    const { dialog } = await v.type('ack');
    return { o, v, dialog, visitorId: welcome.visitor.id };
  }

  test('a declined operator call ends for both sides and is noted in the dialog', async () => {
    const { o, v, dialog } = await chat();
    o.send({ t: 'call_start', dialog, video: false });
    const call = (await v.type('call')).call;
    assert.equal(call.state, 'ringing');
    assert.deepEqual(call.participants.map((p) => p.kind), ['operator']);
    // rtc.turn: short-lived credentials from the shared secret (coturn's use-auth-secret).
    const [turn] = call.ice_servers;
    assert.deepEqual(turn.urls, ['turn:turn.example.com:3478']);
    const [expiry, label] = turn.username.split(':');
    assert.equal(label, `call-${call.id}`);
    assert.ok(Math.abs(Number(expiry) - (Date.now() / 1000 + 600)) < 30);
    assert.equal(turn.credential, crypto.createHmac('sha1', 'north').update(turn.username).digest('base64'));
    // The same dialog cannot ring twice.
    o.send({ t: 'call_start', dialog, video: false });
    assert.equal((await o.type('err')).code, 'conflict');
    v.send({ t: 'call_decline', call: call.id });
    const ended = (await o.type('call', (f) => f.call.state === 'ended')).call;
    assert.equal(ended.reason, 'declined');
    assert.equal(ended.answered, null);
    const note = await v.type('msg', (f) => f.author.kind === 'system');
    assert.equal(note.text, 'Звонок отклонён');
    // History lists the call; an operator of another site gets 404.
    const listed = await owner.request('GET', `/api/panel/dialogs/${dialog}/calls`);
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.calls.map((c) => [c.id, c.reason, c.answered]), [[call.id, 'declined', null]]);
    const { client: outsider } = await addOperator(d, other.id, 'outsider@example.com');
    assert.equal((await outsider.request('GET', `/api/panel/dialogs/${dialog}/calls`)).status, 404);
    v.close(); o.close();
  });

  test('a visitor call rings the operators; the first to accept takes it', async () => {
    const { client: second, id: secondId } = await addOperator(d, site.id, 'second@example.com');
    const { o } = await operatorSocket(d, owner);
    const { o: o2 } = await operatorSocket(d, second);
    const { v } = await visitorSocket(d, site, { page: { url: `${SITE_ORIGIN}/`, title: 'Home' } });
    v.send({ t: 'call_start', video: true });
    const ring = (await o2.type('call', (f) => f.call.from === 'visitor')).call;
    assert.equal(ring.state, 'ringing');
    assert.ok(ring.dialog > 0, 'the call opened a dialog');
    await o.type('call', (f) => f.call.id === ring.id);
    o2.send({ t: 'call_accept', call: ring.id });
    const active = (await v.type('call', (f) => f.call.state === 'active')).call;
    assert.deepEqual(active.participants.map((p) => p.kind), ['visitor', 'operator']);
    assert.equal(active.participants[1].id, secondId);
    o.send({ t: 'call_accept', call: ring.id });
    assert.equal((await o.type('err')).code, 'conflict');
    // Only participants may hang up or send media.
    o.send({ t: 'call_hangup', call: ring.id });
    assert.equal((await o.type('err')).code, 'not_found');
    o2.send({ t: 'call_offer', call: ring.id, sdp: 'v=0\r\nthis is not sdp\r\n' });
    const bad = await o2.type('err');
    assert.equal(bad.code, 'invalid');
    assert.equal(bad.field, 'sdp');
    assert.match(bad.message, /line/);
    o2.send({ t: 'call_hangup', call: ring.id });
    assert.equal((await v.type('call', (f) => f.call.state === 'ended')).call.reason, 'hangup');
    v.close(); o.close(); o2.close();
  });

  test('the visitor leaving ends the call; operators of other sites never see it', async () => {
    const { client: stranger } = await addOperator(d, other.id, 'stranger@example.com');
    const { o: so } = await operatorSocket(d, stranger);
    const { o, v, dialog } = await chat('c3');
    o.send({ t: 'call_start', dialog, video: true });
    const call = (await v.type('call')).call;
    so.send({ t: 'call_accept', call: call.id });
    assert.equal((await so.type('err')).code, 'not_found');
    v.close();
    const ended = (await o.type('call', (f) => f.call.state === 'ended')).call;
    assert.equal(ended.reason, 'left');
    assert.equal((await o.type('msg', (f) => f.author.kind === 'system')).text, 'Пропущенный звонок');
    assert.equal(so.frames.filter((f) => f.t === 'call').length, 0);
    o.close(); so.close();
  });

  test('a call without any operator online is busy at once', async () => {
    // The earlier tests' operator sockets close asynchronously: wait until nobody is online.
    const v = await waitFor(async () => {
      const s = await visitorSocket(d, site, { page: { url: `${SITE_ORIGIN}/`, title: 'Home' } });
      if (s.welcome.site.operators_online === 0) return s.v;
      s.v.close();
      return null;
    }, { what: 'no operator online' });
    v.send({ t: 'call_start', video: false });
    const call = (await v.type('call')).call;
    assert.equal(call.state, 'ended');
    assert.equal(call.reason, 'busy');
    assert.match((await v.type('msg', (f) => f.author.kind === 'system')).text, /Пропущенный звонок/);
    v.close();
  });
});
