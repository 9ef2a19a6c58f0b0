// Issue 4 §6, second scenario: no operator online → the widget offers the offline form → the
// request arrives by e-mail at the site's address (a real SMTP server) and is kept as a dialog.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { PanelClient, freePort, repoRoot, startDaemon, startSmtpSink } from '../support/daemon.mjs';

const { chromium } = createRequire(path.join(repoRoot, 'web-static/package.json'))('playwright-core');
const shots = path.join(repoRoot, 'build/test-output/e2e');

describe('offline form in a real browser', () => {
  let d;
  let smtp;
  let customer;
  let browser;
  let owner;
  let url;
  let password;
  let siteId;

  before(async () => {
    fs.mkdirSync(shots, { recursive: true });
    smtp = await startSmtpSink();
    d = await startDaemon({ smtpPort: smtp.port });
    const b = await d.admin('POST', '/api/admin/v1/bootstrap', { email: 'owner@example.com' });
    owner = new PanelClient(d.base);
    await owner.login('owner@example.com', b.body.password);
    password = b.body.password;
    const port = await freePort();
    url = `http://127.0.0.1:${port}/`;
    const site = (await owner.request('POST', '/api/panel/sites', { name: 'Ромашка', url, language: 'ru' })).body.site;
    siteId = site.id;
    const snippet = (await owner.request('GET', `/api/panel/sites/${site.id}/snippet`)).body.body_start;
    customer = http.createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><meta charset="utf-8"><title>Ромашка</title><body>${snippet}<h1>Ромашка</h1></body>`);
    });
    await new Promise((r) => customer.listen(port, '127.0.0.1', r));
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless=new'] });
  });

  after(async () => {
    await browser?.close();
    customer?.close();
    await d?.stop();
    smtp?.stop();
  });

  test('the owner sets the offline-form address in the panel', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ru-RU' });
    const panel = await ctx.newPage();
    panel.setDefaultTimeout(15000);
    await panel.goto(`${d.base}/app/login`);
    await panel.getByTestId('login-email').fill('owner@example.com');
    await panel.getByTestId('login-password').fill(password);
    await panel.getByTestId('login-submit').click();
    await panel.getByTestId('logout').waitFor();
    await panel.goto(`${d.base}/app/sites/${siteId}`);
    await panel.getByTestId('tab-general').click();
    await panel.getByTestId('general-offline-emails').fill('zayavki@example.com\nnot an address');
    await panel.getByTestId('general-save').click();
    await panel.getByTestId('form-error').waitFor();  // the server refuses the bad address
    await panel.getByTestId('general-offline-emails').fill('Zayavki@Example.com');
    await panel.getByTestId('general-save').click();
    await panel.getByTestId('form-notice').waitFor();  // «Сохранено»
    const saved = await owner.request('GET', `/api/panel/sites/${siteId}`);
    await ctx.close();
    assert.deepEqual(saved.body.site.offline_emails, ['zayavki@example.com']);
  });

  test('the request is e-mailed to the site and kept as a dialog', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ru-RU' });
    await ctx.addInitScript(() => {
      const attach = Element.prototype.attachShadow;
      Element.prototype.attachShadow = function (init) { return attach.call(this, { ...init, mode: 'open' }); };
    });
    const page = await ctx.newPage();
    page.setDefaultTimeout(15000);
    await page.goto(url);
    await page.getByTestId('callpy-launcher').click();
    await page.getByTestId('callpy-offline-form').waitFor();
    await page.getByTestId('callpy-offline-email').fill('not-an-address');
    await page.getByTestId('callpy-offline-text').fill('Нужна консультация по доставке');
    await page.getByTestId('callpy-offline-submit').click();
    assert.equal(await page.getByTestId('callpy-offline-done').count(), 0, 'a bad address is caught');
    await page.getByTestId('callpy-offline-name').fill('Мария');
    await page.getByTestId('callpy-offline-email').fill('maria@example.com');
    await page.getByTestId('callpy-offline-submit').click();
    await page.getByTestId('callpy-offline-done').waitFor();
    assert.match(await page.getByTestId('callpy-offline-done').textContent(), /maria@example\.com/);
    await page.screenshot({ path: path.join(shots, 'widget-offline-done.png') });

    const mail = await smtp.waitForMessage((m) => m.to?.includes('zayavki@example.com'), 'the offline request');
    assert.match(mail.subject, /Ромашка/);
    assert.match(mail.text, /Нужна консультация по доставке/);
    assert.match(mail.text, /Мария/);
    const dialogs = await owner.request('GET', '/api/panel/dialogs?folder=open');
    assert.equal(dialogs.body.dialogs.length, 1);
    assert.equal(dialogs.body.dialogs[0].visitor_name, 'Мария');
    // The window was left open, so after a reload it opens again with the thank-you kept.
    await page.reload();
    await page.getByTestId('callpy-offline-done').waitFor();
  });
});
