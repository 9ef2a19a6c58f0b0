// rtc.turn with a real TURN server (Debian's coturn, use-auth-secret): the visitor's browser may
// only use relayed candidates (iceTransportPolicy "relay"), so its media reaches callpyd through
// coturn with the short-lived credentials the daemon put into the call frame.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { SITE_ORIGIN, addSite, operatorSocket, startWithOwner, visitorSocket } from '../support/chat.mjs';
import { freePort, tempDir, waitFor } from '../support/daemon.mjs';
import { BrowserPeer, launchCallBrowser } from '../support/webrtc_peer.mjs';

const kTurnServer = '/usr/bin/turnserver';

describe('calls through a TURN server', { skip: !fs.existsSync(kTurnServer) && 'coturn is not installed' }, () => {
  let d; let owner; let browser; let turn; let turnLog = '';
  before(async () => {
    const port = await freePort();
    turn = spawn(kTurnServer, ['-n', '--listening-ip=127.0.0.1', `--listening-port=${port}`, '--relay-ip=127.0.0.1',
      '--use-auth-secret', '--static-auth-secret=north', '--realm=callpy.test', '--allow-loopback-peers',
      '--no-cli', '--no-tls', '--no-dtls', '--min-port=45000', '--max-port=45999', '--log-file=stdout',
      '--no-software-attribute', '--pidfile=' + path.join(tempDir(), 'turn.pid')], { stdio: ['ignore', 'pipe', 'pipe'] });
    turn.stdout.on('data', (b) => { turnLog += b; });
    turn.stderr.on('data', (b) => { turnLog += b; });
    await waitFor(() => /listener opened on/i.test(turnLog) || /Total General servers/i.test(turnLog),
      { what: 'turnserver to listen' });
    const secret = path.join(tempDir(), 'turn-secret');
    fs.writeFileSync(secret, 'north\n');
    ({ d, owner } = await startWithOwner({ extraYaml: 'rtc:\n  interfaces: [127.0.0.1]\n  port_range: 46000-46999\n' +
      `  turn:\n    urls: ["turn:127.0.0.1:${port}?transport=udp"]\n    secret_file: ${secret}\n` }));
    browser = await launchCallBrowser();
  });
  after(async () => {
    await browser?.close();
    await d?.stop();
    turn?.kill();
  });

  test("the visitor's media is relayed by coturn and decoded by the operator", async () => {
    const site = await addSite(owner, 'Shop', SITE_ORIGIN);
    const { o } = await operatorSocket(d, owner);
    const { v } = await visitorSocket(d, site, { page: { url: `${SITE_ORIGIN}/`, title: 'Home' } });
    v.send({ t: 'msg', cid: 'c1', text: 'Позвоните мне' });
    const { dialog } = await v.type('ack');
    o.send({ t: 'call_start', dialog, video: true });
    const call = (await v.type('call')).call;
    v.send({ t: 'call_accept', call: call.id });
    const active = (await v.type('call', (f) => f.call.state === 'active')).call;
    assert.equal(active.ice_servers.length, 1);

    const operatorPeer = await BrowserPeer.open(browser, d.base, o);
    const visitorPeer = await BrowserPeer.open(browser, d.base, v);
    await operatorPeer.join(call.id);
    await visitorPeer.join(call.id, { config: { iceServers: active.ice_servers, iceTransportPolicy: 'relay' } });
    const s = await waitFor(async () => {
      const x = await operatorPeer.stats();
      return x.inbound.video?.frames > 20 && x.inbound.audio?.energy > 0 ? x : null;
    }, { timeoutMs: 25000, what: "the operator to decode the visitor's relayed media" });
    assert.equal(s.dtlsState, 'connected');
    const vs = await visitorPeer.stats();
    assert.equal(vs.localCandidateType, 'relay', 'the visitor sends through the TURN server');
    assert.ok(vs.inbound.video?.frames > 0, 'the visitor decodes the operator through the relay');
    await visitorPeer.close();
    await operatorPeer.close();
    o.close();
    v.close();
  });
});
