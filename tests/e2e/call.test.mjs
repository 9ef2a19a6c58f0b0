// Issue 5 §3 through the real user interface: the operator calls the visitor from the dialog,
// the widget rings, the visitor answers with video; both pages show the call and their browsers'
// getStats() prove DTLS-SRTP and media through callpyd; chat goes on during the call; recording,
// mute and camera off/on show on the other side; the operator moves the call to a phone by the
// QR code's link and takes it back; the visitor hangs up and the dialog records the call.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { waitFor } from '../support/daemon.mjs';
import { newPage, openFirstDialog, shot, signIn, startStage, visitorWrites } from '../support/e2e.mjs';
import { kCallBrowserArgs } from '../support/webrtc_peer.mjs';

const OWNER = 'owner@example.com';

// Runs in a page: a summary of the call's RTCPeerConnection stats (session = the CallSession).
async function summary(session) {
  const out = { inbound: {} };
  const report = await session.getStats();
  report.forEach((s) => {
    if (s.type === 'transport') Object.assign(out, { dtlsState: s.dtlsState, srtpCipher: s.srtpCipher });
    if (s.type === 'inbound-rtp') {
      const prev = out.inbound[s.kind];
      // Camera and screen are two video receivers; count what is decoded on either.
      out.inbound[s.kind] = { frames: (prev?.frames ?? 0) + (s.framesDecoded ?? 0),
        energy: (prev?.energy ?? 0) + (s.totalAudioEnergy ?? 0), packets: (prev?.packets ?? 0) + (s.packetsReceived ?? 0) };
    }
  });
  return out;
}

const panelStats = (page) => page.evaluate(`(${summary})(window.__callpyCall)`);
const widgetStats = (page) => page.evaluate(`(${summary})(document.querySelector('callpy-widget').__callpyCall)`);

async function flowing(stats, who, { video = true } = {}) {
  const first = await waitFor(async () => {
    const s = await stats().catch(() => null);
    return s && s.inbound.audio?.energy > 0 && (!video || s.inbound.video?.frames > 10) ? s : null;
  }, { timeoutMs: 25000, what: `${who} to receive media` });
  assert.equal(first.dtlsState, 'connected', who);
  assert.match(first.srtpCipher, /AEAD_AES_256_GCM/, who);
  return first;
}

describe('a call in the widget and the panel', () => {
  let stage, d, customerOrigin, panel, visitor, browser;
  const pageErrors = [];

  before(async () => {
    stage = await startStage({ pageErrors, browserArgs: kCallBrowserArgs,
      daemon: { extraYaml: 'rtc:\n  interfaces: [127.0.0.1]\n  port_range: 47000-47999\n' } });
    ({ d, customerOrigin, panel, visitor, browser } = stage);
    await signIn(panel, d.base, OWNER, stage.password);
    await panel.getByTestId('nav-dialogs').waitFor();
  });

  after(async () => { await stage?.stop(); });

  test('operator video call: ring, answer, media both ways, controls, phone and back, hang up', async () => {
    await visitorWrites(visitor, `${customerOrigin}/`, 'Можно поговорить голосом?');
    await openFirstDialog(panel);
    await panel.getByTestId('call-start-video').click();

    const incoming = visitor.getByTestId('call-incoming');
    await incoming.waitFor();
    await shot(visitor, 'call-01-widget-rings.png');
    await visitor.getByTestId('call-accept-video').click();
    await panel.locator('[data-testid="call-view"][data-phase="active"]').waitFor({ timeout: 25000 });
    await visitor.locator('[data-testid="call-view"][data-phase="active"]').waitFor({ timeout: 25000 });
    const operatorSide = await flowing(() => panelStats(panel), 'operator');
    await flowing(() => widgetStats(visitor), 'visitor');
    await shot(panel, 'call-02-panel-in-call.png');
    await shot(visitor, 'call-03-widget-in-call.png');

    // Chat goes on during the call.
    const input = visitor.getByTestId('callpy-input');
    await input.fill('Слышно хорошо');
    await input.press('Enter');
    await panel.getByTestId('chat-message').filter({ hasText: 'Слышно хорошо' }).waitFor();

    // Recording on: the visitor is told.
    await panel.getByTestId('call-record').click();
    await visitor.getByTestId('call-recording').waitFor();

    // Camera off and on again: no renegotiation, the operator decodes frames again.
    await visitor.getByTestId('call-camera').click();
    await visitor.getByTestId('call-camera').click();
    const before = await panelStats(panel);
    await waitFor(async () => (await panelStats(panel)).inbound.video.frames > before.inbound.video.frames + 30,
      { timeoutMs: 15000, what: 'frames after the camera came back' });
    assert.ok(before.inbound.video.frames > operatorSide.inbound.video.frames);

    // F23: to a phone by the QR code's link (a third browser context, not signed in) and back.
    await panel.getByTestId('call-device-link').click();
    const qr = panel.getByTestId('call-qr');
    await qr.waitFor();
    await shot(panel, 'call-04-qr.png');
    const url = await qr.getAttribute('data-url');
    assert.match(url, new RegExp(`^${d.base}/app/call/[0-9a-f]{64}$`));
    const phone = await newPage(browser, { pageErrors, viewport: { width: 390, height: 844 }, context: { isMobile: true, hasTouch: true } });
    await phone.goto(url);
    // The phone sees the call running elsewhere (on the panel) and takes it.
    await phone.getByTestId('call-elsewhere').waitFor();
    await phone.getByTestId('call-return').click();
    await panel.getByTestId('call-elsewhere').waitFor({ timeout: 25000 });
    await phone.locator('[data-testid="call-view"][data-phase="active"]').waitFor({ timeout: 25000 });
    await flowing(() => phone.evaluate(`(${summary})(window.__callpyCall)`), 'phone');
    const onPhone = await widgetStats(visitor);
    await waitFor(async () => (await widgetStats(visitor)).inbound.video.frames > onPhone.inbound.video.frames + 30,
      { timeoutMs: 15000, what: 'the visitor to keep decoding after the move' });
    await shot(phone, 'call-05-phone.png');
    await panel.getByTestId('call-return').click();
    await phone.getByTestId('call-elsewhere').waitFor({ timeout: 25000 });
    await panel.locator('[data-testid="call-view"][data-phase="active"]').waitFor({ timeout: 25000 });
    await flowing(() => panelStats(panel), 'operator after return');

    // The visitor hangs up: both see the end, the dialog notes it.
    await visitor.getByTestId('call-hangup').click();
    await panel.getByTestId('call-ended').waitFor();
    await panel.getByTestId('chat-message').filter({ hasText: /Видеозвонок завершён, \d+:\d\d/ }).waitFor();
    await visitor.getByTestId('callpy-message').filter({ hasText: /Видеозвонок завершён/ }).waitFor();
    await shot(panel, 'call-06-ended.png');
    assert.deepEqual(pageErrors, []);
  });
});
