// A real call through the packaged callpyd running as callpyd.service with its full sandbox
// (tests/packaging/check-systemd runs this INSIDE the systemd-nspawn container, in all of its
// namespaces, so the WebSockets, the admin socket and the aiortc peers' UDP all meet the
// sandboxed daemon on the container's own loopback).
//
// Bootstraps an owner over /run/callpyd/admin.sock, makes a site and invites an operator, then a
// visitor and the operator each carry a python3-aiortc peer (tone and VP8 test pattern) in a
// video call: both legs reach `connected`, each peer hears the other's tone,
// callpy_rtp_packets_relayed_total rises, and recording on/off posts a WebM in the dialog that
// downloads as such and is a file in the state directory. Both sent video, so the converter
// decodes (libavcodec), composes and encodes (libvpx) it: that code runs under the unit's
// sandbox (MemoryDenyWriteExecute, the system-call filter) too. Prints one line per step; exits 1 with the reason on failure.
//
//   node --experimental-websocket systemd_call.mjs   (env: CALLPY_BASE, CALLPY_ADMIN_SOCKET,
//                                                     CALLPY_DATA_DIR)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { AiortcPeer } from '../support/aiortc_peer.mjs';
import { SITE_ORIGIN, addOperator, addSite, bootstrapOwner, operatorSocket, visitorSocket } from '../support/chat.mjs';
import { Daemon, waitFor } from '../support/daemon.mjs';

const base = new URL(process.env.CALLPY_BASE ?? 'http://127.0.0.1:8080');
const socket = process.env.CALLPY_ADMIN_SOCKET ?? '/run/callpyd/admin.sock';
const dataDir = process.env.CALLPY_DATA_DIR ?? '/var/lib/callpyd';
const started = Date.now();
const step = (text) => console.log(`  call: ${text} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

// Not started by us: systemd runs it. Only its admin socket and address are used.
const d = new Daemon('/etc/callpyd/callpyd.yaml', Number(base.port), socket, dataDir);
const peers = [];

async function metric(name) {
  const text = (await d.admin('GET', '/metrics')).body;
  const m = text.match(new RegExp(`^${name} (\\d+(?:\\.\\d+)?)$`, 'm'));
  assert.ok(m, `/metrics has no ${name}`);
  return Number(m[1]);
}

async function main() {
  const { owner } = await bootstrapOwner(d);
  const site = await addSite(owner, 'Shop', SITE_ORIGIN);
  const { client: operatorClient } = await addOperator(d, site.id, 'operator@example.com', { name: 'Анна' });
  step(`owner, site ${site.id} and an operator made through the admin socket and the panel API`);

  const { o } = await operatorSocket(d, operatorClient);
  const { v } = await visitorSocket(d, site, { page: { url: `${SITE_ORIGIN}/`, title: 'Home' } });
  v.send({ t: 'msg', cid: 'c1', text: 'Позвоните мне' });
  const { dialog } = await v.type('ack');
  // The operator answers the dialog first (an operator calls in a dialog that is theirs).
  o.send({ t: 'msg', dialog, cid: 'o1', text: 'Здравствуйте' });
  await o.type('ack');
  o.send({ t: 'call_start', dialog, video: true });
  const call = (await v.type('call')).call;
  v.send({ t: 'call_accept', call: call.id });
  await o.type('call', (f) => f.call.state === 'active');
  step(`call ${call.id} active`);

  const visitor = await AiortcPeer.start({ video: true });
  const operator = await AiortcPeer.start({ video: true });
  peers.push(visitor, operator);
  const answer = await operator.join(o, call.id);
  await visitor.join(v, call.id);
  // No rtc.interfaces: the daemon's host candidates are what libnice enumerated. getifaddrs asks
  // the kernel over AF_NETLINK; were that family refused, libnice would fall back to the
  // SIOCGIFCONF ioctl, which knows IPv4 only, so the container's ::1 shows that netlink worked.
  const candidates = [...answer.matchAll(/^a=candidate:\S+ 1 udp \d+ (\S+) (\d+) typ host/gmi)]
    .map((m) => ({ ip: m[1], port: Number(m[2]) }));
  const shown = candidates.map((c) => (c.ip.includes(':') ? `[${c.ip}]:${c.port}` : `${c.ip}:${c.port}`)).join(' ');
  assert.ok(candidates.some((c) => c.ip === '127.0.0.1'), `no 127.0.0.1 host candidate in the answer: ${shown}`);
  const ipv6Loopback = fs.readFileSync('/proc/net/if_inet6', 'utf8').includes('00000000000000000000000000000001');
  if (ipv6Loopback) {
    assert.ok(candidates.some((c) => c.ip === '::1'), `no ::1 host candidate (enumerated over AF_NETLINK): ${shown}`);
  }
  for (const c of candidates) {
    assert.ok(c.port >= 44000 && c.port <= 44099, `candidate port ${c.port} is outside rtc.port_range`);
  }
  step(`the daemon's host candidates (libnice enumerated them): ${shown}` +
    (ipv6Loopback ? '' : ' (no IPv6 in the container: AF_NETLINK is judged by the strace sweep alone)'));
  const connected = (f) => f.t === 'call_media_state' && f.call === call.id && f.state === 'connected';
  const legs = {
    operator: await o.next(connected, { what: 'the operator leg connected', timeoutMs: 20000 }),
    visitor: await v.next(connected, { what: 'the visitor leg connected', timeoutMs: 20000 }),
  };
  step(`both legs connected (ICE + DTLS; SRTP ${legs.operator.reason} / ${legs.visitor.reason})`);

  const relayedAtConnect = await metric('callpy_rtp_packets_relayed_total');
  for (const [who, peer] of [['operator', operator], ['visitor', visitor]]) {
    // A third of full scale is a mean square of about 0.054 per second of tone heard.
    const s = await waitFor(async () => {
      const x = await peer.stats();
      return x.inbound.audio?.frames > 100 && x.inbound.audio.energy > 0.04 ? x : null;
    }, { timeoutMs: 20000, what: `the ${who} to hear the other's tone` });
    assert.equal(s.dtls, 'connected', `${who}'s DTLS`);
    assert.ok(s.inbound.audio.packets > 50, `${who} received ${s.inbound.audio.packets} RTP packets`);
    step(`the ${who} hears the tone: ${s.inbound.audio.frames} frames, energy ${s.inbound.audio.energy.toFixed(3)}, ` +
      `${s.inbound.audio.packets} packets in, ${s.outbound.audio.packets} out`);
  }
  const relayed = await waitFor(async () => {
    const n = await metric('callpy_rtp_packets_relayed_total');
    return n > relayedAtConnect + 100 ? n : null;
  }, { timeoutMs: 10000, what: 'callpy_rtp_packets_relayed_total to rise' });
  assert.equal(await metric('callpy_call_legs'), 2);
  step(`callpy_rtp_packets_relayed_total ${relayedAtConnect} -> ${relayed}, callpy_call_legs 2`);

  // Recording: the writer thread spools the relayed packets, the converter composes both videos
  // into a WebM in the state directory and the file is posted in the dialog.
  o.send({ t: 'call_record', call: call.id, on: true });
  await v.type('call', (f) => f.call.id === call.id && f.call.recording === true);
  const atStart = await metric('callpy_rtp_packets_relayed_total');
  // About two seconds of media on both legs (50 packets a second each) recorded.
  await waitFor(async () => (await metric('callpy_rtp_packets_relayed_total')) > atStart + 200,
    { timeoutMs: 10000, intervalMs: 100, what: 'media to flow while recording' });
  o.send({ t: 'call_record', call: call.id, on: false });
  const file = (await v.next((f) => f.t === 'msg' && f.kind === 'file',
    { timeoutMs: 30000, what: 'the recording in the dialog' })).file;
  assert.equal(file.mime, 'video/webm');
  assert.match(file.name, /\.webm$/);
  const r = await fetch(`${base.origin}/api/panel/files/${file.id}`, { headers: { Cookie: operatorClient.cookie } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'video/webm');
  const bytes = Buffer.from(await r.arrayBuffer());
  assert.equal(bytes.subarray(0, 4).toString('hex'), '1a45dfa3', 'the download is an EBML (WebM) file');
  assert.ok(bytes.includes(Buffer.from('V_VP8')) && bytes.includes(Buffer.from('A_OPUS')), 'VP8 video and Opus audio');
  assert.equal(bytes.length, file.size);
  // The same bytes are a file under the state directory (written by the sandboxed daemon).
  const stored = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && fs.statSync(p).size === bytes.length && fs.readFileSync(p).equals(bytes)) stored.push(p);
    }
  };
  walk(dataDir);
  assert.ok(stored.length > 0, `no file under ${dataDir} holds the recording`);
  const st = fs.statSync(stored[0]);
  const callpyUid = Number(fs.readFileSync('/etc/passwd', 'utf8').match(/^callpy:[^:]*:(\d+):/m)[1]);
  assert.equal(st.uid, callpyUid, 'the recording is written by the daemon as user callpy');
  assert.equal(st.mode & 0o077, 0, 'UMask=0077: the recording is private to callpy');
  step(`recording: "${file.name}", ${file.size} bytes of WebM, stored as ${stored[0]} (uid ${st.uid}, mode ${(st.mode & 0o777).toString(8)})`);

  v.send({ t: 'call_hangup', call: call.id });
  assert.equal((await o.type('call', (f) => f.call.state === 'ended')).call.reason, 'hangup');
  await waitFor(async () => (await metric('callpy_call_legs')) === 0, { what: 'the legs to close' });
  for (const p of peers) await p.close();
  o.close(); v.close();
  step('hung up: callpy_call_legs 0');
}

try {
  await main();
  process.exit(0);
} catch (e) {
  console.error(`systemd_call: ${e.stack ?? e}`);
  for (const p of peers) console.error(`--- aiortc ${p.pid} stderr ---\n${p.stderr}`);
  for (const p of peers) p.proc.kill('SIGKILL');
  process.exit(1);
}
