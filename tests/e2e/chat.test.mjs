// Issue 4 §6: a visitor on a customer site (another origin) and an operator in the panel, both in
// real browsers, through the real daemon: the visitor appears in Visitors, writes; the operator
// sees the typing preview, answers, closes; the dialog is in History and found by search.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { PanelClient, freePort, repoRoot, startDaemon, waitFor } from '../support/daemon.mjs';

const { chromium } = createRequire(path.join(repoRoot, 'web-static/package.json'))('playwright-core');
const shots = path.join(repoRoot, 'build/test-output/e2e');
const OWNER = 'owner@example.com';

describe('visitor and operator in real browsers', () => {
  let d;
  let customer;
  let customerOrigin;
  let browser;
  let panel;
  let visitor;
  let api;
  const pageErrors = [];

  before(async () => {
    fs.mkdirSync(shots, { recursive: true });
    d = await startDaemon();
    const b = await d.admin('POST', '/api/admin/v1/bootstrap', { email: OWNER });
    api = new PanelClient(d.base);
    await api.login(OWNER, b.body.password);
    const port = await freePort();
    customerOrigin = `http://127.0.0.1:${port}`;
    const site = (await api.request('POST', '/api/panel/sites', { name: 'Ромашка', url: customerOrigin })).body.site;
    const snippet = (await api.request('GET', `/api/panel/sites/${site.id}/snippet`)).body.anywhere;
    const html = `<!doctype html><html><head><meta charset="utf-8"><title>Каталог</title></head>
      <body><h1>Каталог</h1>${snippet}</body></html>`;
    customer = http.createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(html);
    });
    await new Promise((r) => customer.listen(port, '127.0.0.1', r));

    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless=new'] });
    const panelCtx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ru-RU' });
    panel = await panelCtx.newPage();
    const visitorCtx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ru-RU' });
    await visitorCtx.addInitScript(() => {
      const attach = Element.prototype.attachShadow;
      Element.prototype.attachShadow = function (init) { return attach.call(this, { ...init, mode: 'open' }); };
    });
    visitor = await visitorCtx.newPage();
    for (const p of [panel, visitor]) {
      p.setDefaultTimeout(15000);
      p.on('pageerror', (e) => pageErrors.push(String(e)));
    }
    await panel.goto(`${d.base}/app/login`);
    await panel.getByTestId('login-email').fill(OWNER);
    await panel.getByTestId('login-password').fill(b.body.password);
    await panel.getByTestId('login-submit').click();
    await panel.getByTestId('nav-visitors').click();
    await panel.getByTestId('visitors-table').or(panel.getByTestId('visitors-empty')).first().waitFor();
  });

  after(async () => {
    await browser?.close();
    customer?.close();
    await d?.stop();
  });

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

    await panel.getByTestId('nav-dialogs').click();
    await panel.getByTestId('dialog-item').first().click();
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
    await panel.screenshot({ path: path.join(shots, 'panel-dialog.png') });
    await visitor.screenshot({ path: path.join(shots, 'widget-dialog.png') });
  });

  test('the operator asks for a rating and sees the stars the visitor gives', async () => {
    await panel.getByTestId('chat-rate-request').click();
    await visitor.getByTestId('callpy-rating').waitFor();
    await visitor.locator('[data-testid="callpy-rating-star"][data-stars="5"]').click();
    await visitor.getByTestId('callpy-rating-comment').fill('Спасибо, всё понятно');
    await visitor.getByTestId('callpy-rating-submit').click();
    await visitor.getByTestId('callpy-rating-done').waitFor();
    const rating = panel.getByTestId('chat-rating');
    await rating.waitFor();
    assert.equal(await rating.getAttribute('data-stars'), '5');
    assert.match(await rating.textContent(), /Спасибо, всё понятно/);
  });

  test('the operator closes the dialog; it is in History and found by search', async () => {
    panel.once('dialog', (dialog) => dialog.accept());  // "Close this dialog?"
    await panel.getByTestId('chat-close').click();
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
    await panel.screenshot({ path: path.join(shots, 'panel-history.png') });
    assert.deepEqual(pageErrors, []);
  });
});
