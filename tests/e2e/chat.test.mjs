// Issue 4 §6: a visitor on a customer site (another origin) and operators in the panel, all in
// real browsers, through the real daemon: the visitor appears in Visitors, writes; the operator
// sees the typing preview, answers, sends a file, transfers the dialog to a second operator, who
// asks for a rating and closes; the dialog is in History and found by search.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { addOperator } from '../support/chat.mjs';
import { waitFor } from '../support/daemon.mjs';
import { newPage, openFirstDialog, openVisitors, shot, signIn, startStage } from '../support/e2e.mjs';

const OWNER = 'owner@example.com';
const SECOND = 'anna@example.com';

describe('visitor and operator in real browsers', () => {
  let stage, d, api, customerOrigin, panel, visitor;
  let second;  // the second operator's panel
  let secondId;
  const pageErrors = [];

  before(async () => {
    stage = await startStage({ pageErrors });
    ({ d, api, customerOrigin, panel, visitor } = stage);
    const { site, browser, password } = stage;
    // A second operator of the site (invited over the admin socket), signed in in a third context.
    secondId = (await addOperator(d, site.id, SECOND, { role: 'operator', password: 'second operator password', name: 'Анна' })).user.id;
    second = await newPage(browser, { pageErrors });
    await signIn(panel, d.base, OWNER, password);
    await openVisitors(panel);
    await signIn(second, d.base, SECOND, 'second operator password');
    await second.getByTestId('nav-dialogs').click();
  });

  after(async () => { await stage?.stop(); });

  test('the visitor appears in Visitors and the two talk', async () => {
    await visitor.goto(`${customerOrigin}/`);
    await visitor.getByTestId('callpy-launcher').click();
    const row = panel.getByTestId('visitor-row');
    await row.first().waitFor();
    assert.match(await row.first().textContent(), /Каталог|127\.0\.0\.1/);

    const input = visitor.getByTestId('callpy-input');
    await input.fill('Есть ли этот товар в наличии?');
    await input.press('Enter');
    await visitor.locator('[data-testid="callpy-message"][data-state="sent"]').first().waitFor();

    await openFirstDialog(panel);
    await panel.getByTestId('chat-message').filter({ hasText: 'в наличии' }).waitFor();

    await input.fill('А доставка завтра <b>возможна</b>');
    await panel.getByTestId('chat-typing-preview').filter({ hasText: 'доставка завтра' }).waitFor();

    const reply = panel.getByTestId('chat-input');
    await reply.fill('Да, товар есть. <img src=x onerror="window.__xss=1">');
    await reply.press('Enter');
    await panel.locator('[data-testid="chat-message"][data-mine="true"][data-state="sent"]').first().waitFor();
    const seen = visitor.getByTestId('callpy-message').filter({ hasText: 'товар есть' });
    await seen.waitFor();
    assert.match(await seen.textContent(), /<img src=x onerror="window.__xss=1">/);
    assert.equal(await visitor.evaluate(() => window.__xss), undefined);
    await shot(panel, 'panel-dialog.png');
    await shot(visitor, 'widget-dialog.png');
  });

  test('the operator sends a file; the visitor gets it as a download', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n');
    await panel.getByTestId('chat-file-input').setInputFiles({ name: 'Прайс-лист.pdf', mimeType: 'application/pdf', buffer: pdf });
    await panel.getByTestId('chat-file').filter({ hasText: 'Прайс-лист.pdf' }).waitFor();
    const link = visitor.getByTestId('callpy-file').filter({ hasText: 'Прайс-лист.pdf' });
    await link.waitFor();
  });

  test('the operator transfers the dialog to a second operator, who takes over the conversation', async () => {
    await panel.getByTestId('chat-more').click();
    await panel.getByTestId('control-transfer').click();
    const choice = panel.locator(`[data-testid="transfer-operator"][data-user-id="${secondId}"]`);
    await choice.click();
    // Every side sees the system note; the second operator finds the dialog led by them.
    await visitor.getByTestId('callpy-message').filter({ hasText: 'Анна' }).first().waitFor();
    await second.getByTestId('dialog-item').first().click();
    await second.locator(`[data-testid="chat-assignee"][data-user-id="${secondId}"]`).waitFor();
    const input = second.getByTestId('chat-input');
    await input.fill('Здравствуйте, меня зовут Анна, продолжу я.');
    await input.press('Enter');
    await visitor.getByTestId('callpy-message').filter({ hasText: 'продолжу я' }).waitFor();
    await second.getByTestId('chat-message').filter({ hasText: 'Прайс-лист.pdf' }).waitFor();
    await shot(second, 'panel-transferred.png');
  });

  test('the second operator asks for a rating and sees the stars the visitor gives', async () => {
    // «Попросить оценку» is a secondary button under «Ещё» (manual: панель управления чатом).
    await second.getByTestId('chat-more').click();
    await second.getByTestId('control-rating').click();
    await visitor.getByTestId('callpy-rating').waitFor();
    await visitor.locator('[data-testid="callpy-rating-star"][data-stars="5"]').click();
    await visitor.getByTestId('callpy-rating-comment').fill('Спасибо, всё понятно');
    await visitor.getByTestId('callpy-rating-submit').click();
    await visitor.getByTestId('callpy-rating-done').waitFor();
    const rating = second.getByTestId('chat-rating');
    await rating.waitFor();
    assert.equal(await rating.getAttribute('data-stars'), '5');
    assert.match(await rating.textContent(), /Спасибо, всё понятно/);
  });

  test('the second operator closes the dialog; it is in History and found by search', async () => {
    second.once('dialog', (dialog) => dialog.accept());  // "Close this dialog?"
    await second.getByTestId('chat-close').click();
    await waitFor(async () => (await api.request('GET', '/api/panel/dialogs?folder=history')).body.dialogs?.length === 1,
      { what: 'the dialog in History' });
    const found = await api.request('GET', `/api/panel/dialogs?folder=history&q=${encodeURIComponent('наличии')}`);
    assert.equal(found.body.dialogs.length, 1, JSON.stringify(found.body));
    await panel.getByTestId('nav-history').click();
    await panel.getByTestId('history-search').fill('наличии');
    await panel.getByTestId('history-search-submit').click();
    const item = panel.getByTestId('archive-item');
    await item.first().waitFor();
    assert.equal(await item.count(), 1);
    await item.first().click();
    await panel.getByTestId('archive-pane').filter({ hasText: 'товар есть' }).waitFor();
    await panel.getByTestId('archive-pane').getByTestId('chat-file').filter({ hasText: 'Прайс-лист.pdf' }).waitFor();
    await shot(panel, 'panel-history.png');
    assert.deepEqual(pageErrors, []);
  });
});
