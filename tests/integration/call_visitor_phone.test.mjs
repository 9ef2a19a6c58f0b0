// F18: the visitor answers on a phone, or moves a running call there, by a one-time link the
// widget shows as a QR code. The phone takes the visitor's side (make before break at the
// daemon): the operator's browser keeps decoding on the same SSRCs without a freeze over 1 s.
// The link is made only for the visitor whose dialog has the call, and works once.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';

import { SITE_ORIGIN, addSite, operatorSocket, startWithOwner, visitorSocket, wsUrl } from '../support/chat.mjs';
import { repoRoot, waitFor } from '../support/daemon.mjs';
import { BrowserPeer, launchCallBrowser } from '../support/webrtc_peer.mjs';
import { WsClient } from '../support/ws.mjs';

const kRtcYaml = 'rtc:\n  interfaces: [127.0.0.1]\n  port_range: 43000-43999\n';

describe("the visitor's phone", () => {
  let d; let browser;
  before(async () => { browser = await launchCallBrowser(); });
  after(async () => { await browser?.close(); await d?.stop(); });
  afterEach((t) => {
    if (t.passed !== false || !d) return;
    const file = path.join(repoRoot, 'build/test-output/call_visitor_phone-daemon.log');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, d.stderr);
    console.error(`daemon log: ${file}`);
  });

  test('takes the visitor side of a running call; the operator keeps its SSRCs; the link works once and only for that visitor', async () => {
    const started = await startWithOwner({ extraYaml: kRtcYaml });
    d = started.d;
    const site = await addSite(started.owner, 'Shop', SITE_ORIGIN);
    const { o } = await operatorSocket(d, started.owner);
    const { v } = await visitorSocket(d, site, { page: { url: `${SITE_ORIGIN}/`, title: 'Home' } });
    const { v: stranger } = await visitorSocket(d, site, { tab: 't9' });
    v.send({ t: 'msg', cid: 'c1', text: 'Позвоните мне' });
    const { dialog } = await v.type('ack');

    o.send({ t: 'call_start', dialog, video: true });
    const ringing = (await v.type('call')).call;
    v.send({ t: 'call_accept', call: ringing.id });
    await o.type('call', (f) => f.call.state === 'active');

    const operatorPeer = await BrowserPeer.open(browser, d.base, o);
    const visitorPeer = await BrowserPeer.open(browser, d.base, v);
    await operatorPeer.join(ringing.id);
    await visitorPeer.join(ringing.id);
    const connected = (f) => f.call === ringing.id && f.state === 'connected';
    await o.next(connected, { what: 'operator leg connected', timeoutMs: 20000 });
    await v.next(connected, { what: 'visitor leg connected', timeoutMs: 20000 });
    await waitFor(async () => {
      const x = await operatorPeer.stats();
      return x.inbound.video?.frames > 20 && x.inbound.audio?.energy > 0 ? x : null;
    }, { timeoutMs: 20000, what: 'the operator to decode the visitor' });

    // Another visitor of the same site cannot make a link for this call (nor learn it exists).
    stranger.send({ t: 'call_device_link', call: ringing.id, cid: 'x' });
    const refused = await stranger.type('err');
    assert.equal(refused.code, 'not_found');
    // Nor can an unknown call id get one.
    v.send({ t: 'call_device_link', call: 'f'.repeat(32) });
    assert.equal((await v.type('err')).code, 'not_found');

    v.send({ t: 'call_device_link', call: ringing.id });
    const link = await v.type('call_device_link');
    assert.equal(link.call, ringing.id);
    assert.match(link.url, new RegExp(`^${d.base}/app/call/[0-9a-f]{64}$`));
    assert.ok(link.expires > Date.now() + 60_000 && link.expires <= Date.now() + 121_000, 'valid for 2 minutes');
    const token = link.url.split('/').pop();

    const before = await operatorPeer.stats();
    const phone = await WsClient.open(wsUrl(d, `/ws/call?token=${token}`));
    const hello = await phone.type('welcome');
    assert.deepEqual(hello.visitor, { id: ringing.visitor }, 'the phone carries the visitor side');
    assert.equal(hello.user, undefined);
    assert.equal(hello.lang, 'ru');
    assert.equal(hello.call.id, ringing.id);
    assert.equal(hello.call.state, 'active');
    // The link works once.
    await assert.rejects(WsClient.open(wsUrl(d, `/ws/call?token=${token}`)));

    const phonePeer = await BrowserPeer.open(browser, d.base, phone);
    await phonePeer.join(ringing.id);
    await v.type('call_moved', (f) => f.call === ringing.id);
    await phone.next(connected, { what: 'phone leg connected', timeoutMs: 20000 });
    await waitFor(async () => {
      const x = await phonePeer.stats();
      return x.inbound.video?.frames > 10 && x.inbound.audio?.packets > 0 ? x : null;
    }, { what: 'the phone to decode the operator' });
    await visitorPeer.close();  // the widget's tab stops its media on call_moved

    const later = await waitFor(async () => {
      const x = await operatorPeer.stats();
      return x.inbound.video.frames > before.inbound.video.frames + 60 ? x : null;
    }, { timeoutMs: 15000, what: 'the operator to keep decoding after the switch' });
    assert.equal(later.inbound.video.ssrc, before.inbound.video.ssrc, 'same video SSRC');
    assert.equal(later.inbound.audio.ssrc, before.inbound.audio.ssrc, 'same audio SSRC');
    const freeze = later.inbound.video.freezeMs - before.inbound.video.freezeMs;
    assert.ok(freeze <= 1000, `no freeze longer than 1 s (${freeze} ms)`);
    assert.ok(later.inbound.audio.energy > before.inbound.audio.energy, 'the phone is heard');
    console.log(`visitor phone switch: operator freeze increase ${freeze} ms, ssrc video ${later.inbound.video.ssrc} audio ${later.inbound.audio.ssrc}`);

    // The phone may only speak for this call, as the visitor: no other frames.
    phone.send({ t: 'call_start', video: false });
    assert.equal((await phone.type('err')).code, 'invalid');
    phone.send({ t: 'call_screen_request', call: ringing.id });
    assert.equal((await phone.type('err')).code, 'invalid');

    // F25 from the phone: the operator asks, the visitor's phone refuses, the operator is told.
    o.send({ t: 'call_screen_request', call: ringing.id });
    await phone.type('call_screen_request', (f) => f.call === ringing.id);
    phone.send({ t: 'call_screen_decline', call: ringing.id });
    await o.type('call_screen_declined', (f) => f.call === ringing.id);
    // call_media tells who shares a screen.
    phone.send({ t: 'call_media', call: ringing.id, audio: true, video: true, screen: true });
    const media = await o.type('call_media', (f) => f.call === ringing.id);
    assert.deepEqual([media.who, media.screen], [{ kind: 'visitor', id: ringing.visitor }, true]);
    // Operators cannot decline on the visitor's behalf.
    o.send({ t: 'call_screen_decline', call: ringing.id });
    assert.equal((await o.type('err')).code, 'invalid');

    phone.send({ t: 'call_hangup', call: ringing.id });
    assert.equal((await o.type('call', (f) => f.call.state === 'ended')).call.reason, 'hangup');
    await operatorPeer.close();
    await phonePeer.close();
    phone.close();
    o.close();
    v.close();
    stranger.close();
  });

  test('answers a ringing call on the phone; the call outlives the widget tabs and ends with the phone', async () => {
    await d?.stop();
    const started = await startWithOwner({ extraYaml: kRtcYaml });
    d = started.d;
    const site = await addSite(started.owner, 'Shop', SITE_ORIGIN);
    const { o } = await operatorSocket(d, started.owner);
    const { v } = await visitorSocket(d, site);
    v.send({ t: 'msg', cid: 'c1', text: 'Привет' });
    const { dialog } = await v.type('ack');
    o.send({ t: 'call_start', dialog, video: false });
    const ringing = (await v.type('call')).call;
    v.send({ t: 'call_device_link', call: ringing.id });
    const token = (await v.type('call_device_link')).url.split('/').pop();
    const phone = await WsClient.open(wsUrl(d, `/ws/call?token=${token}`));
    const hello = await phone.type('welcome');
    assert.equal(hello.call.state, 'ringing');
    assert.equal(hello.call.from, 'operator');
    phone.send({ t: 'call_accept', call: ringing.id });
    const active = (await o.type('call', (f) => f.call.state === 'active')).call;
    assert.ok(active.participants.some((p) => p.kind === 'visitor' && p.id === ringing.visitor));
    await v.type('call', (f) => f.call.state === 'active');
    // The widget's tab did not accept: its own accept now conflicts.
    v.send({ t: 'call_accept', call: ringing.id });
    assert.equal((await v.type('err')).code, 'conflict');
    // The widget's last tab closes: the call on the phone goes on (it still relays call_media).
    v.close();
    await o.type('visitor_left');
    phone.send({ t: 'call_media', call: ringing.id, audio: false, video: false });
    assert.equal((await o.type('call_media', (f) => f.call === ringing.id)).audio, false);
    // Closing the phone's socket ends the call it carries (like closing the tab would).
    phone.close();
    assert.equal((await o.type('call', (f) => f.call.state === 'ended')).call.reason, 'left');
    o.close();
  });
});
