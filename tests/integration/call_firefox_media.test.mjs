// Calls through callpyd with Firefox (issue 5 §1 sdp/: "parse and write what Chromium and
// Firefox send"): Debian's Firefox ESR as the visitor, Chromium as the operator. Firefox's
// offer differs from Chromium's (its own m-line order of codecs, ssrc-group and msid forms,
// extmap ids, a=setup:actpass with its own DTLS stack and SRTP profile list), so this is the
// check that a Firefox visitor is heard and seen and hears and sees the operator.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';

import { SITE_ORIGIN, addSite, answeredCall, startWithOwner } from '../support/chat.mjs';
import { repoRoot, waitFor } from '../support/daemon.mjs';
import { FirefoxBrowser } from '../support/firefox_bidi.mjs';
import { BrowserPeer, launchCallBrowser } from '../support/webrtc_peer.mjs';

const kRtcYaml = 'rtc:\n  interfaces: [127.0.0.1]\n  port_range: 43500-43999\n';

describe('calls with a Firefox peer', () => {
  let d; let owner; let site; let chromium; let firefox;
  const peers = [];
  before(async () => {
    ({ d, owner } = await startWithOwner({ extraYaml: kRtcYaml }));
    site = await addSite(owner, 'Shop', SITE_ORIGIN);
    chromium = await launchCallBrowser();
    firefox = await FirefoxBrowser.launch();
  });
  after(async () => {
    for (const p of peers) await p.close().catch(() => {});
    await chromium?.close();
    await firefox?.close();
    await d?.stop();
  });
  afterEach((t) => {
    if (t.passed !== false || !d) return;
    const file = path.join(repoRoot, 'build/test-output/call_firefox-daemon.log');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${d.stderr}\n--- firefox ---\n${firefox?.log() ?? ''}`);
    console.error(`daemon log: ${file}`);
  });

  const activeCall = (video) => answeredCall(d, owner, site, { video });

  const connected = (id) => (f) => f.t === 'call_media_state' && f.call === id && f.state === 'connected';

  test('a Firefox visitor and a Chromium operator see and hear each other through the daemon', async () => {
    const { o, v, id } = await activeCall(true);
    const visitor = await BrowserPeer.open(firefox, d.base, v);
    peers.push(visitor);
    const operator = await BrowserPeer.open(chromium, d.base, o);
    peers.push(operator);
    await operator.join(id);
    const answer = await visitor.join(id);
    assert.match(answer, /a=setup:passive/);
    const mine = await v.next(connected(id), { what: 'the Firefox leg connected', timeoutMs: 20000 });
    assert.match(mine.reason, /^SRTP_(AEAD_AES_(256|128)_GCM|AES128_CM_SHA1_80)$/);
    await o.next(connected(id), { what: 'the Chromium leg connected', timeoutMs: 20000 });

    const op = await waitFor(async () => {
      const s = await operator.stats();
      return s.inbound.video?.frames > 20 && s.inbound.audio?.energy > 0 ? s : null;
    }, { timeoutMs: 20000, what: 'Chromium to decode Firefox\'s video and hear its tone' });
    assert.equal(op.dtlsState, 'connected');
    const ff = await waitFor(async () => {
      const s = await visitor.stats();
      return s.inbound.video?.frames > 20 && s.inbound.audio?.energy > 0 ? s : null;
    }, { timeoutMs: 20000, what: 'Firefox to decode Chromium\'s video and hear its tone' });
    assert.equal(ff.connectionState, 'connected');
    assert.equal(ff.dtlsState, 'connected');
    // Firefox offers the GCM profiles too, so the daemon's first choice is taken, and both ends
    // name the same one.
    assert.equal(ff.srtpCipher, 'SRTP_AEAD_AES_256_GCM');
    assert.equal(mine.reason, ff.srtpCipher);
    assert.ok(ff.inbound.audio.energy > 0, 'Firefox hears the operator\'s tone');
    await waitFor(async () => (await visitor.stats()).inbound.video.frames > ff.inbound.video.frames + 20,
      { timeoutMs: 10000, what: 'Firefox\'s decoded frames to keep rising' });

    v.send({ t: 'call_hangup', call: id });
    assert.equal((await o.type('call', (f) => f.call.state === 'ended')).call.reason, 'hangup');
    await waitFor(async () => /^callpy_call_legs 0$/m.test((await d.admin('GET', '/metrics')).body),
      { what: 'the legs to close' });
    o.close(); v.close();
  });
});
