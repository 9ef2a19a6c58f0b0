// Routing in real browsers (issue 4 §4): the owner sets the site's chat settings in the panel's
// Chat tab; a visitor on a phone-sized customer page picks a department in the widget (keyboard)
// and the dialog goes to that department's operator, not to the less busy default one.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { addOperator, operatorSocket, visitorSocket } from '../support/chat.mjs';
import { waitFor } from '../support/daemon.mjs';
import { shot, signIn, startStage } from '../support/e2e.mjs';

const OWNER = 'owner@example.com';

describe('pre-chat department choice in real browsers', () => {
  let stage, d, api, site, customerOrigin, panel, visitor;
  let second;
  let secondId;
  let sales;
  let support;
  const pageErrors = [];

  before(async () => {
    stage = await startStage({ pageErrors,
      visitorPage: { viewport: { width: 390, height: 844 }, context: { isMobile: true, hasTouch: true } },
      site: { html: (snippet) => `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
      <title>Каталог</title></head><body><h1>Каталог</h1>${snippet}</body></html>` } });
    ({ d, api, site, customerOrigin, panel, visitor } = stage);
    const { client: secondClient } = await addOperator(d, site.id, 'sales@example.com', { password: 'sales-pass-1' });
    const deps = `/api/panel/sites/${site.id}/departments`;
    sales = (await api.request('POST', deps, { name: 'Отдел продаж', slug: 'sales' })).body.department;
    support = (await api.request('POST', deps, { name: 'Поддержка', slug: 'support' })).body.department;
    await api.request('POST', `${deps}/sales/operators`, { user: 'sales@example.com' });
    await api.request('POST', `${deps}/support/operators`, { user: OWNER });
    // The sales operator is online (a bare socket) and already busy with one dialog, so only
    // the visitor's choice can send the next one there.
    let welcome;
    ({ o: second, welcome } = await operatorSocket(d, secondClient));
    secondId = welcome.user.id;

    await signIn(panel, d.base, OWNER, stage.password);
    await panel.getByTestId('nav-dialogs').waitFor();
  });

  after(async () => {
    second?.close();
    await stage?.stop();
  });

  test('the owner sets the chat settings in the panel', async () => {
    await panel.goto(`${d.base}/app/sites/${site.id}/chat`);
    const form = panel.getByTestId('site-chat');
    await form.waitFor();
    await panel.getByTestId('chat-default-department').selectOption(String(support.id));
    await panel.getByTestId('chat-dialog-limit').fill('3');
    await panel.getByTestId('chat-first-response').fill('0');
    await panel.getByTestId(`chat-limit-${secondId}`).fill('5');
    await panel.getByTestId('chat-save').click();
    await panel.getByTestId('form-notice').waitFor();
    const saved = (await api.request('GET', `/api/panel/sites/${site.id}`)).body.site.chat;
    assert.deepEqual(saved, { typing_preview: true, first_response_seconds: 0, dialog_limit: 3, prechat_departments: true,
      default_department_id: support.id });
    assert.deepEqual((await api.request('GET', `/api/panel/sites/${site.id}/dialog_limits`)).body.dialog_limits, { [secondId]: 5 });
    await shot(panel, 'panel-chat-settings.png');
  });

  test('the visitor picks a department with the keyboard; its operator gets the dialog', async () => {
    // Make the sales operator the busier one: a dialog it already leads.
    const { v: busy } = await visitorSocket(d, site, { tab: 'b', page: { url: `${customerOrigin}/`, title: 'x' }, origin: customerOrigin });
    busy.send({ t: 'msg', cid: 'b1', text: 'earlier', department: sales.id });
    const busyDialog = (await busy.type('ack')).dialog;
    // Both operators online (the owner through the panel page), so the choice decides.
    await second.type('team', (f) => f.site === site.id && f.operators.filter((x) => x.online).length === 2);

    await visitor.goto(`${customerOrigin}/`);
    await visitor.getByTestId('callpy-launcher').click();
    const choice = visitor.getByTestId('callpy-prechat');
    await choice.waitFor();
    assert.match(await choice.textContent(), /Выберите отдел/);
    const options = visitor.getByTestId('callpy-prechat-option');
    assert.deepEqual(await options.allTextContents(), ['Отдел продаж', 'Поддержка']);
    assert.equal(await visitor.getByTestId('callpy-input').count(), 0, 'no input before the choice');
    // Phone-sized: every option fits the viewport and is a comfortable tap target.
    for (const box of await Promise.all((await options.all()).map((o) => o.boundingBox()))) {
      assert.ok(box.x >= 0 && box.x + box.width <= 390, JSON.stringify(box));
      assert.ok(box.height >= 40, JSON.stringify(box));
    }
    await shot(visitor, 'widget-prechat.png');
    // Focus starts on the first option; ArrowDown, ArrowUp and Enter pick «Отдел продаж».
    await visitor.keyboard.press('ArrowDown');
    await visitor.keyboard.press('ArrowUp');
    await visitor.keyboard.press('Enter');
    await visitor.getByTestId('callpy-prechat-chosen').filter({ hasText: 'Отдел продаж' }).waitFor();
    const input = visitor.getByTestId('callpy-input');
    await input.fill('Хочу купить оптом');
    await input.press('Enter');
    await visitor.locator('[data-testid="callpy-message"][data-state="sent"]').first().waitFor();

    const routed = await second.type('dialog', (f) => f.dialog.id !== busyDialog && f.dialog.assignee !== null);
    assert.equal(routed.dialog.assignee, secondId, 'the chosen department, though its operator is busier');
    await waitFor(async () => {
      const list = (await api.request('GET', '/api/panel/dialogs?folder=open')).body.dialogs;
      return list.filter((x) => x.assignee === secondId).length === 2;
    }, { what: 'both dialogs with the sales operator' });
    // The owner's panel lists it too (every operator of the site sees the site's dialogs).
    await panel.getByTestId('nav-dialogs').click();
    await panel.getByTestId('dialog-item').filter({ hasText: 'Хочу купить оптом' }).waitFor();
    assert.deepEqual(pageErrors, []);
  });

  test('unanswered past first_response_seconds: the panel highlights the offer and takes it', async () => {
    await api.request('PATCH', `/api/panel/sites/${site.id}`, { chat: { first_response_seconds: 1 } });
    const { v } = await visitorSocket(d, site, { tab: 'o', page: { url: `${customerOrigin}/`, title: 'x' }, origin: customerOrigin });
    v.send({ t: 'msg', cid: 'o1', text: 'Кто-нибудь тут есть?', department: sales.id });
    const dialog = (await v.type('ack')).dialog;
    await second.type('offer', (f) => f.dialog === dialog);  // the sales operator does not answer
    await panel.getByTestId('nav-dialogs').click();
    const offer = panel.locator(`[data-testid="offer"][data-dialog-id="${dialog}"]`);
    await offer.waitFor();
    await shot(panel, 'panel-offer.png');
    await offer.getByTestId('offer-take').click();
    const taken = await second.type('offer_taken', (f) => f.dialog === dialog);
    const owner = (await api.request('GET', '/api/panel/me')).body.user.id;
    assert.equal(taken.by, owner);
    await second.type('dialog', (f) => f.dialog.id === dialog && f.dialog.assignee === owner);
    await offer.waitFor({ state: 'detached' });
    // The taker lands in the conversation and answers.
    const reply = panel.getByTestId('chat-input');
    await reply.fill('Да, я здесь');
    await reply.press('Enter');
    await v.type('msg', (f) => f.text === 'Да, я здесь');
    v.close();
    assert.deepEqual(pageErrors, []);
  });
});
