// F18 through the real widget: the operator calls, the widget rings, the visitor presses
// «Ответить на телефоне» and the widget shows a QR code (qr.js is fetched only then). A phone
// (a third browser context, no sign-in) opens the link, answers, and the operator decodes it;
// the widget says «Звонок продолжается на другом устройстве» and «Вернуть звонок сюда» brings
// the call back with the operator still decoding on the same SSRCs. The link works once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { flowing, panelStats, rises, widgetStats } from '../support/call_e2e.mjs';
import { newPage, shot, signIn, startStage, visitorWrites } from '../support/e2e.mjs';
import { kCallBrowserArgs } from '../support/webrtc_peer.mjs';

const OWNER = 'owner@example.com';

describe("the visitor's phone by QR in the widget", () => {
  let stage, d, customerOrigin, panel, visitor, browser;
  const pageErrors = [];

  before(async () => {
    stage = await startStage({ pageErrors, browserArgs: kCallBrowserArgs,
      daemon: { extraYaml: 'rtc:\n  interfaces: [127.0.0.1]\n  port_range: 45000-45999\n' } });
    ({ d, customerOrigin, panel, visitor, browser } = stage);
    await signIn(panel, d.base, OWNER, stage.password);
    await panel.getByTestId('nav-dialogs').waitFor();
  });

  after(async () => {
    await stage?.stop();
    assert.doesNotMatch(d?.stderr ?? '', /AddressSanitizer|LeakSanitizer|runtime error:/);
  });

  test('answer on my phone, the call goes on there, and comes back', async () => {
    const scripts = [];
    visitor.on('request', (r) => scripts.push(new URL(r.url()).pathname));
    await visitorWrites(visitor, `${customerOrigin}/`, 'Позвоните, отвечу с телефона');
    await panel.getByTestId('nav-dialogs').click();
    await panel.getByTestId('dialog-item').filter({ hasText: 'Позвоните, отвечу с телефона' }).first().click();
    await panel.getByRole('button', { name: 'Видеозвонок' }).click();

    await visitor.getByTestId('call-incoming').waitFor();
    assert.ok(!scripts.includes('/widget/qr.js'), 'the QR code maker is not loaded before it is needed');
    const answerOnPhone = visitor.getByRole('button', { name: 'Ответить на телефоне' });
    await answerOnPhone.click();
    const qr = visitor.getByTestId('call-qr');
    await visitor.getByTestId('call-qr-image').waitFor();
    assert.ok(scripts.includes('/widget/qr.js'), 'qr.js came on the click');
    assert.ok((await visitor.getByTestId('call-qr-image').locator('path').getAttribute('d')).length > 200, 'a QR code is drawn');
    await shot(visitor, 'call-visitor-phone-01-qr.png');
    const url = await qr.getAttribute('data-url');
    assert.match(url, new RegExp(`^${d.base}/app/call/[0-9a-f]{64}$`));

    // The phone: a small touch screen, no cookies, straight from the QR code.
    const phone = await newPage(browser, { pageErrors, viewport: { width: 390, height: 844 }, context: { isMobile: true, hasTouch: true } });
    await phone.goto(url);
    await phone.locator('[data-testid="phone-call"][data-side="visitor"]').waitFor();
    await phone.getByTestId('call-incoming').waitFor();
    assert.match(await phone.getByTestId('call-incoming').textContent(), /Входящий видеозвонок/);
    await shot(phone, 'call-visitor-phone-02-phone-rings.png');
    await phone.getByTestId('call-accept-video').click();
    await phone.locator('[data-testid="call-view"][data-phase="active"]').waitFor({ timeout: 25000 });
    await panel.locator('[data-testid="call-view"][data-phase="active"]').waitFor({ timeout: 25000 });
    await flowing(() => panelStats(phone), 'the visitor phone');
    const op0 = await flowing(() => panelStats(panel), 'operator');
    const elsewhere = visitor.getByTestId('call-elsewhere');
    await elsewhere.filter({ hasText: 'Звонок продолжается на другом устройстве' }).waitFor();
    await shot(phone, 'call-visitor-phone-03-phone-in-call.png');
    await shot(visitor, 'call-visitor-phone-04-widget-elsewhere.png');

    // The link works once: a second phone gets the "expired or used" page.
    const again = await newPage(browser, { pageErrors, viewport: { width: 390, height: 844 } });
    await again.goto(url);
    await again.getByTestId('phone-link-gone').waitFor();
    await again.context().close();

    // «Вернуть звонок сюда»: the widget takes the call back; the operator keeps decoding on the
    // same camera SSRC, the phone shows that the call went elsewhere.
    await elsewhere.getByRole('button', { name: 'Вернуть звонок сюда' }).click();
    await visitor.locator('[data-testid="call-view"][data-phase="active"]').waitFor({ timeout: 25000 });
    await phone.getByTestId('call-elsewhere').waitFor({ timeout: 25000 });
    await flowing(() => widgetStats(visitor), 'the visitor widget after return');
    const back = await rises(() => panelStats(panel), (s) => s.camera.frames, op0.camera.frames, 60, 'the operator to keep decoding');
    assert.equal(back.camera.ssrc, op0.camera.ssrc, 'the operator receives on the same SSRC');
    assert.equal(back.localSdp, op0.localSdp, 'the operator did not renegotiate');

    // During the call the widget offers «Перевести на телефон» too.
    await visitor.getByRole('button', { name: 'Перевести на телефон' }).waitFor();
    await shot(visitor, 'call-visitor-phone-05-widget-back.png');
    await phone.context().close();
    await visitor.getByTestId('call-hangup').click();
    await panel.getByTestId('call-ended').waitFor();
    assert.deepEqual(pageErrors, []);
  });
});
