// A second, independent WebRTC implementation through callpyd (issue 5 §3): Debian's
// python3-aiortc as the visitor (a 440 Hz tone and a test pattern) and Chromium as the operator.
// Each must decode what the other sends, relayed by the daemon.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { after, before, describe, test } from 'node:test';

import { SITE_ORIGIN, addSite, operatorSocket, startWithOwner, visitorSocket } from '../support/chat.mjs';
import { repoRoot, waitFor } from '../support/daemon.mjs';
import { BrowserPeer, launchCallBrowser } from '../support/webrtc_peer.mjs';

const kPython = '/usr/bin/python3';
const haveAiortc = fs.existsSync('/usr/lib/python3/dist-packages/aiortc');

// tests/support/aiortc_peer.py as a child speaking JSON lines.
class AiortcPeer {
  constructor() {
    this.proc = spawn(kPython, [path.join(repoRoot, 'tests/support/aiortc_peer.py')], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.stderr = '';
    this.proc.stderr.on('data', (b) => { this.stderr += b; });
    this.lines = [];
    this.waiters = [];
    readline.createInterface({ input: this.proc.stdout }).on('line', (l) => {
      this.lines.push(JSON.parse(l));
      for (const w of this.waiters.splice(0)) w();
    });
  }

  send(msg) { this.proc.stdin.write(`${JSON.stringify(msg)}\n`); }

  async next(key, timeoutMs = 20000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.lines.findIndex((m) => key in m);
      if (i >= 0) return this.lines.splice(i, 1)[0][key];
      if (Date.now() > deadline) throw new Error(`aiortc peer sent no "${key}"; stderr:\n${this.stderr}`);
      await new Promise((r) => { this.waiters.push(r); setTimeout(r, 200); });
    }
  }

  async stats() {
    this.send({ stats: true });
    return this.next('stats');
  }

  close() {
    this.send({ close: true });
    this.proc.stdin.end();
  }
}

describe('aiortc and Chromium through callpyd', { skip: !haveAiortc && 'python3-aiortc is not installed' }, () => {
  let d; let owner; let browser;
  before(async () => {
    ({ d, owner } = await startWithOwner({ extraYaml: 'rtc:\n  port_range: 49000-49999\n' }));
    browser = await launchCallBrowser();
  });
  after(async () => {
    await browser?.close();
    await d?.stop();
  });

  test('each decodes the other', async () => {
    const site = await addSite(owner, 'Shop', SITE_ORIGIN);
    const { o } = await operatorSocket(d, owner);
    const { v } = await visitorSocket(d, site, { page: { url: `${SITE_ORIGIN}/`, title: 'Home' } });
    v.send({ t: 'msg', cid: 'c1', text: 'Звонок из Python' });
    const { dialog } = await v.type('ack');
    o.send({ t: 'call_start', dialog, video: true });
    const call = (await v.type('call')).call;
    v.send({ t: 'call_accept', call: call.id });
    await o.type('call', (f) => f.call.state === 'active');

    const chromium = await BrowserPeer.open(browser, d.base, o);
    await chromium.join(call.id);
    const aiortc = new AiortcPeer();
    try {
      v.send({ t: 'call_offer', call: call.id, sdp: await aiortc.next('offer') });
      const answer = await v.type('call_answer');
      aiortc.send({ answer: answer.sdp });
      await v.next((f) => f.t === 'call_media_state' && f.state === 'connected', { timeoutMs: 20000, what: 'aiortc connected' });
      const s = await waitFor(async () => {
        const x = await chromium.stats();
        return x.inbound.video?.frames > 20 && x.inbound.audio?.energy > 0 ? x : null;
      }, { timeoutMs: 25000, what: "Chromium to decode aiortc's tone and pattern" });
      assert.equal(s.dtlsState, 'connected');
      const a = await waitFor(async () => {
        const x = await aiortc.stats();
        return x.audio_frames > 50 && x.video_frames > 10 && x.sent.audio > 50 ? x : null;
      }, { timeoutMs: 25000, what: "aiortc to decode Chromium's media" });
      assert.equal(a.state, 'connected');
    } finally {
      aiortc.close();
      await chromium.close();
      o.close();
      v.close();
    }
  });
});
