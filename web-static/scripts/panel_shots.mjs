// Dev-only: screenshots of the panel's chat pages against the mock daemon (panel_dev.mjs),
// for eyeballing the design, plus a smoke check of the main flows. Needs
// `npm run build:panel` first.
//   node scripts/panel_shots.mjs [outDir]   (default ../build/panel-shots)
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startPanelMock } from './panel_dev.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const out = process.argv[2] ?? join(root, '..', 'build', 'panel-shots');
mkdirSync(out, { recursive: true });

const mock = await startPanelMock(0);
const base = `http://127.0.0.1:${mock.address().port}`;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const problems = [];
const check = (ok, what) => ok || problems.push(what);

const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ru-RU' });
const page = await ctx.newPage();
page.on('console', (m) => m.type() === 'error' && !/WebSocket connection to .* failed/.test(m.text()) && problems.push(m.text()));
page.on('pageerror', (e) => problems.push(e.message));
page.on('dialog', (d) => void d.accept());
const shot = async (name) => {
  await page.waitForTimeout(200);
  await page.screenshot({ path: join(out, name + '.png') });
};

// Visitors: snapshot, then a live arrival.
await page.goto(base + '/app/sites');
await page.getByTestId('nav-visitors-count').waitFor();
await shot('sites-with-counter');
await page.getByTestId('nav-visitors').click();
await page.locator('[data-testid="visitor-row"]').nth(5).waitFor();
check((await page.locator('.person__name', { hasText: '<img src=x onerror=alert(1)>' }).count()) === 1, 'an XSS-looking name is shown as text');
check((await page.locator('img[src="x"]').count()) === 0, 'no element injected from a name');
await page.getByTestId('nav-visitors-count').waitFor({ state: 'detached' });
await shot('visitors');

// Start a chat with a visitor: the dialog opens.
await page.locator('[data-visitor-id="51"] [data-testid="visitor-start"]').click();
await page.waitForURL(/\/app\/dialogs\/\d+$/);
await page.getByTestId('chat-input').waitFor();
await shot('dialogs-new');

// The dialog with history, the typing preview and a live message elsewhere.
await page.locator('[data-testid="dialog-item"][data-dialog-id="7"]').click();
await page.getByTestId('chat-typing-preview').waitFor();
check((await page.getByTestId('chat-input').getAttribute('spellcheck')) === 'true', 'spellcheck on the input');
await page.getByTestId('chat-input').fill('Да, можно — оплата картой курьеру или наличными.');
await page.getByTestId('chat-input').press('Enter');
await page.locator('[data-testid="chat-message"][data-mine="true"]').nth(2).waitFor();
await page.locator('[data-testid="chat-message"][data-state="sent"]').last().waitFor();
check((await page.getByTestId('chat-messages').getByText('Да, можно — оплата картой курьеру или наличными.', { exact: true }).count()) === 1, 'the sent message is shown once');
await page.getByTestId('chat-input').fill('И сборку тоже организуем');
await shot('dialogs');
await page.getByTestId('chat-emoji').click();
await page.getByTestId('chat-emoji-picker').waitFor();
await shot('dialogs-emoji');
await page.keyboard.press('Escape');

// Reconnect: the banner shows and goes.
await fetch(base + '/mock/drop');
await page.getByTestId('chat-connection').waitFor();
await shot('dialogs-reconnecting');
await page.getByTestId('chat-connection').waitFor({ state: 'detached', timeout: 15000 });

// Important and close.
await page.getByTestId('chat-important').click();
await page.locator('[data-testid="chat-important"][aria-pressed="true"]').waitFor();
await page.getByTestId('chat-close').click();
await page.waitForURL(/\/app\/dialogs$/);
check((await page.locator('[data-testid="dialog-item"][data-dialog-id="7"]').count()) === 0, 'a closed dialog leaves the list');

// History with search.
await page.getByTestId('nav-history').click();
await page.getByTestId('archive-list').waitFor();
await page.getByTestId('history-search').fill('юрлиц');
await page.getByTestId('history-search-submit').click();
await page.waitForURL(/q=/);
await page.locator('[data-testid="archive-item"]').first().click();
await page.getByTestId('archive-pane').waitFor();
await page.getByText('Есть ли скидки для юрлиц?').waitFor();
check((await page.locator('[data-testid="archive-item"]').count()) === 1, 'search narrows the history');
await shot('history');
await page.getByTestId('nav-important').click();
await page.getByTestId('archive-list').waitFor();
await shot('important');
await page.getByTestId('nav-profile').click();
await page.getByTestId('notify-settings').waitFor();
await shot('profile-notifications');
await ctx.close();

// A phone-sized window.
const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'ru-RU' });
const pp = await phone.newPage();
pp.on('pageerror', (e) => problems.push('phone: ' + e.message));
await pp.goto(base + '/app/dialogs/8');
await pp.getByTestId('chat-input').waitFor();
await pp.waitForTimeout(300);
await pp.screenshot({ path: join(out, 'phone-dialog.png') });
await phone.close();

await browser.close();
mock.closeAllConnections?.();
mock.close();
console.log(`screenshots in ${out}`);
if (problems.length) {
  console.error('problems:\n' + problems.join('\n'));
  process.exit(1);
}
