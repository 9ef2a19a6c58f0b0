// A WebRTC peer in Debian's python3-aiortc (tests/support/aiortc_jsonl_peer.py), the second, independent
// implementation the call tests use next to Chromium (issue 5 §3). The Python program offers; this
// side carries its offer and the daemon's answer over a signalling socket the test holds (visitor
// or operator) and asks it for what it received. Its JSON lines queue like a socket's frames.
import { spawn } from 'node:child_process';
import path from 'node:path';

import { repoRoot } from './daemon.mjs';
import { FrameQueue } from './ws.mjs';

const kScript = path.join(repoRoot, 'tests/support/aiortc_jsonl_peer.py');

export class AiortcPeer extends FrameQueue {
  // Starts the program and waits for its offer. `options`: { audio = true, video = true,
  // recvVideo = false (with video false: still receive video), mungeFingerprint = false }.
  static async start(options = {}) {
    const peer = new AiortcPeer(options);
    peer.offer = (await peer.next((f) => f.t === 'offer', { what: 'the aiortc offer', timeoutMs: 20000 })).sdp;
    return peer;
  }

  constructor({ audio = true, video = true, recvVideo = false, mungeFingerprint = false }) {
    super();
    const args = [kScript];
    if (!audio) args.push('--no-audio');
    if (!video) args.push('--no-video');
    if (recvVideo) args.push('--recv-video');
    if (mungeFingerprint) args.push('--munge-fingerprint');
    this.stderr = '';
    // Debian's python3 (aiortc lives in its dist-packages), not whatever python3 is on PATH.
    this.proc = spawn('/usr/bin/python3', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.pid = this.proc.pid;
    let buffered = '';
    this.proc.stdout.on('data', (chunk) => {
      buffered += chunk.toString();
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.trim()) this.frames.push(JSON.parse(line));
      }
      this.wake();
    });
    this.proc.stderr.on('data', (b) => { this.stderr += b.toString(); });
    this.proc.stdin.on('error', () => {});
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => {
      this.closeEvent = { code: code ?? signal };
      this.wake();
      resolve({ code, signal });
    }));
  }

  write(message) {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.stdin.write(`${JSON.stringify(message)}\n`);
  }

  // Sends the offer (as is, or `sdp` instead) for call `callId` over `signal` and gives aiortc
  // the daemon's answer. Returns the answer SDP.
  async join(signal, callId, sdp = this.offer) {
    signal.send({ t: 'call_offer', call: callId, sdp });
    const answer = await signal.type('call_answer', (f) => f.call === callId);
    this.write({ t: 'answer', sdp: answer.sdp });
    const applied = await this.next((f) => f.t === 'answered' || f.t === 'error', { what: 'aiortc to apply the answer' });
    if (applied.t === 'error') throw new Error(`aiortc refused the answer: ${applied.message}`);
    // aiortc gathers before it offers: its candidates were all in the offer.
    signal.send({ t: 'call_ice', call: callId, candidate: '' });
    return answer.sdp;
  }

  async stats() {
    this.write({ t: 'stats' });
    return this.next((f) => f.t === 'stats', { what: 'aiortc stats' });
  }

  // Closes the connection the polite way (DTLS close_notify) and waits for the exit.
  async close() {
    this.write({ t: 'close' });
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
    const r = await this.exited;
    clearTimeout(timer);
    return r;
  }

  // Vanishes without a word: no close_notify, no more consent responses.
  async kill() {
    this.proc.kill('SIGKILL');
    return this.exited;
  }
}
