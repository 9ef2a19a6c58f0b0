// Dev-only: screenshots of the widget on the mock customer site (desktop and phone), for
// eyeballing the design. Needs `npm run build:widget` first.
//   node scripts/widget_shots.mjs [outDir]   (default ../build/widget-shots)
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startMock, startSite } from './widget_dev.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const out = process.argv[2] ?? join(root, '..', 'build', 'widget-shots');
mkdirSync(out, { recursive: true });

const mock = await startMock(0);
const daemon = `http://127.0.0.1:${mock.address().port}`;
const site = await startSite(0, daemon, 'demo');
const siteUrl = `http://127.0.0.1:${site.address().port}/`;
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
const problems = [];

async function visitor(viewport, key, mobile = false) {
  const ctx = await browser.newContext({ viewport, isMobile: mobile, hasTouch: mobile, deviceScaleFactor: mobile ? 2 : 1 });
  // The widget's shadow root is closed; Playwright only pierces open ones, so tests force
  // open mode before any page script runs (the e2e tests do the same).
  await ctx.addInitScript(() => {
    const attach = Element.prototype.attachShadow;
    Element.prototype.attachShadow = function (init) {
      return attach.call(this, { ...init, mode: 'open' });
    };
  });
  const page = await ctx.newPage();
  page.on('console', (m) => {
    // The planned outage below makes the browser log failed handshakes.
    if (m.type() === 'error' && !/WebSocket connection to .* failed/.test(m.text())) problems.push(`${key}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`${key}: ${e.message}`));
  await page.goto(siteUrl + '?key=' + key);
  await page.getByTestId('callpy-launcher').waitFor();
  return { ctx, page };
}
const shot = async (page, name) => {
  await page.waitForTimeout(250); // let the opening animation finish
  await page.screenshot({ path: join(out, name + '.png') });
};

// Desktop
{
  const { ctx, page } = await visitor({ width: 1280, height: 800 }, 'demo');
  await page.waitForTimeout(300); // settle the page's own fonts for the picture
  await shot(page, 'desktop-launcher');
  await page.getByTestId('callpy-launcher').click();
  const input = page.getByTestId('callpy-input');
  await input.waitFor();
  await page.getByTestId('callpy-status').waitFor();
  await shot(page, 'desktop-empty');
  await input.fill('Здравствуйте! Есть доставка в Казань?');
  await input.press('Enter');
  await page.getByText('Вы написали', { exact: false }).waitFor();
  await input.fill('<img src=x onerror=alert(1)> и ещё вопрос');
  await input.press('Enter');
  await page.getByText('<img src=x onerror=alert(1)> и ещё вопрос', { exact: true }).first().waitFor();
  await page.getByTestId('callpy-typing').waitFor();
  await input.fill('А сколько стоит дост');
  await shot(page, 'desktop-chat');
  await page.getByTestId('callpy-emoji').click();
  await shot(page, 'desktop-emoji');
  await page.keyboard.press('Escape');
  // Connection loss: the banner, a queued message, then recovery with the same cid.
  await fetch(daemon + '/mock/down?ms=4000');
  await page.getByTestId('callpy-connection').waitFor();
  await input.fill('Сообщение без связи');
  await input.press('Enter');
  await page.locator('[data-testid="callpy-message"][data-state="queued"]').waitFor();
  await shot(page, 'desktop-reconnecting');
  await page.locator('[data-testid="callpy-message"][data-state="queued"]').waitFor({ state: 'detached', timeout: 20000 });
  await page.getByTestId('callpy-connection').waitFor({ state: 'detached' });
  const count = await page.getByText('Сообщение без связи', { exact: true }).count();
  if (count !== 1) problems.push(`re-sent message shown ${count} times`);
  // A reload is the same visitor with the same dialog.
  await page.reload();
  await page.getByText('Сообщение без связи', { exact: true }).waitFor();
  await shot(page, 'desktop-after-reload');
  await ctx.close();
}
// Phone
{
  const { ctx, page } = await visitor({ width: 375, height: 667 }, 'demo', true);
  await shot(page, 'phone-launcher');
  await page.getByTestId('callpy-launcher').tap();
  const input = page.getByTestId('callpy-input');
  await input.waitFor();
  await input.fill('Добрый день! Когда приедет заказ №1042?');
  await input.press('Enter');
  await page.getByText('Вы написали', { exact: false }).waitFor();
  await shot(page, 'phone-chat');
  await ctx.close();
}
// Nobody online, English site
{
  const { ctx, page } = await visitor({ width: 1280, height: 800 }, 'demo-offline');
  await page.getByTestId('callpy-launcher').click();
  await page.getByTestId('callpy-offline').waitFor();
  await shot(page, 'desktop-offline');
  await ctx.close();
}
{
  const { ctx, page } = await visitor({ width: 375, height: 667 }, 'demo-en', true);
  await page.getByTestId('callpy-launcher').tap();
  await page.getByTestId('callpy-status').waitFor();
  await shot(page, 'phone-en-empty');
  await ctx.close();
}

await browser.close();
mock.close();
site.close();
console.log(`screenshots in ${out}`);
if (problems.length) {
  console.error('problems:\n' + problems.join('\n'));
  process.exit(1);
}
