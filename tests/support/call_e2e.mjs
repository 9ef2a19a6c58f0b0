// Helpers of the call e2e tests (tests/e2e/call.test.mjs): what the browsers' own getStats()
// say about a call's media leg (the CallSession the panel exposes as window.__callpyCall and
// the widget as its shadow host's __callpyCall), waiting for media to flow, and a second
// Chromium whose pages have a microphone but no camera permission.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import path from 'node:path';

import { repoRoot, waitFor } from './daemon.mjs';
import { kCallBrowserArgs } from './webrtc_peer.mjs';

const { chromium } = createRequire(path.join(repoRoot, 'web-static/package.json'))('playwright-core');

// Runs in a page (session = the CallSession). Its transceivers are always audio, camera, screen
// (shared/call_session.ts), so the camera's and the screen's frames are told apart by receiver.
async function summary(session) {
  if (!session) return null;
  const out = { inbound: {}, camera: { frames: 0, ssrc: null }, screen: { frames: 0, ssrc: null } };
  const report = await session.getStats();
  report.forEach((s) => {
    if (s.type === 'transport') Object.assign(out, { dtlsState: s.dtlsState, srtpCipher: s.srtpCipher });
    if (s.type === 'inbound-rtp') {
      const prev = out.inbound[s.kind];
      out.inbound[s.kind] = { frames: (prev?.frames ?? 0) + (s.framesDecoded ?? 0),
        energy: (prev?.energy ?? 0) + (s.totalAudioEnergy ?? 0), packets: (prev?.packets ?? 0) + (s.packetsReceived ?? 0) };
    }
  });
  const [, camera, screen] = session.pc.getTransceivers();
  for (const [name, t] of [['camera', camera], ['screen', screen]]) {
    (await t.receiver.getStats()).forEach((s) => {
      if (s.type === 'inbound-rtp') out[name] = { frames: s.framesDecoded ?? 0, ssrc: s.ssrc };
    });
  }
  // A renegotiation would make a new local description (its o= line's version goes up).
  out.localSdp = session.pc.localDescription?.sdp ?? '';
  out.signalingState = session.pc.signalingState;
  out.sharing = session.state.screen;
  return out;
}

/** The operator's call in the panel (page), or the visitor's in the widget (shadow host). */
export const panelStats = (page) => page.evaluate(`(${summary})(window.__callpyCall)`);
export const widgetStats = (page) => page.evaluate(`(${summary})(document.querySelector('callpy-widget').__callpyCall)`);

/**
 * Waits until `stats()` shows audio energy and (with `video`) decoded camera frames, then checks
 * the leg is DTLS-SRTP with AES-256-GCM (RFC 7714's AEAD_AES_256_GCM profile, which Chromium 156
 * reports as "SRTP_AEAD_AES_256_GCM"; the bare name is accepted too).
 */
export async function flowing(stats, who, { video = true, timeoutMs = 25000 } = {}) {
  const first = await waitFor(async () => {
    const s = await stats().catch(() => null);
    return s && s.inbound.audio?.energy > 0 && (!video || s.camera.frames > 10) ? s : null;
  }, { timeoutMs, what: `${who} to receive media` });
  assert.equal(first.dtlsState, 'connected', who);
  assert.match(first.srtpCipher, /^(SRTP_)?AEAD_AES_256_GCM$/, who);
  return first;
}

/** Waits until `pick(stats)` (a counter) rose by more than `by` above `from`. */
export function rises(stats, pick, from, by, what) {
  return waitFor(async () => {
    const s = await stats().catch(() => null);
    return s && pick(s) > from + by ? s : null;
  }, { timeoutMs: 15000, what });
}

/** Waits until `pick(stats)` stopped changing for `quietMs` (the sender stopped sending). */
export function stalls(stats, pick, what, quietMs = 1000) {
  let last = -1;
  let since = Date.now();
  return waitFor(async () => {
    const n = pick(await stats());
    if (n !== last) {
      last = n;
      since = Date.now();
      return null;
    }
    return Date.now() - since >= quietMs ? { n } : null;
  }, { timeoutMs: 15000, intervalMs: 100, what });
}

/**
 * A Chromium without --use-fake-ui-for-media-stream (which would grant every prompt): its pages
 * get the permissions their context lists and a refusal for the rest, as a user who blocked the
 * camera in the address bar. Fake devices and the call flags otherwise as for the main browser.
 */
export function launchPromptingBrowser() {
  return chromium.launch({ executablePath: '/usr/bin/chromium',
    args: kCallBrowserArgs.filter((a) => a !== '--use-fake-ui-for-media-stream') });
}
