// A WebRTC peer in headless Chromium for call tests: a page on the daemon's origin (a secure
// context on 127.0.0.1) with fake camera and microphone, whose RTCPeerConnection offers to
// callpyd through a signalling socket the test holds (visitor or operator). Stats come from the
// browser's own getStats(), so the assertions see what a user's browser sees.
import { createRequire } from 'node:module';
import path from 'node:path';

import { repoRoot } from './daemon.mjs';

const { chromium } = createRequire(path.join(repoRoot, 'web-static/package.json'))('playwright-core');

export const kCallBrowserArgs = ['--no-sandbox', '--headless=new', '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream', '--autoplay-policy=no-user-gesture-required',
  '--allow-loopback-in-peer-connection', '--disable-features=WebRtcHideLocalIpsWithMdns'];

export function launchCallBrowser() {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: kCallBrowserArgs });
}

// Runs in the page: the peer's state lives on window.peer.
function pageHelpers() {
  window.startPeer = async ({ audio = true, video = true, extraVideo = false, config = {} }) => {
    const stream = await navigator.mediaDevices.getUserMedia({ audio, video: video ? { width: 640, height: 360 } : false });
    const pc = new RTCPeerConnection(config);
    const peer = { pc, stream, candidates: [], tracks: [] };
    window.peer = peer;
    pc.onicecandidate = (e) => peer.candidates.push(e.candidate ? e.candidate.candidate : '');
    pc.ontrack = (e) => {
      peer.tracks.push(e.track.kind);
      const el = document.createElement(e.track.kind === 'audio' ? 'audio' : 'video');
      el.autoplay = true;
      el.muted = e.track.kind === 'video';
      el.srcObject = new MediaStream([e.track]);
      document.body.append(el);
    };
    for (const t of stream.getTracks()) pc.addTransceiver(t, { direction: 'sendrecv', streams: [stream] });
    if (!audio) pc.addTransceiver('audio', { direction: 'recvonly' });
    if (!video) pc.addTransceiver('video', { direction: 'recvonly' });
    if (extraVideo) pc.addTransceiver('video', { direction: 'recvonly' });
    await pc.setLocalDescription(await pc.createOffer());
    return pc.localDescription.sdp;
  };
  window.takeCandidates = () => window.peer.candidates.splice(0);
  window.applyAnswer = (sdp) => window.peer.pc.setRemoteDescription({ type: 'answer', sdp });
  window.peerStats = async () => {
    const out = { inbound: {}, outbound: {} };
    const report = await window.peer.pc.getStats();
    report.forEach((s) => {
      if (s.type === 'transport') {
        out.dtlsState = s.dtlsState;
        out.srtpCipher = s.srtpCipher;
        out.iceState = s.iceState;
        out.selectedPair = s.selectedCandidatePairId;
      }
      if (s.type === 'inbound-rtp') {
        out.inbound[s.kind] = { packets: s.packetsReceived, frames: s.framesDecoded,
          energy: s.totalAudioEnergy, ssrc: s.ssrc, lost: s.packetsLost, freezes: s.freezeCount,
          freezeMs: s.totalFreezesDuration ? s.totalFreezesDuration * 1000 : 0 };
      }
      if (s.type === 'outbound-rtp') out.outbound[s.kind] = { packets: s.packetsSent, ssrc: s.ssrc };
    });
    // The candidate type this browser sends from on the selected pair (host, srflx, prflx, relay).
    const pair = out.selectedPair && report.get(out.selectedPair);
    const local = pair && report.get(pair.localCandidateId);
    out.localCandidateType = local?.candidateType ?? null;
    out.connectionState = window.peer.pc.connectionState;
    return out;
  };
  window.closePeer = () => { window.peer.pc.close(); window.peer.stream.getTracks().forEach((t) => t.stop()); };
}

export class BrowserPeer {
  // `signal` is the WsClient (visitor or operator socket) that carries this peer's call frames.
  static async open(browser, base, signal) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/healthz`);
    await page.evaluate(pageHelpers);
    return new BrowserPeer(context, page, signal);
  }

  constructor(context, page, signal) {
    Object.assign(this, { context, page, signal });
  }

  // Offers to the daemon for call `callId`, applies its answer and trickles candidates until
  // the browser's gathering is done. Returns the answer SDP.
  // `munge(sdp)` may alter the offer on its way to the daemon (failure tests).
  async join(callId, { munge = (sdp) => sdp, ...options } = {}) {
    const sdp = munge(await this.page.evaluate((o) => window.startPeer(o), options));
    this.signal.send({ t: 'call_offer', call: callId, sdp });
    const answer = await this.signal.type('call_answer', (f) => f.call === callId);
    await this.page.evaluate((s) => window.applyAnswer(s), answer.sdp);
    this.trickle(callId);
    return answer.sdp;
  }

  async trickle(callId) {
    for (let i = 0; i < 100; i++) {
      const list = await this.page.evaluate(() => window.takeCandidates()).catch(() => null);
      if (!list) return;
      for (const candidate of list) {
        this.signal.send({ t: 'call_ice', call: callId, candidate });
        if (candidate === '') return;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  stats() {
    return this.page.evaluate(() => window.peerStats());
  }

  async close() {
    await this.page.evaluate(() => window.closePeer()).catch(() => {});
    await this.context.close();
  }
}
