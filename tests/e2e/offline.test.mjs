// Issue 4 §6, second scenario: no operator online → the widget offers the offline form → the
// request arrives by e-mail at the site's address (a real SMTP server) and is kept as a dialog.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { startWithOwner } from '../support/chat.mjs';
import { startSmtpSink } from '../support/daemon.mjs';
import { customerSite, launchBrowser, newPage, shot, signIn } from '../support/e2e.mjs';

describe('offline form in a real browser', () => {
  let d, smtp, customer, browser, owner, url, password, siteId;

  before(async () => {
    smtp = await startSmtpSink();
    ({ d, owner, password } = await startWithOwner({ smtpPort: smtp.port }, 'owner@example.com'));
    let site;
    let origin;
    ({ site, origin, server: customer } = await customerSite(owner, { sitePath: '/', fields: { language: 'ru' }, variant: 'body_start',
      html: (snippet) => `<!doctype html><meta charset="utf-8"><title>Ромашка</title><body>${snippet}<h1>Ромашка</h1></body>` }));
    url = `${origin}/`;
    siteId = site.id;
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    customer?.close();
    await d?.stop();
    smtp?.stop();
  });

  test('the owner sets the offline-form address in the panel', async () => {
    const panel = await newPage(browser);
    await signIn(panel, d.base, 'owner@example.com', password);
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
    await panel.context().close();
    assert.deepEqual(saved.body.site.offline_emails, ['zayavki@example.com']);
  });

  test('the request is e-mailed to the site and kept as a dialog', async () => {
    const page = await newPage(browser, { openShadow: true });
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
    await shot(page, 'widget-offline-done.png');

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
