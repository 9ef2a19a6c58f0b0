// Issue 4 §3 dialog controls, quick buttons and quick replies in real browsers through the
// real daemon: the operator picks, edits and sends a quick reply and stars a sent message
// (it shows up in the picker); drags a secondary button onto the quick-button bar and pins
// another from the keyboard (both survive a reload: preferences are kept by the daemon);
// renames the visitor and blocks them — the visitor is listed in Blocked and the widget
// shows the blocked notice without a composer.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { waitFor } from '../support/daemon.mjs';
import { openFirstDialog, openVisitors, shot, signIn, startStage, visitorWrites } from '../support/e2e.mjs';

const OWNER = 'owner@example.com';

describe('dialog controls, quick buttons and quick replies in real browsers', () => {
  let stage, d, api, customerOrigin, panel, visitor;
  const pageErrors = [];

  before(async () => {
    stage = await startStage({ pageErrors, panelViewport: { width: 1400, height: 900 } });
    ({ d, api, customerOrigin, panel, visitor } = stage);
    await signIn(panel, d.base, OWNER, stage.password);
    await openVisitors(panel);

    await visitorWrites(visitor, `${customerOrigin}/`, 'Здравствуйте, вопрос по заказу');
    await openFirstDialog(panel);
    await panel.getByTestId('chat-message').filter({ hasText: 'вопрос по заказу' }).waitFor();
  });

  after(async () => { await stage?.stop(); });

  test('a quick reply is created, picked into the input, edited and sent; a starred message shows up in the picker', async () => {
    await panel.getByTestId('chat-quick-replies').click();
    const picker = panel.getByTestId('quick-replies');
    await picker.waitFor();
    await panel.getByTestId('quick-replies-new').click();
    await panel.getByTestId('quick-reply-title').fill('Приветствие');
    await panel.getByTestId('quick-reply-body').fill('Добрый день! Меня зовут Анна.');
    await panel.getByTestId('quick-reply-save').click();
    const reply = picker.getByTestId('quick-reply').filter({ hasText: 'Приветствие' });
    await reply.waitFor();
    const input = panel.getByTestId('chat-input');
    await input.fill('Ответ:');
    await reply.locator('.qr__pick').click();
    await picker.waitFor({ state: 'detached' });
    assert.equal(await input.inputValue(), 'Ответ: Добрый день! Меня зовут Анна.', 'inserted at the caret, not sent');
    assert.equal(await panel.locator('[data-testid="chat-message"][data-mine="true"]').count(), 0, 'nothing was sent by picking');
    await input.press('End');
    await input.type(' Чем помочь?');
    await input.press('Enter');
    const mine = panel.locator('[data-testid="chat-message"][data-mine="true"][data-state="sent"]').filter({ hasText: 'Чем помочь?' });
    await mine.waitFor();
    await visitor.getByTestId('callpy-message').filter({ hasText: 'Добрый день! Меня зовут Анна. Чем помочь?' }).waitFor();

    const star = mine.getByTestId('chat-star');
    await star.click();
    await panel.locator('[data-testid="chat-star"][aria-pressed="true"]').waitFor();
    await panel.getByTestId('chat-quick-replies').click();
    await picker.getByTestId('quick-reply').filter({ hasText: 'Ответ: Добрый день! Меня зовут Анна. Чем помочь?' }).waitFor();
    await shot(panel, 'panel-quick-replies.png');
    await panel.keyboard.press('Escape');
    await picker.waitFor({ state: 'detached' });
  });

  test('a secondary button dragged onto the quick-button bar (and one pinned from the keyboard) survives a reload', async () => {
    await panel.getByTestId('chat-more').click();
    const menu = panel.getByTestId('chat-more-menu');
    await menu.waitFor();
    await shot(panel, 'panel-more-menu.png');
    await panel.dragAndDrop('[data-testid="more-item"][data-button="rename"]', '[data-testid="quick-bar"]');
    await panel.locator('[data-testid="quick-button"][data-button="rename"]').waitFor();
    // The keyboard way: focus the pin toggle of «Block» and press Enter.
    await panel.getByTestId('pin-block').focus();
    await panel.keyboard.press('Enter');
    await panel.locator('[data-testid="quick-button"][data-button="block"]').waitFor();
    await waitFor(
      async () => JSON.stringify((await api.request('GET', '/api/panel/me/preferences')).body.preferences?.quick_buttons) === '["rename","block"]',
      { what: 'quick buttons saved by the daemon' },
    );
    await shot(panel, 'panel-quick-bar.png');
    await panel.reload();
    await panel.locator('[data-testid="quick-button"][data-button="rename"]').waitFor();
    const order = await panel.getByTestId('quick-button').evaluateAll((els) => els.map((e) => e.getAttribute('data-button')));
    assert.deepEqual(order, ['rename', 'block']);
  });

  test('the operator renames the visitor from the quick bar, then blocks them: listed in Blocked, the widget says so', async () => {
    await panel.locator('[data-testid="quick-button"][data-button="rename"]').click();
    await panel.getByTestId('rename-input').fill('Иван Петров');
    await panel.getByTestId('rename-dialog').getByTestId('control-submit').click();
    await panel.getByTestId('rename-dialog').waitFor({ state: 'detached' });
    await panel.locator('[data-testid="control-status"][data-ok]').waitFor();
    await shot(panel, 'panel-renamed.png');
    // The header may be squeezed by the side panel: check its text, not its visibility.
    await waitFor(async () => ((await panel.getByTestId('chat-title').textContent()) ?? '').includes('Иван Петров'), { what: 'the renamed title' });
    await panel.locator('[data-testid="control-status"][data-ok="true"]').waitFor();
    await panel.getByTestId('dialog-item').filter({ hasText: 'Иван Петров' }).waitFor();

    panel.once('dialog', (dialog) => dialog.accept()); // "Block the visitor?"
    await panel.locator('[data-testid="quick-button"][data-button="block"]').click();
    await panel.locator('[data-testid="control-status"][data-ok]').waitFor();
    await visitor.getByTestId('callpy-blocked').waitFor();
    assert.equal(await visitor.getByTestId('callpy-input').count(), 0, 'no composer for a blocked visitor');
    await shot(visitor, 'widget-blocked.png');

    await panel.getByTestId('nav-blocked').click();
    const row = panel.getByTestId('blocked-visitor').filter({ hasText: 'Иван Петров' });
    await row.waitFor();
    await shot(panel, 'panel-blocked.png');

    // After a reload the widget still knows (welcome.visitor.blocked); the window comes back open.
    await visitor.reload();
    await visitor.getByTestId('callpy-blocked').waitFor();

    await row.getByTestId('unblock').click();
    await row.waitFor({ state: 'detached' });
    await visitor.getByTestId('callpy-input').waitFor();
    assert.equal(await visitor.getByTestId('callpy-blocked').count(), 0);
    assert.deepEqual(pageErrors, []);
  });
});
