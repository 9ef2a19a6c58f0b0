// A call with the visitor and two operators (F18, invite another operator): three headless
// Chromium peers signal over the real chat sockets; the daemon asks each browser to renegotiate
// (call_renegotiate) for one receive slot per other participant, on the same ICE/DTLS transport.
// getStats on every side must show audio energy and rising decoded frames from both others;
// a recording of the three-way stretch has every voice on its own channel; then one operator
// leaves and the other two keep their media.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';

import { SITE_ORIGIN, addOperator, addSite, operatorSocket, startWithOwner, visitorSocket } from '../support/chat.mjs';
import { repoRoot, waitFor } from '../support/daemon.mjs';
import { enableSlots, reoffer, slotStats } from '../support/multiparty_peer.mjs';
import { BrowserPeer, launchCallBrowser } from '../support/webrtc_peer.mjs';

const kRtcYaml = 'rtc:\n  interfaces: [127.0.0.1]\n  port_range: 43000-43999\n';
const iceUfrag = (sdp) => /a=ice-ufrag:(\S+)/.exec(sdp)[1];
// A frame of type `t` passing `pred` within 5 s: far sooner than any 45 s ring timeout.
const soon = (sock, t, pred) => sock.next((f) => f.t === t && pred(f), { timeoutMs: 5000, what: t });
const fingerprint = (sdp) => /a=fingerprint:sha-256 (\S+)/.exec(sdp)[1];

// Every slot in `slots` decodes audio (energy rising) and video (frames rising) on `peer`.
async function hearsAndSees(peer, slots, who) {
  const first = await waitFor(async () => {
    const s = await slotStats(peer);
    return slots.every((k) => s.audio[k]?.energy > 0 && s.camera[k]?.frames > 10) ? s : null;
  }, { timeoutMs: 25000, what: `${who} to decode audio and video of slots ${slots}` });
  assert.equal(first.dtlsState, 'connected', who);
  return waitFor(async () => {
    const s = await slotStats(peer);
    return slots.every((k) => s.camera[k].frames > first.camera[k].frames + 10 &&
      s.audio[k].energy > first.audio[k].energy) ? s : null;
  }, { timeoutMs: 15000, what: `${who}'s frames and audio energy to keep rising in slots ${slots}` });
}

describe('a call with two operators', () => {
  let d; let browser;
  before(async () => { browser = await launchCallBrowser(); });
  after(async () => { await browser?.close(); await d?.stop(); });
  afterEach((t) => {
    if (t.passed !== false || !d) return;
    const file = path.join(repoRoot, 'build/test-output/call_multiparty-daemon.log');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, d.stderr);
    console.error(`daemon log: ${file}`);
  });

  // A fresh daemon with a site, its owner A and one operator per name, each with a socket; a
  // visitor writes and A calls them. `answered` (default) waits until the visitor took the call.
  async function callWithOperators(names, { video, answered = true }) {
    const started = await startWithOwner({ extraYaml: kRtcYaml });
    await d?.stop();
    d = started.d;
    const site = await addSite(started.owner, 'Shop', SITE_ORIGIN);
    const ops = [];
    for (const name of names) ops.push(await addOperator(d, site.id, `op${ops.length}@example.com`, { name }));
    const { o: a } = await operatorSocket(d, started.owner);
    const socks = [];
    for (const op of ops) socks.push((await operatorSocket(d, op.client)).o);
    const { v } = await visitorSocket(d, site, { page: { url: `${SITE_ORIGIN}/`, title: 'Home' } });
    v.send({ t: 'msg', cid: 'c1', text: 'Алло' });
    const { dialog } = await v.type('ack');
    a.send({ t: 'call_start', dialog, video });
    const callId = (await v.type('call')).call.id;
    if (answered) {
      v.send({ t: 'call_accept', call: callId });
      await a.type('call', (f) => f.call.state === 'active');
    }
    return { owner: started.owner, site, ops, a, socks, v, dialog, callId };
  }

  test('invite, three-way media, one operator leaves, the note names both', async () => {
    const started = await startWithOwner({ extraYaml: kRtcYaml });
    d = started.d;
    const site = await addSite(started.owner, 'Shop', SITE_ORIGIN);
    const other = await addSite(started.owner, 'Other', 'https://other.example');
    const second = await addOperator(d, site.id, 'second@example.com', { name: 'Борис' });
    const outsider = await addOperator(d, other.id, 'outsider@example.com', { name: 'Чужой' });
    const { o: a } = await operatorSocket(d, started.owner);
    const { o: b } = await operatorSocket(d, second.client);
    const { o: x } = await operatorSocket(d, outsider.client);
    const { v } = await visitorSocket(d, site, { page: { url: `${SITE_ORIGIN}/`, title: 'Home' } });
    v.send({ t: 'msg', cid: 'c1', text: 'Нужна консультация' });
    const { dialog } = await v.type('ack');

    a.send({ t: 'call_start', dialog, video: true });
    const callId = (await v.type('call')).call.id;
    v.send({ t: 'call_accept', call: callId });
    await a.type('call', (f) => f.call.state === 'active');

    const pa = await BrowserPeer.open(browser, d.base, a);
    const pv = await BrowserPeer.open(browser, d.base, v);
    const pb = await BrowserPeer.open(browser, d.base, b);
    for (const p of [pa, pv, pb]) await enableSlots(p);
    const firstAnswer = { a: await pa.join(callId) };
    firstAnswer.v = await pv.join(callId);
    const connected = (f) => f.call === callId && f.state === 'connected';
    await a.next(connected, { what: 'operator A connected', timeoutMs: 20000 });
    await v.next(connected, { what: 'visitor connected', timeoutMs: 20000 });
    await hearsAndSees(pv, [0], 'visitor (1:1)');
    const before1to1 = await slotStats(pv);

    // Only online operators of the call's site who are not in a call are offered.
    a.send({ t: 'call_invitable', call: callId });
    const invitable = await a.type('call_invitable');
    assert.deepEqual(invitable.operators.map((op) => op.name), ['Борис']);
    // Another site's operator cannot be invited, nor can anyone by the visitor or an outsider.
    a.send({ t: 'call_invite', call: callId, operator: outsider.id });
    assert.equal((await a.type('err')).code, 'not_found');
    x.send({ t: 'call_invite', call: callId, operator: second.id });
    assert.equal((await x.type('err')).code, 'not_found');

    a.send({ t: 'call_invite', call: callId, operator: second.id });
    const ring = await b.type('call_invite');
    assert.equal(ring.call.id, callId);
    assert.ok(ring.from.name, 'the invitee sees who invites');
    assert.equal((await a.type('call_invite_state')).state, 'ringing');
    b.send({ t: 'call_accept', call: callId });
    const three = await v.type('call', (f) => f.call.participants.length === 3);
    assert.deepEqual(three.call.participants.map((p) => p.kind).sort(), ['operator', 'operator', 'visitor']);
    await b.type('call', (f) => f.call.participants.length === 3);

    await pb.join(callId);
    await b.next(connected, { what: 'operator B connected', timeoutMs: 20000 });
    // Each side is asked for two slots and renegotiates on the same transport.
    for (const [who, sock, peer] of [['A', a, pa], ['visitor', v, pv], ['B', b, pb]]) {
      const frame = await sock.next((f) => f.t === 'call_renegotiate' && f.slots.length === 2 &&
        f.slots.every(Boolean), { what: `${who}'s call_renegotiate`, timeoutMs: 20000 });
      const names = frame.slots.map((s) => s.name ?? s.kind);
      assert.ok(who === 'B' ? names.includes('visitor') : names.includes('Борис'), `${who}: ${names}`);
      const answer = await reoffer(peer, callId, 2);
      if (firstAnswer[who.toLowerCase()]) {
        assert.equal(iceUfrag(answer), iceUfrag(firstAnswer[who.toLowerCase()]), `${who}: no ICE restart`);
        assert.equal(fingerprint(answer), fingerprint(firstAnswer[who.toLowerCase()]), `${who}: same DTLS`);
      }
    }
    for (const [who, peer] of [['A', pa], ['visitor', pv], ['B', pb]]) await hearsAndSees(peer, [0, 1], who);
    // The visitor's first slot kept its SSRCs through the renegotiation.
    const after3 = await slotStats(pv);
    assert.equal(after3.audio[0].ssrc, before1to1.audio[0].ssrc);
    assert.equal(after3.camera[0].ssrc, before1to1.camera[0].ssrc);
    assert.equal(after3.pair, before1to1.pair, 'the visitor kept its ICE pair');

    // A records the three-way stretch: the file holds every voice on its own channel (the
    // visitor, then A and B in the order they joined; a quad layout, its 4th channel silent).
    a.send({ t: 'call_record', call: callId, on: true });
    await v.type('call', (f) => f.call.recording === true);
    await new Promise((r) => setTimeout(r, 3000));  // three seconds of three-way media to record
    a.send({ t: 'call_record', call: callId, on: false });
    const rec = await v.next((f) => f.t === 'msg' && f.kind === 'file', { timeoutMs: 30000, what: 'the recording in the dialog' });
    const file = await fetch(`${d.base}/api/panel/files/${rec.file.id}`, { headers: { Cookie: started.owner.cookie } });
    assert.equal(file.status, 200);
    const peaks = await pv.page.evaluate(async (b64) => {
      const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
      const audio = await new OfflineAudioContext(2, 48000, 48000).decodeAudioData(bytes.buffer);
      const out = [];
      for (let c = 0; c < audio.numberOfChannels; c++) out.push(audio.getChannelData(c).reduce((m, x) => Math.max(m, Math.abs(x)), 0));
      return out;
    }, Buffer.from(await file.arrayBuffer()).toString('base64'));
    assert.equal(peaks.length, 4, `channels ${peaks}`);
    for (const [k, who] of [[0, 'visitor'], [1, 'A'], [2, 'B']]) assert.ok(peaks[k] > 0.05, `${who}'s channel is heard: ${peaks}`);
    assert.ok(peaks[3] < 0.001, `the spare channel is silent: ${peaks}`);

    // B leaves: the call goes on for A and the visitor, whose media keeps flowing.
    b.send({ t: 'call_leave', call: callId });
    await b.type('call_left');
    const two = await v.type('call', (f) => f.call.participants.length === 2 && f.call.state === 'active');
    assert.ok(two.call.participants.every((p) => p.id !== second.id || p.kind === 'visitor'));
    await pb.close();
    const slotA = (await v.next((f) => f.t === 'call_renegotiate' && f.slots.filter(Boolean).length === 1,
      { what: 'the visitor told B left' })).slots.findIndex(Boolean);
    const slotV = (await a.next((f) => f.t === 'call_renegotiate' && f.slots.filter(Boolean).length === 1,
      { what: 'A told B left' })).slots.findIndex(Boolean);
    await hearsAndSees(pv, [slotA], 'visitor after B left');
    await hearsAndSees(pa, [slotV], 'A after B left');

    // The visitor hangs up: over for everyone; the dialog's note names both operators.
    v.send({ t: 'call_hangup', call: callId });
    await a.type('call', (f) => f.call.state === 'ended');
    const note = await a.next((f) => f.t === 'msg' && /звонок завершён/i.test(f.text ?? ''),
      { what: 'the call note' });
    assert.match(note.text, /Борис/);
    assert.match(note.text, /, /, 'two names');
    // History lists every operator who took part, also the one who left.
    const history = await started.owner.request('GET', `/api/panel/dialogs/${dialog}/calls`);
    assert.equal(history.status, 200);
    const names = history.body.calls.at(-1).participants.filter((p) => p.kind === 'operator').map((p) => p.name);
    assert.equal(names.length, 2);
    assert.ok(names.includes('Борис'));
    await pa.close();
    await pv.close();
  });

  test('invite signalling: decline, offline, already in the call, already invited, the limit, leave', async () => {
    const { site, ops, a, socks, v, callId } = await callWithOperators(['Борис', 'Вера', 'Глеб', 'Дина'], { video: false, answered: false });
    const offline = await addOperator(d, site.id, 'offline@example.com', { name: 'Ёж' });
    // Not before the call is answered.
    a.send({ t: 'call_invite', call: callId, operator: ops[0].id });
    assert.equal((await a.type('err')).code, 'conflict');
    v.send({ t: 'call_accept', call: callId });
    await a.type('call', (f) => f.call.state === 'active');

    a.send({ t: 'call_invite', call: callId, operator: offline.id, cid: `invite-${offline.id}` });
    const off = await a.type('err');
    assert.equal(off.code, 'not_found', 'an offline operator cannot be invited');
    assert.equal(off.cid, `invite-${offline.id}`, 'the refusal names the invitation it answers');
    // A decline tells the operators in the call; the call goes on unchanged.
    a.send({ t: 'call_invite', call: callId, operator: ops[0].id });
    await socks[0].type('call_invite');
    a.send({ t: 'call_invite', call: callId, operator: ops[0].id });
    assert.match((await a.type('err')).message, /already invited/);
    socks[0].send({ t: 'call_decline', call: callId });
    assert.equal((await a.type('call_invite_state', (f) => f.state === 'declined')).operator, ops[0].id);

    // Three operators at most (pending invitations count).
    for (const i of [0, 1]) {
      a.send({ t: 'call_invite', call: callId, operator: ops[i].id });
      await socks[i].type('call_invite', (f) => f.call.id === callId);
    }
    a.send({ t: 'call_invite', call: callId, operator: ops[2].id });
    assert.match((await a.type('err')).message, /the call is full/);
    socks[0].send({ t: 'call_accept', call: callId });
    await v.type('call', (f) => f.call.participants.length === 3);
    a.send({ t: 'call_invite', call: callId, operator: ops[0].id });
    assert.match((await a.type('err')).message, /already in a call/);
    // An operator rung for nothing cannot sneak in with call_accept.
    socks[3].send({ t: 'call_accept', call: callId });
    assert.ok(['conflict', 'not_found'].includes((await socks[3].type('err')).code));
    // The visitor cannot invite or leave.
    v.send({ t: 'call_leave', call: callId });
    assert.equal((await v.type('err')).code, 'invalid');

    // A leaves, Борис stays: the call goes on; Борис leaving then ends it.
    a.send({ t: 'call_leave', call: callId });
    await a.type('call_left');
    const on = await v.type('call', (f) => f.call.participants.length === 2);
    assert.equal(on.call.state, 'active');
    socks[0].send({ t: 'call_leave', call: callId });
    const ended = await v.type('call', (f) => f.call.state === 'ended');
    assert.equal(ended.call.reason, 'hangup');
  });
  test('a place freed by an operator who left is taken by the next one (invite, leave, x2, invite)', async () => {
    // Visitor + A, then B joins and leaves, C joins and leaves: 4 distinct participants have
    // been in the media room, never more than 3 at once. D must still get in and get media.
    const { ops, a, socks, v, callId } = await callWithOperators(['Борис', 'Вера', 'Дина'], { video: true });
    const pa = await BrowserPeer.open(browser, d.base, a);
    const pv = await BrowserPeer.open(browser, d.base, v);
    for (const p of [pa, pv]) await enableSlots(p);
    await pa.join(callId);
    await pv.join(callId);
    const connected = (f) => f.call === callId && f.state === 'connected';
    await a.next(connected, { what: 'operator A connected', timeoutMs: 20000 });
    await v.next(connected, { what: 'visitor connected', timeoutMs: 20000 });

    const invite = async (i) => {
      a.send({ t: 'call_invite', call: callId, operator: ops[i].id });
      await socks[i].type('call_invite', (f) => f.call.id === callId);
      socks[i].send({ t: 'call_accept', call: callId });
      await soon(a, 'call_invite_state', (f) => f.operator === ops[i].id && f.state === 'accepted');
      const peer = await BrowserPeer.open(browser, d.base, socks[i]);
      await enableSlots(peer);
      await peer.join(callId);  // answered: the media room took the operator in
      return peer;
    };
    // The visitor and A renegotiate once for a second slot; later newcomers reuse it.
    const pb = await invite(0);
    for (const [who, sock, peer] of [['A', a, pa], ['visitor', v, pv]]) {
      await sock.next((f) => f.t === 'call_renegotiate' && f.slots.length === 2, { what: `${who}'s call_renegotiate`, timeoutMs: 20000 });
      await reoffer(peer, callId, 2);
    }
    for (const [i, peer] of [[0, pb], [1, null]]) {
      const p = peer ?? await invite(i);
      socks[i].send({ t: 'call_leave', call: callId });
      await socks[i].type('call_left');
      await p.close();
    }
    const pd = await invite(2);
    await socks[2].next(connected, { what: 'operator D connected', timeoutMs: 20000 });
    const slotsD = await socks[2].next((f) => f.t === 'call_renegotiate' && f.slots.length === 2 && f.slots.every(Boolean),
      { what: "D's call_renegotiate", timeoutMs: 20000 });
    assert.deepEqual(slotsD.slots.map((s) => s.kind).sort(), ['operator', 'visitor']);
    await reoffer(pd, callId, 2);
    await hearsAndSees(pd, [0, 1], 'D');
    const slotOfD = (await v.next((f) => f.t === 'call_renegotiate' && f.slots.some((s) => s?.name === 'Дина'),
      { what: 'the visitor told D came', timeoutMs: 20000 })).slots.findIndex((s) => s?.name === 'Дина');
    await hearsAndSees(pv, [slotOfD], 'visitor hearing D');
    v.send({ t: 'call_hangup', call: callId });
    await a.type('call', (f) => f.call.state === 'ended');
    for (const p of [pa, pv, pd]) await p.close();
  });

  test('an invitee going offline ends the invitation at once; a closed operator tab leaves the call', async () => {
    const { owner, ops, a, socks, v, dialog, callId } = await callWithOperators(['Борис', 'Вера', 'Глеб'], { video: false });

    // The invitee's only tab closes while it rings: the inviter hears "offline" well before the
    // 45 s ring would have run out, and the place is free for another invitation.
    a.send({ t: 'call_invite', call: callId, operator: ops[1].id });
    await socks[1].type('call_invite');
    await a.type('call_invite_state', (f) => f.state === 'ringing' && f.operator === ops[1].id);
    const closedAt = Date.now();
    socks[1].close();
    const gone = await soon(a, 'call_invite_state', (f) => f.operator === ops[1].id && f.state !== 'ringing');
    assert.equal(gone.state, 'offline');
    assert.ok(Date.now() - closedAt < 5000);
    // An invitee switching to "away" is offline for calls too; their own popup closes.
    a.send({ t: 'call_invite', call: callId, operator: ops[2].id });
    await socks[2].type('call_invite');
    socks[2].send({ t: 'status', state: 'away' });
    assert.equal((await soon(a, 'call_invite_state', (f) => f.operator === ops[2].id && f.state !== 'ringing')).state, 'offline');
    assert.equal((await soon(socks[2], 'call_invite_state', (f) => f.state !== 'ringing')).state, 'offline');
    // Its call_accept no longer joins.
    socks[2].send({ t: 'call_accept', call: callId });
    assert.ok(['conflict', 'not_found'].includes((await socks[2].type('err')).code));

    // Борис joins; then his tab closes: he has left, the call goes on for A and the visitor.
    a.send({ t: 'call_invite', call: callId, operator: ops[0].id });
    await socks[0].type('call_invite');
    socks[0].send({ t: 'call_accept', call: callId });
    await v.type('call', (f) => f.call.participants.length === 3);
    socks[0].close();
    const on = await soon(v, 'call', (f) => f.call.participants.length === 2);
    assert.equal(on.call.state, 'active');
    assert.ok(on.call.participants.every((p) => p.kind === 'visitor' || p.id !== ops[0].id));
    const onA = await a.type('call', (f) => f.call.participants.length === 2);
    assert.equal(onA.call.state, 'active');
    // The call still ends normally; History keeps the operator who left by closing his tab.
    a.send({ t: 'call_hangup', call: callId });
    const ended = await v.type('call', (f) => f.call.state === 'ended');
    assert.equal(ended.call.reason, 'hangup');
    const history = await owner.request('GET', `/api/panel/dialogs/${dialog}/calls`);
    const names = history.body.calls.at(-1).participants.filter((p) => p.kind === 'operator').map((p) => p.name);
    assert.ok(names.includes('Борис'), `history names ${names}`);
  });
});
