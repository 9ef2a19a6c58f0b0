// Issue 5 through the real user interface, against callpyd's own media path. The operator calls
// the visitor from the dialog, the widget rings, the visitor answers with video; both pages show
// the call with a running timer and their browsers' getStats() prove DTLS-SRTP (AES-256-GCM)
// and media both ways; chat goes on during the call; recording, mute and camera off/on (no
// renegotiation) show on the other side; screens are shared both ways (F25, the visitor only
// after consenting to the operator's request); the operator moves the call to a phone by the
// QR code's link and takes it back; the visitor hangs up and the dialog records the call.
// Then a visitor whose browser blocks the camera: a video call goes on audio-only with a clear
// message, and the visitor's own audio call pops up in the panel away from the dialog.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { flowing, launchPromptingBrowser, panelStats, rises, stalls, widgetStats } from '../support/call_e2e.mjs';
import { waitFor } from '../support/daemon.mjs';
import { newPage, openVisitors, shot, signIn, startStage, visitorWrites } from '../support/e2e.mjs';
import { kCallBrowserArgs } from '../support/webrtc_peer.mjs';

const OWNER = 'owner@example.com';

// The call's timer ticks (it shows more than 0:00).
async function timerRuns(page, who) {
  const timer = page.getByTestId('call-timer');
  await waitFor(async () => /^0:0[1-9]|^0:[1-5]\d|^[1-9]/.test(await timer.textContent()), { what: `${who}'s call timer to run` });
}

async function openDialogWith(panel, text) {
  await panel.getByTestId('nav-dialogs').click();
  await panel.getByTestId('dialog-item').filter({ hasText: text }).first().click();
}

describe('calls in the widget and the panel', () => {
  let stage, d, customerOrigin, panel, visitor, browser, blocked;
  const pageErrors = [];

  before(async () => {
    stage = await startStage({ pageErrors, browserArgs: kCallBrowserArgs,
      daemon: { extraYaml: 'rtc:\n  interfaces: [127.0.0.1]\n  port_range: 44000-44999\n' } });
    ({ d, customerOrigin, panel, visitor, browser } = stage);
    await signIn(panel, d.base, OWNER, stage.password);
    await panel.getByTestId('nav-dialogs').waitFor();
  });

  after(async () => {
    await blocked?.close();
    await stage?.stop();
    // The sanitizer build must not have found anything on the daemon's side of these calls.
    assert.doesNotMatch(d?.stderr ?? '', /AddressSanitizer|LeakSanitizer|runtime error:/);
  });

  test('operator video call: ring, answer, media, chat, recording, mute, camera, screens both ways, phone, hang up', async () => {
    await visitorWrites(visitor, `${customerOrigin}/`, 'Можно поговорить голосом?');
    await openDialogWith(panel, 'Можно поговорить голосом?');
    await panel.getByRole('button', { name: 'Видеозвонок' }).click();

    const incoming = visitor.getByTestId('call-incoming');
    await incoming.waitFor();
    assert.match(await incoming.textContent(), /Входящий видеозвонок/);
    await shot(visitor, 'call-01-widget-rings.png');
    await visitor.getByTestId('call-accept-video').click();
    await panel.locator('[data-testid="call-view"][data-phase="active"]').waitFor({ timeout: 25000 });
    await visitor.locator('[data-testid="call-view"][data-phase="active"]').waitFor({ timeout: 25000 });
    await timerRuns(panel, 'operator');
    await timerRuns(visitor, 'visitor');
    const op0 = await flowing(() => panelStats(panel), 'operator');
    const vis0 = await flowing(() => widgetStats(visitor), 'visitor');
    // Frames keep coming on both sides, not just a first burst.
    await rises(() => panelStats(panel), (s) => s.camera.frames, op0.camera.frames, 20, 'the operator to keep decoding');
    await rises(() => widgetStats(visitor), (s) => s.camera.frames, vis0.camera.frames, 20, 'the visitor to keep decoding');
    await shot(panel, 'call-02-panel-in-call.png');
    await shot(visitor, 'call-03-widget-in-call.png');

    // Chat goes on during the call, both ways.
    const input = visitor.getByTestId('callpy-input');
    await input.fill('Слышно хорошо');
    await input.press('Enter');
    await panel.getByTestId('chat-message').filter({ hasText: 'Слышно хорошо' }).waitFor();
    await panel.getByTestId('chat-input').fill('Вижу вас');
    await panel.getByTestId('chat-input').press('Enter');
    await visitor.getByTestId('callpy-message').filter({ hasText: 'Вижу вас' }).waitFor();

    // Recording on: the visitor is told.
    await panel.getByRole('button', { name: 'Запись звонка' }).click();
    await visitor.getByTestId('call-recording').filter({ hasText: 'Идёт запись' }).waitFor();

    // The visitor mutes: the operator sees it; unmutes: the mark goes.
    await visitor.getByTestId('call-mute').click();
    await panel.getByTestId('call-remote-muted').filter({ hasText: 'Микрофон выключен' }).waitFor();
    await shot(panel, 'call-04-panel-visitor-muted.png');
    await visitor.getByTestId('call-mute').click();
    await panel.getByTestId('call-remote-muted').waitFor({ state: 'detached' });

    // Camera off: the operator stops getting frames; on again: frames again, on the same
    // stream and with the same local description (a replaceTrack, no renegotiation).
    const camBefore = await widgetStats(visitor);
    await visitor.getByTestId('call-camera').click();
    const quiet = await stalls(() => panelStats(panel), (s) => s.camera.frames, 'the visitor camera to go quiet');
    // The operator's UI drops the picture at once (call_media) rather than freezing it.
    const visitorVideo = panel.getByTestId('call-dock').locator('video[aria-label="Видео собеседника"]');
    await visitorVideo.waitFor({ state: 'detached' });
    await visitor.getByTestId('call-camera').click();
    const back = await rises(() => panelStats(panel), (s) => s.camera.frames, quiet.n, 30, 'frames after the camera came back');
    await visitorVideo.waitFor();
    const camAfter = await widgetStats(visitor);
    assert.equal(camAfter.localSdp, camBefore.localSdp, 'no new offer');
    assert.equal(camAfter.signalingState, 'stable');
    assert.equal(back.camera.ssrc, op0.camera.ssrc, 'the operator receives on the same SSRC');

    // F25: the operator shares a screen; the visitor decodes it on the screen receiver.
    await panel.getByRole('button', { name: 'Демонстрация экрана' }).click();
    await rises(() => widgetStats(visitor), (s) => s.screen.frames, 0, 10, 'the visitor to decode the operator screen');
    await visitor.getByRole('region', { name: 'Звонок' }).locator('video[aria-label="Экран собеседника"]').waitFor();
    await shot(visitor, 'call-05-widget-operator-screen.png');
    await panel.getByRole('button', { name: 'Остановить демонстрацию экрана' }).click();
    // The operator's call_media (screen:false) hides it at once, before the 3 s no-frames timeout.
    await visitor.locator('video[aria-label="Экран собеседника"]').waitFor({ state: 'detached', timeout: 2000 });

    // The operator asks for the visitor's screen: nothing is shared until the visitor agrees.
    const ask = visitor.getByTestId('call-screen-ask');
    await panel.getByRole('button', { name: 'Попросить показать экран' }).click();
    await ask.filter({ hasText: 'Оператор просит показать экран' }).waitFor();
    await shot(visitor, 'call-06-widget-screen-request.png');
    await ask.getByRole('button', { name: 'Отказаться' }).click();
    await ask.waitFor({ state: 'detached' });
    assert.equal((await widgetStats(visitor)).sharing, false, 'a refusal shares nothing');
    // The operator is told (call_screen_declined) instead of waiting for a screen.
    const declined = panel.getByTestId('call-error').filter({ hasText: 'Посетитель отказался показать экран' });
    await declined.waitFor();
    await declined.getByRole('button', { name: 'Закрыть' }).click();
    await panel.getByRole('button', { name: 'Попросить показать экран' }).click();
    await ask.getByRole('button', { name: 'Показать' }).click();
    await rises(() => panelStats(panel), (s) => s.screen.frames, 0, 10, 'the operator to decode the visitor screen');
    await panel.getByTestId('call-dock').locator('video[aria-label="Экран собеседника"]').waitFor();
    assert.equal((await widgetStats(visitor)).localSdp, camBefore.localSdp, 'screens need no renegotiation either');
    await shot(panel, 'call-07-panel-visitor-screen.png');

    // F23: to a phone by the QR code's link (a third browser context, not signed in) and back.
    await panel.getByTestId('call-device-link').click();
    const qr = panel.getByTestId('call-qr');
    await qr.waitFor();
    await shot(panel, 'call-08-qr.png');
    const url = await qr.getAttribute('data-url');
    assert.match(url, new RegExp(`^${d.base}/app/call/[0-9a-f]{64}$`));
    const phone = await newPage(browser, { pageErrors, viewport: { width: 390, height: 844 }, context: { isMobile: true, hasTouch: true } });
    await phone.goto(url);
    await phone.getByTestId('call-elsewhere').waitFor();
    await phone.getByTestId('call-return').click();
    await panel.getByTestId('call-elsewhere').waitFor({ timeout: 25000 });
    await phone.locator('[data-testid="call-view"][data-phase="active"]').waitFor({ timeout: 25000 });
    await flowing(() => panelStats(phone), 'phone');
    const onPhone = await widgetStats(visitor);
    await rises(() => widgetStats(visitor), (s) => s.camera.frames, onPhone.camera.frames, 30, 'the visitor to keep decoding after the move');
    await shot(phone, 'call-09-phone.png');
    await panel.getByTestId('call-return').click();
    await phone.getByTestId('call-elsewhere').waitFor({ timeout: 25000 });
    await panel.locator('[data-testid="call-view"][data-phase="active"]').waitFor({ timeout: 25000 });
    await flowing(() => panelStats(panel), 'operator after return');
    await phone.context().close();

    // The visitor hangs up: both see the end, the dialog notes it with the call's length.
    await visitor.getByTestId('call-hangup').click();
    await visitor.getByTestId('call-ended').waitFor();
    await panel.getByTestId('call-ended').waitFor();
    await panel.getByTestId('chat-message').filter({ hasText: /Видеозвонок завершён, \d+:\d\d/ }).waitFor();
    await visitor.getByTestId('callpy-message').filter({ hasText: /Видеозвонок завершён, \d+:\d\d/ }).waitFor();
    await shot(panel, 'call-10-ended.png');
    assert.deepEqual(pageErrors, []);
  });

  test('camera blocked: a video call goes on audio-only; the visitor calls the panel, which rings anywhere', async () => {
    blocked = await launchPromptingBrowser();
    const visitor2 = await newPage(blocked, { openShadow: true, pageErrors, context: { permissions: ['microphone'] } });
    await visitorWrites(visitor2, `${customerOrigin}/`, 'Камера у меня заблокирована');
    await openDialogWith(panel, 'Камера у меня заблокирована');
    await panel.getByRole('button', { name: 'Видеозвонок' }).click();
    await visitor2.getByTestId('call-accept-video').click();
    const err = visitor2.getByTestId('call-error');
    await err.filter({ hasText: 'Нет доступа к камере: звонок продолжается без видео.' }).waitFor();
    assert.equal(await err.getAttribute('data-key'), 'call.err.cameraDenied');
    await visitor2.locator('[data-testid="call-view"][data-phase="active"]').waitFor({ timeout: 25000 });
    // The visitor hears and sees the operator; the operator hears the visitor, gets no video.
    await flowing(() => widgetStats(visitor2), 'visitor without a camera');
    const op = await flowing(() => panelStats(panel), 'operator of a visitor without a camera', { video: false });
    assert.equal(op.camera.frames, 0);
    await shot(visitor2, 'call-11-widget-camera-blocked.png');
    await panel.getByTestId('call-dock').getByTestId('call-hangup').click();
    await visitor2.getByTestId('call-ended').waitFor();

    // The visitor calls (audio); the operator is on another page (Visitors): the dock rings there.
    await openVisitors(panel);
    await visitor2.getByRole('button', { name: 'Позвонить' }).click();
    await visitor2.locator('[data-testid="call-view"][data-phase="ringing-out"]').waitFor();
    const popup = panel.getByTestId('call-dock').getByTestId('call-incoming');
    await popup.filter({ hasText: 'Входящий звонок' }).waitFor();
    assert.doesNotMatch(panel.url(), /\/dialogs/);
    await shot(panel, 'call-12-panel-incoming.png');
    await popup.getByRole('button', { name: 'Принять', exact: true }).click();
    await panel.locator('[data-testid="call-view"][data-phase="active"]').waitFor({ timeout: 25000 });
    await visitor2.locator('[data-testid="call-view"][data-phase="active"]').waitFor({ timeout: 25000 });
    const a = await flowing(() => panelStats(panel), 'operator (audio call)', { video: false });
    const b = await flowing(() => widgetStats(visitor2), 'visitor (audio call)', { video: false });
    await rises(() => panelStats(panel), (s) => s.inbound.audio.energy, a.inbound.audio.energy, 0, 'the operator to keep hearing');
    await rises(() => widgetStats(visitor2), (s) => s.inbound.audio.energy, b.inbound.audio.energy, 0, 'the visitor to keep hearing');
    await panel.getByTestId('call-dock').getByTestId('call-hangup').click();
    await visitor2.getByTestId('call-ended').waitFor();
    await visitor2.getByTestId('callpy-message').filter({ hasText: /Звонок завершён, \d+:\d\d/ }).waitFor();
    assert.deepEqual(pageErrors, []);
  });
});
