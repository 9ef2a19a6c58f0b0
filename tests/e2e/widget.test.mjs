// The chat widget in a real browser on a customer site served from another origin, against the
// real daemon: the visitor opens the launcher, writes, sees the message acknowledged and the
// operator's answer; the operator (a WebSocket client here) sees the typing preview; visitor text
// and operator text render as text; a reload keeps the visitor and the conversation.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { PanelClient, freePort, repoRoot, startDaemon } from '../support/daemon.mjs';
import { WsClient } from '../support/ws.mjs';

const { chromium } = createRequire(path.join(repoRoot, 'web-static/package.json'))('playwright-core');
const shots = path.join(repoRoot, 'build/test-output/e2e');

describe('widget on a customer site', () => {
  let d;
  let customer;
  let customerOrigin;
  let browser;
  let page;
  let operatorWs;

  before(async () => {
    fs.mkdirSync(shots, { recursive: true });
    d = await startDaemon();
    const b = await d.admin('POST', '/api/admin/v1/bootstrap', { email: 'owner@example.com' });
    const owner = new PanelClient(d.base);
    await owner.login('owner@example.com', b.body.password);
    const port = await freePort();
    customerOrigin = `http://127.0.0.1:${port}`;
    const site = (await owner.request('POST', '/api/panel/sites', { name: 'Ромашка', url: customerOrigin, language: 'ru' })).body.site;
    const snippet = (await owner.request('GET', `/api/panel/sites/${site.id}/snippet`)).body.body_start;
    // A customer page with hostile CSS the widget must survive.
    const html = `<!doctype html><html><head><meta charset="utf-8"><title>Магазин</title>
      <style>* { font-family: monospace !important; color: red !important; } button { background: yellow !important; }</style>
      </head><body>${snippet}<h1>Магазин «Ромашка»</h1><p>Товары и цены.</p></body></html>`;
    customer = http.createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(html);
    });
    await new Promise((r) => customer.listen(port, '127.0.0.1', r));
    operatorWs = await WsClient.open(`ws://127.0.0.1:${d.port}/ws/operator`, { headers: { Cookie: owner.cookie } });
    operatorWs.send({ t: 'hello', v: 1 });
    await operatorWs.type('welcome');

    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless=new'] });
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ru-RU' });
    // The widget's shadow root is closed; tests open it so selectors can reach inside.
    await ctx.addInitScript(() => {
      const attach = Element.prototype.attachShadow;
      Element.prototype.attachShadow = function (init) { return attach.call(this, { ...init, mode: 'open' }); };
    });
    page = await ctx.newPage();
    page.setDefaultTimeout(15000);
  });

  after(async () => {
    await browser?.close();
    operatorWs?.close();
    customer?.close();
    await d?.stop();
  });

  test('the visitor chats with the operator', async () => {
    await page.goto(`${customerOrigin}/`);
    await page.getByTestId('callpy-launcher').click();
    const input = page.getByTestId('callpy-input');
    await input.waitFor();
    const visitorFrame = await operatorWs.type('visitor');
    assert.match(visitorFrame.visitor.page.url ?? '', /127\.0\.0\.1/);

    await input.fill('Здравствуйте, есть доставка? <script>window.__xss = 1</script>');
    const peek = await operatorWs.type('typing', (f) => (f.text ?? '').includes('доставка'));
    assert.ok(peek.visitor > 0);
    await input.press('Enter');
    const sent = page.locator('[data-testid="callpy-message"][data-state="sent"]');
    await sent.first().waitFor();
    const msg = await operatorWs.type('msg', (f) => f.author.kind === 'visitor');
    assert.equal(msg.text, 'Здравствуйте, есть доставка? <script>window.__xss = 1</script>');

    operatorWs.send({ t: 'msg', dialog: msg.dialog, cid: 'op-1', text: 'Да, по всей России <img src=x onerror="window.__xss=2">' });
    await operatorWs.type('ack', (f) => f.cid === 'op-1');
    const reply = page.getByTestId('callpy-message').filter({ hasText: 'по всей России' });
    await reply.waitFor();
    assert.match(await reply.textContent(), /<img src=x onerror="window.__xss=2">/);
    assert.equal(await page.evaluate(() => window.__xss), undefined, 'no script ran from chat text');
    await page.screenshot({ path: path.join(shots, 'widget-chat.png') });

    // A reload is the same visitor with the same conversation.
    await page.reload();
    await page.getByTestId('callpy-message').filter({ hasText: 'по всей России' }).waitFor();
    assert.equal(await page.getByTestId('callpy-message').count(), 2);
  });

  test('on a phone-sized screen the window fills the viewport', async () => {
    await page.setViewportSize({ width: 375, height: 667 });
    const box = await page.getByTestId('callpy-window').boundingBox();
    assert.ok(box.width >= 360, `width ${box.width}`);
    await page.screenshot({ path: path.join(shots, 'widget-phone.png') });
  });
});
