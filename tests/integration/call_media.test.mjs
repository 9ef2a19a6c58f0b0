// A call through callpyd's own media path (issue 5 §3): two headless Chromium peers with fake
// camera and microphone — the visitor and the operator — signal over the real chat sockets and
// send their media to the daemon, which relays it. getStats() on both sides must show DTLS
// connected, the negotiated SRTP cipher, video frames decoded and audio energy received.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';

import { SITE_ORIGIN, addSite, operatorSocket, startWithOwner, visitorSocket, wsUrl } from '../support/chat.mjs';
import { repoRoot, waitFor } from '../support/daemon.mjs';
import { BrowserPeer, launchCallBrowser } from '../support/webrtc_peer.mjs';
import { WsClient } from '../support/ws.mjs';

// The composed recording at a size other than the default (rtc.recording).
const kRtcYaml = 'rtc:\n  interfaces: [127.0.0.1]\n  port_range: 42000-42999\n' +
  '  recording:\n    video_size: 640x360\n';

describe('a call relayed by callpyd', () => {
  let d; let browser;
  before(async () => { browser = await launchCallBrowser(); });
  after(async () => { await browser?.close(); await d?.stop(); });
  // On failure, the daemon's log says what the media path saw.
  afterEach((t) => {
    if (t.passed !== false || !d) return;
    const file = path.join(repoRoot, 'build/test-output/call_media-daemon.log');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, d.stderr);
    console.error(`daemon log: ${file}`);
  });

  test('video call between two browsers through the daemon, moved to a phone without a glitch', async () => {
    const started = await startWithOwner({ extraYaml: kRtcYaml });
    d = started.d;
    const site = await addSite(started.owner, 'Shop', SITE_ORIGIN);
    const { o } = await operatorSocket(d, started.owner);
    const { v } = await visitorSocket(d, site, { page: { url: `${SITE_ORIGIN}/`, title: 'Home' } });
    v.send({ t: 'msg', cid: 'c1', text: 'Можно позвонить?' });
    const { dialog } = await v.type('ack');

    o.send({ t: 'call_start', dialog, video: true });
    const ringing = (await v.type('call')).call;
    assert.equal(ringing.state, 'ringing');
    assert.equal(ringing.from, 'operator');
    assert.equal(ringing.video, true);
    assert.match(ringing.id, /^[0-9a-f]{32}$/);
    assert.equal((await o.type('call')).call.state, 'ringing');

    v.send({ t: 'call_accept', call: ringing.id });
    const active = (await o.type('call', (f) => f.call.state === 'active')).call;
    assert.equal(active.participants.length, 2);
    assert.equal((await v.type('call', (f) => f.call.state === 'active')).call.id, ringing.id);

    const operatorPeer = await BrowserPeer.open(browser, d.base, o);
    const visitorPeer = await BrowserPeer.open(browser, d.base, v);
    const answer = await operatorPeer.join(ringing.id);
    assert.match(answer, /a=setup:passive/);
    assert.match(answer, /a=fingerprint:sha-256 /);
    await visitorPeer.join(ringing.id);
    const connected = (f) => f.call === ringing.id && f.state === 'connected';
    await o.next(connected, { what: 'operator leg connected', timeoutMs: 20000 });
    await v.next(connected, { what: 'visitor leg connected', timeoutMs: 20000 });

    for (const [who, peer] of [['operator', operatorPeer], ['visitor', visitorPeer]]) {
      const s = await waitFor(async () => {
        const x = await peer.stats();
        return x.inbound.video?.frames > 20 && x.inbound.audio?.energy > 0 ? x : null;
      }, { timeoutMs: 20000, what: `${who} to decode video and hear audio` });
      assert.equal(s.dtlsState, 'connected', who);
      // Chromium names the cipher with the DTLS-SRTP profile's name.
      assert.match(s.srtpCipher, /^(SRTP_)?AEAD_AES_256_GCM$/, who);
      const later = await waitFor(async () => {
        const x = await peer.stats();
        return x.inbound.video.frames > s.inbound.video.frames + 10 ? x : null;
      }, { timeoutMs: 10000, what: `${who}'s frames to keep rising` });
      assert.ok(later.inbound.audio.energy > s.inbound.audio.energy, `${who} audio energy rises`);
    }

    // Recording (record/): switched on and off, the stretch becomes a WebM file posted in the
    // dialog by the operator who recorded (in History too), downloadable from the panel.
    o.send({ t: 'call_record', call: ringing.id, on: true });
    assert.equal((await v.type('call', (f) => f.call.recording === true)).call.id, ringing.id);
    await new Promise((r) => setTimeout(r, 3000));  // three seconds of relayed media to record
    o.send({ t: 'call_record', call: ringing.id, on: false });
    const recordingMsg = await v.next((f) => f.t === 'msg' && f.kind === 'file', { timeoutMs: 30000, what: 'the recording in the dialog' });
    assert.equal(recordingMsg.file.mime, 'video/webm');
    assert.match(recordingMsg.file.name, /^Запись звонка .*\.webm$/);
    assert.equal(recordingMsg.author.kind, 'operator');
    const download = await started.owner.request('GET', `/api/panel/files/${recordingMsg.file.id}`);
    assert.equal(download.status, 200);
    assert.equal(download.headers.get('content-type'), 'video/webm');
    assert.ok(recordingMsg.file.size > 10000, `a recording of ${recordingMsg.file.size} bytes`);
    // Each track's codec came from the SDP negotiation (recorded in the raw files), not from
    // sniffing the payloads, and no packet was of a payload type its track did not negotiate.
    const stored = await waitFor(() => d.stderr.match(/call\.recording_stored .*/)?.[0],
      { timeoutMs: 10000, what: 'the call.recording_stored log line' });
    assert.match(stored, / codecs=negotiated /);
    assert.match(stored, / skipped=0 /);
    // Both cameras composed into one picture of rtc.recording.video_size.
    assert.match(stored, / video=composite /);
    assert.match(stored, / size=640x360 /);

    // The media path's counters (issue 6 §6) see the relayed packets.
    const metrics = (await d.admin('GET', '/metrics')).body;
    assert.match(metrics, /^callpy_calls_active 1$/m);
    assert.match(metrics, /^callpy_call_legs 2$/m);
    const relayed = Number(metrics.match(/^callpy_rtp_packets_relayed_total (\d+)/m)[1]);
    assert.ok(relayed > 100, `relayed ${relayed}`);
    // Loopback never refuses a datagram: every relayed packet and report left.
    assert.match(metrics, /^callpy_rtp_send_failures_total 0$/m);
    // The admin status (`callpyctl status`) carries the same figures.
    const status = (await d.admin('GET', '/api/admin/v1/status')).body;
    assert.ok(status.rtp_packets_relayed >= relayed, `status relayed ${status.rtp_packets_relayed} < ${relayed}`);
    assert.equal(status.rtp_send_failures, 0);
    assert.equal(typeof status.rtp_packets_dropped, 'number');

    // F23: the operator moves the call to a phone by a one-time link (shown as a QR code) and
    // back; the visitor keeps receiving on the same SSRCs without renegotiating or freezing.
    o.send({ t: 'call_device_link', call: ringing.id });
    const link = await o.type('call_device_link');
    assert.match(link.url, new RegExp(`^${d.base}/app/call/[0-9a-f]{64}$`));
    const token = link.url.split('/').pop();
    const before = await visitorPeer.stats();
    const phone = await WsClient.open(wsUrl(d, `/ws/call?token=${token}`));
    const hello = await phone.type('welcome');
    assert.equal(hello.call.id, ringing.id);
    assert.equal(hello.call.state, 'active');
    const phonePeer = await BrowserPeer.open(browser, d.base, phone);
    await phonePeer.join(ringing.id);
    await o.type('call_moved', (f) => f.call === ringing.id);
    await phone.next(connected, { what: 'phone leg connected', timeoutMs: 20000 });
    const phoneStats = await waitFor(async () => {
      const x = await phonePeer.stats();
      return x.inbound.video?.frames > 10 ? x : null;
    }, { what: 'the phone to decode the visitor' });
    assert.ok(phoneStats.inbound.audio.packets > 0);
    await operatorPeer.close();
    const after = await waitFor(async () => {
      const x = await visitorPeer.stats();
      return x.inbound.video.frames > before.inbound.video.frames + 60 ? x : null;
    }, { timeoutMs: 15000, what: 'the visitor to keep decoding after the switch' });
    assert.equal(after.inbound.video.ssrc, before.inbound.video.ssrc, 'same video SSRC');
    assert.equal(after.inbound.audio.ssrc, before.inbound.audio.ssrc, 'same audio SSRC');
    assert.ok(after.inbound.video.freezeMs - before.inbound.video.freezeMs <= 1000,
      `no freeze longer than 1 s (${after.inbound.video.freezeMs - before.inbound.video.freezeMs} ms)`);
    assert.ok(after.inbound.audio.energy > before.inbound.audio.energy, 'the phone is heard');
    // A link works once.
    await assert.rejects(WsClient.open(wsUrl(d, `/ws/call?token=${token}`)));

    phone.send({ t: 'call_hangup', call: ringing.id });
    const ended = (await o.type('call', (f) => f.call.state === 'ended')).call;
    assert.equal(ended.reason, 'hangup');
    assert.ok(ended.answered && ended.ended >= ended.answered);
    const note = await o.type('msg', (f) => f.author.kind === 'system');
    assert.match(note.text, /^Видеозвонок завершён, \d+:\d\d · owner$/);
    // The daemon stops relaying: the visitor's browser sees its transport go away.
    await visitorPeer.close();
    await phonePeer.close();
    phone.close();
    o.close();
    v.close();
  });
});
