// Calls through callpyd with a second, independent WebRTC implementation (issue 5 §3): Debian's
// aiortc (Python: aioice, its own DTLS on pyOpenSSL, pylibsrtp, libvpx/libopus) as one or both
// peers, so the media path is not only tested against Chromium. aiortc offers a BUNDLE group but
// separate ICE credentials and ports per m-line, and only the AES128_CM_SHA1_80 SRTP profile.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';

import { AiortcPeer } from '../support/aiortc_peer.mjs';
import { SITE_ORIGIN, addSite, answeredCall, startWithOwner } from '../support/chat.mjs';
import { repoRoot, waitFor } from '../support/daemon.mjs';
import { BrowserPeer, launchCallBrowser } from '../support/webrtc_peer.mjs';

const kRtcYaml = 'rtc:\n  interfaces: [127.0.0.1]\n  port_range: 43000-43499\n';

describe('calls with an aiortc peer', () => {
  let d; let owner; let site; let browser;
  const peers = [];
  before(async () => {
    ({ d, owner } = await startWithOwner({ extraYaml: kRtcYaml }));
    site = await addSite(owner, 'Shop', SITE_ORIGIN);
    browser = await launchCallBrowser();
  });
  after(async () => {
    for (const p of peers) await p.close().catch(() => {});
    await browser?.close();
    await d?.stop();
  });
  afterEach((t) => {
    if (t.passed !== false || !d) return;
    const file = path.join(repoRoot, 'build/test-output/call_aiortc-daemon.log');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, d.stderr + peers.map((p) => `\n--- aiortc ${p.pid} ---\n${p.stderr ?? ''}`).join(''));
    console.error(`daemon log: ${file}`);
  });

  // An operator's call answered by a visitor; both sockets past the accept.
  const activeCall = (video) => answeredCall(d, owner, site, { video });

  const connected = (id) => (f) => f.t === 'call_media_state' && f.call === id && f.state === 'connected';

  test('aiortc (tone + synthetic video) and Chromium hear and see each other through the daemon', async () => {
    const { o, v, id } = await activeCall(true);
    const visitor = await AiortcPeer.start();
    peers.push(visitor);
    const operator = await BrowserPeer.open(browser, d.base, o);
    peers.push(operator);
    assert.match(visitor.offer, /a=group:BUNDLE 0 1/);
    await operator.join(id);
    const answer = await visitor.join(v, id);
    // One transport for both sections: the answer bundles them on the first one's credentials.
    assert.match(answer, /a=group:BUNDLE 0 1/);
    assert.equal(new Set(answer.match(/a=ice-ufrag:\S+/g)).size, 1, 'one ICE ufrag in the answer');
    const mine = await v.next(connected(id), { what: 'the aiortc leg connected', timeoutMs: 20000 });
    // aiortc offers only this SRTP profile; the daemon's state reports the one negotiated.
    assert.equal(mine.reason, 'SRTP_AES128_CM_SHA1_80');
    const theirs = await o.next(connected(id), { what: 'the Chromium leg connected', timeoutMs: 20000 });
    assert.equal(theirs.reason, 'SRTP_AEAD_AES_256_GCM');

    const chromium = await waitFor(async () => {
      const s = await operator.stats();
      return s.inbound.video?.frames > 20 && s.inbound.audio?.energy > 0 ? s : null;
    }, { timeoutMs: 20000, what: 'Chromium to decode aiortc\'s video and hear its tone' });
    assert.equal(chromium.dtlsState, 'connected');
    const py = await waitFor(async () => {
      const s = await visitor.stats();
      return s.inbound.video?.frames > 20 && s.inbound.audio?.frames > 50 && s.inbound.audio.energy > 0 ? s : null;
    }, { timeoutMs: 20000, what: 'aiortc to decode Chromium\'s video and audio' });
    assert.equal(py.dtls, 'connected');
    assert.equal(py.connection, 'connected');
    // Chromium's fake camera is 640x360 as asked by the page.
    assert.equal(py.inbound.video.width, 640);
    // Media keeps flowing both ways.
    await waitFor(async () => (await visitor.stats()).inbound.video.frames > py.inbound.video.frames + 20,
      { timeoutMs: 10000, what: 'aiortc\'s decoded frames to keep rising' });
    await waitFor(async () => (await operator.stats()).inbound.video.frames > chromium.inbound.video.frames + 20,
      { timeoutMs: 10000, what: 'Chromium\'s decoded frames to keep rising' });

    o.send({ t: 'call_hangup', call: id });
    assert.equal((await v.type('call', (f) => f.call.state === 'ended')).call.reason, 'hangup');
    assert.deepEqual(await visitor.close(), { code: 0, signal: null });
    await operator.close();
    o.close(); v.close();
  });

  test('two aiortc peers in an audio call hear each other\'s tone', async () => {
    const { o, v, id } = await activeCall(false);
    const visitor = await AiortcPeer.start({ video: false });
    const operator = await AiortcPeer.start({ video: false });
    peers.push(visitor, operator);
    assert.doesNotMatch(visitor.offer, /m=video/);
    await operator.join(o, id);
    await visitor.join(v, id);
    await o.next(connected(id), { what: 'the operator leg connected', timeoutMs: 20000 });
    await v.next(connected(id), { what: 'the visitor leg connected', timeoutMs: 20000 });
    for (const [who, peer] of [['operator', operator], ['visitor', visitor]]) {
      // A third of full scale is a mean square of about 0.054: 0.02 per second of tone heard
      // tells the tone from silence or comfort noise.
      const s = await waitFor(async () => {
        const x = await peer.stats();
        return x.inbound.audio?.frames > 100 && x.inbound.audio.energy > 0.04 ? x : null;
      }, { timeoutMs: 20000, what: `the ${who} to hear the tone` });
      assert.equal(s.inbound.video, undefined, `${who} got no video`);
      assert.ok(s.inbound.audio.packets > 50, `${who} counted RTP packets`);
      assert.ok(s.outbound.audio.packets > 50, `${who} sent audio`);
    }
    const metrics = (await d.admin('GET', '/metrics')).body;
    assert.match(metrics, /^callpy_call_legs 2$/m);
    // Loopback never refuses a datagram: every relayed packet and report left.
    assert.match(metrics, /^callpy_rtp_send_failures_total 0$/m);

    v.send({ t: 'call_hangup', call: id });
    assert.equal((await o.type('call', (f) => f.call.state === 'ended')).call.reason, 'hangup');
    // The daemon closed both legs.
    await waitFor(async () => /^callpy_call_legs 0$/m.test((await d.admin('GET', '/metrics')).body),
      { what: 'the legs to close' });
    await visitor.close();
    await operator.close();
    o.close(); v.close();
  });
});
