// F18 through the real user interface: during a video call the operator invites a colleague
// («Пригласить оператора»), whose panel rings «Приглашение в звонок от …»; on «Принять с видео»
// the widget and both panels show one named tile per other participant, and every browser's
// getStats() shows audio energy and rising decoded frames from both others (the daemon asked
// each browser to renegotiate on the same PeerConnection). The colleague's screen share shows
// as a tile of its own (slot 1's screen) and goes as soon as he stops. The colleague then leaves («Выйти из
// звонка») and the visitor and the first operator keep their media. The inviting operator's dock
// shows each invitation's state («Приглашение отправлено: Борис — звонит…», «… принял», and on a
// second invitation «… отклонил»); the invite list closes on the pick.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { addOperator } from '../support/chat.mjs';
import { waitFor } from '../support/daemon.mjs';
import { newPage, shot, signIn, startStage, visitorWrites } from '../support/e2e.mjs';
import { kCallBrowserArgs } from '../support/webrtc_peer.mjs';

const OWNER = 'owner@example.com';

// Per receive slot (slot k: the k-th audio and the (2k)-th video transceiver): audio energy and
// decoded camera frames, from the page's CallSession.
async function slotSummary(session) {
  if (!session) return null;
  const all = session.pc.getTransceivers();
  const audio = all.filter((t) => t.receiver.track.kind === 'audio');
  const video = all.filter((t) => t.receiver.track.kind === 'video');
  const out = [];
  for (let k = 0; k < audio.length; k++) {
    const slot = { energy: 0, frames: 0 };
    (await audio[k].receiver.getStats()).forEach((s) => { if (s.type === 'inbound-rtp') slot.energy = s.totalAudioEnergy ?? 0; });
    if (video[2 * k]) (await video[2 * k].receiver.getStats()).forEach((s) => { if (s.type === 'inbound-rtp') slot.frames = s.framesDecoded ?? 0; });
    out.push(slot);
  }
  return out;
}
const panelSlots = (page) => page.evaluate(`(${slotSummary})(window.__callpyCall)`);
// Decoded frames of each slot's screen receiver (the (2k+1)-th video transceiver).
async function screenFrames(session) {
  const video = session.pc.getTransceivers().filter((t) => t.receiver.track.kind === 'video');
  const out = [];
  for (let k = 1; k < video.length; k += 2) {
    let frames = 0;
    (await video[k].receiver.getStats()).forEach((s) => { if (s.type === 'inbound-rtp') frames = s.framesDecoded ?? 0; });
    out.push(frames);
  }
  return out;
}
const panelScreens = (page) => page.evaluate(`(${screenFrames})(window.__callpyCall)`);
const widgetScreens = (page) => page.evaluate(`(${screenFrames})(document.querySelector('callpy-widget').__callpyCall)`);
const widgetSlots = (page) => page.evaluate(`(${slotSummary})(document.querySelector('callpy-widget').__callpyCall)`);

async function flowingIn(stats, slots, who) {
  const first = await waitFor(async () => {
    const s = await stats().catch(() => null);
    return s && slots.every((k) => s[k]?.energy > 0 && s[k]?.frames > 10) ? s : null;
  }, { timeoutMs: 30000, what: `${who} to decode slots ${slots}` });
  await waitFor(async () => {
    const s = await stats();
    return slots.every((k) => s[k].frames > first[k].frames + 10 && s[k].energy > first[k].energy) ? s : null;
  }, { timeoutMs: 15000, what: `${who}'s media to keep flowing in slots ${slots}` });
}

describe('a call with two operators in the widget and the panel', () => {
  let stage, d, panel, visitor, boris;
  const pageErrors = [];

  before(async () => {
    stage = await startStage({ pageErrors, browserArgs: kCallBrowserArgs,
      daemon: { extraYaml: 'rtc:\n  interfaces: [127.0.0.1]\n  port_range: 45000-45999\n' } });
    ({ d, panel, visitor } = stage);
    await addOperator(d, stage.site.id, 'boris@example.com', { name: 'Борис' });
    await signIn(panel, d.base, OWNER, stage.password);
    boris = await newPage(stage.browser, { pageErrors });
    await signIn(boris, d.base, 'boris@example.com', 'operator-pass');
    await panel.getByTestId('nav-dialogs').waitFor();
    await boris.getByTestId('nav-dialogs').waitFor();
  });

  after(async () => {
    await stage?.stop();
    assert.doesNotMatch(d?.stderr ?? '', /AddressSanitizer|LeakSanitizer|runtime error:/);
  });

  test('invite, three tiles with names, media from both others, the colleague leaves', async () => {
    await visitorWrites(visitor, `${stage.customerOrigin}/`, 'Позовите, пожалуйста, специалиста');
    await panel.getByTestId('nav-dialogs').click();
    await panel.getByTestId('dialog-item').filter({ hasText: 'Позовите' }).first().click();
    await panel.getByRole('button', { name: 'Видеозвонок' }).click();
    await visitor.getByTestId('call-accept-video').click();
    await panel.locator('[data-testid="call-view"][data-phase="active"]').waitFor({ timeout: 25000 });

    await panel.getByTestId('call-invite').click();
    await panel.getByTestId('call-invite-operator').filter({ hasText: 'Борис' }).click();
    // The list closes on the pick; the dock says how the invitation goes instead.
    await panel.getByTestId('call-invitable').waitFor({ state: 'detached', timeout: 2000 });
    const invitation = panel.getByTestId('call-invite-state');
    await panel.locator('[data-testid="call-invite-state"][data-state="ringing"]').waitFor({ timeout: 5000 });
    assert.equal(await invitation.textContent(), 'Приглашение отправлено: Борис — звонит…');
    const ring = boris.getByTestId('call-incoming');
    await ring.waitFor();
    assert.match(await ring.textContent(), /Приглашение в звонок от/);
    await shot(boris, 'call-multi-01-invited.png');
    await shot(panel, 'call-multi-01-inviter-ringing.png');
    await boris.getByTestId('call-accept-video').click();
    await panel.locator('[data-testid="call-invite-state"][data-state="accepted"]').waitFor({ timeout: 5000 });
    assert.match(await invitation.textContent(), /^Приглашение отправлено: Борис — принял/);
    await boris.locator('[data-testid="call-view"][data-phase="active"]').waitFor({ timeout: 25000 });

    for (const [who, page] of [['visitor', visitor], ['owner', panel], ['Борис', boris]]) {
      await waitFor(async () => (await page.getByTestId('call-tile').count()) === 2, { timeoutMs: 20000, what: `${who}: two tiles` });
    }
    assert.match(await visitor.getByTestId('call-tiles').textContent(), /Борис/);
    await flowingIn(() => widgetSlots(visitor), [0, 1], 'visitor');
    await flowingIn(() => panelSlots(panel), [0, 1], 'owner');
    await flowingIn(() => panelSlots(boris), [0, 1], 'Борис');
    await shot(visitor, 'call-multi-02-widget-three.png');
    await shot(panel, 'call-multi-03-panel-three.png');

    // Борис shares his screen: the visitor (Борис in its second slot) and the owner each show
    // a screen tile named for him and decode it on that slot's screen receiver.
    await boris.getByRole('button', { name: 'Демонстрация экрана' }).click();
    for (const [who, page, stats] of [['visitor', visitor, widgetScreens], ['owner', panel, panelScreens]]) {
      const tile = page.locator('[data-testid="call-screen-tile"]').filter({ hasText: 'Борис' });
      await tile.waitFor({ timeout: 15000 });
      assert.equal(await page.getByTestId('call-screen-tile').count(), 1, `${who}: only Борис shares`);
      assert.equal(await tile.locator('video').getAttribute('aria-label'), 'Экран собеседника: Борис');
      await waitFor(async () => (await stats(page)).some((n) => n > 10) || null,
        { timeoutMs: 20000, what: `${who} to decode Борис's screen` });
    }
    await shot(visitor, 'call-multi-04-widget-screen.png');
    await shot(panel, 'call-multi-05-panel-screen.png');
    // He stops: his call_media (screen:false) hides the tiles at once, well before the 3 s
    // no-frames timeout would.
    await boris.getByRole('button', { name: 'Остановить демонстрацию экрана' }).click();
    await visitor.getByTestId('call-screen-tile').waitFor({ state: 'detached', timeout: 2000 });
    await panel.getByTestId('call-screen-tile').waitFor({ state: 'detached', timeout: 2000 });

    await boris.getByTestId('call-leave').click();
    await waitFor(async () => (await boris.getByTestId('call-view').count()) === 0, { what: 'Борис out of the call' });
    await waitFor(async () => (await visitor.getByTestId('call-tile').count()) === 1, { timeoutMs: 20000, what: 'visitor: one tile' });
    // The visitor and the owner keep receiving each other (in whichever slot the other has).
    const [v0, o0] = [await widgetSlots(visitor), await panelSlots(panel)];
    await waitFor(async () => {
      const [v, o] = [await widgetSlots(visitor), await panelSlots(panel)];
      const rising = (now, before) => now.some((s, k) => s.frames > before[k].frames + 10 && s.energy > before[k].energy);
      return rising(v, v0) && rising(o, o0) ? true : null;
    }, { timeoutMs: 15000, what: 'the visitor and the owner to keep their media' });
    assert.equal(await panel.locator('[data-testid="call-view"][data-phase="active"]').count(), 1);
    // Invited again, Борис declines: the owner's dock says so (one line per operator).
    await panel.getByTestId('call-invite').click();
    await panel.getByTestId('call-invite-operator').filter({ hasText: 'Борис' }).click();
    await boris.getByTestId('call-incoming').waitFor();
    await boris.getByTestId('call-decline').click();
    await panel.locator('[data-testid="call-invite-state"][data-state="declined"]').waitFor({ timeout: 5000 });
    assert.equal(await invitation.count(), 1);
    assert.match(await invitation.textContent(), /^Приглашение отправлено: Борис — отклонил/);
    await shot(panel, 'call-multi-06-inviter-declined.png');
    await visitor.getByTestId('call-hangup').click();
    await panel.getByText(/Видеозвонок завершён.*Борис/).first().waitFor({ timeout: 15000 });
    assert.deepEqual(pageErrors, []);
  });
});
