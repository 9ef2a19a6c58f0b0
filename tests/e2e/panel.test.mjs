// Browser end-to-end test of the panel against the real daemon (issue 3 §8): the owner signs
// in, adds a site, copies the snippet and invites an operator; the invitation arrives at a real
// SMTP server; the operator follows the link, sets a password and is signed in; the owner
// disables the operator, who is thrown out on their next action and cannot sign in again.
// playwright-core drives Debian's /usr/bin/chromium; two browser contexts are two people.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { startDaemon, startSmtpSink } from '../support/daemon.mjs';
import { launchBrowser, newPage as openPage } from '../support/e2e.mjs';

const OWNER = 'owner@example.com';
const OPERATOR = 'olga@example.com';

describe('panel in a real browser', () => {
  let d;
  let smtp;
  let browser;
  let ownerPassword;
  let owner; // page of the owner's context
  let oper; // page of the operator's context
  let siteId;
  const pageErrors = [];

  async function newPage(locale) {
    const page = await openPage(browser, { locale, pageErrors });
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: d.base });
    return page;
  }

  before(async () => {
    smtp = await startSmtpSink();
    d = await startDaemon({ smtpPort: smtp.port });
    const b = await d.admin('POST', '/api/admin/v1/bootstrap', { email: OWNER });
    assert.equal(b.status, 201, JSON.stringify(b.body));
    ownerPassword = b.body.password;
    browser = await launchBrowser();
    owner = await newPage('ru-RU');
    oper = await newPage('en-US');
  });

  after(async () => {
    await browser?.close();
    await d?.stop();
    smtp?.stop();
  });

  test('the panel opens on the sign-in page in the browser language', async () => {
    await owner.goto(`${d.base}/`);
    await owner.getByTestId('login-email').waitFor();
    assert.match(new URL(owner.url()).pathname, /^\/app\/login/);
    assert.equal(await owner.locator('h1').textContent(), 'Вход');
    assert.equal(await owner.getByTestId('login-submit').textContent(), 'Войти');
  });

  test('a wrong password shows an error and keeps the user on the sign-in page', async () => {
    await owner.getByTestId('login-email').fill(OWNER);
    await owner.getByTestId('login-password').fill('not-the-password');
    await owner.getByTestId('login-submit').click();
    assert.equal(await owner.getByTestId('login-error').textContent(), 'Неверный e-mail или пароль');
  });

  test('the owner signs in and adds a site', async () => {
    await owner.getByTestId('login-password').fill(ownerPassword);
    await owner.getByTestId('login-submit').click();
    await owner.getByTestId('add-site').click();
    await owner.getByTestId('site-name').fill('Магазин <b>Ромашка</b>');
    await owner.getByTestId('site-url').fill('https://romashka.example');
    await owner.getByTestId('site-submit').click();
    // A new site opens on its installation code.
    await owner.getByTestId('snippet-body-start').waitFor();
    const m = /\/app\/sites\/([^/]+)\/snippet$/.exec(new URL(owner.url()).pathname);
    assert.ok(m, `unexpected URL ${owner.url()}`);
    siteId = decodeURIComponent(m[1]);
    // The name is shown as typed, never interpreted as markup.
    assert.equal(await owner.getByTestId('site-title').textContent(), 'Магазин <b>Ромашка</b>');
    assert.equal(await owner.locator('[data-testid="site-title"] b').count(), 0);
  });

  test('both snippet variants are shown and the copy button copies the code', async () => {
    const bodyStart = await owner.getByTestId('snippet-body-start').textContent();
    const anywhere = await owner.getByTestId('snippet-anywhere').textContent();
    assert.match(bodyStart, /<script[^>]*\/widget\/loader\.js/);
    assert.match(anywhere, /loader\.js/);
    assert.notEqual(bodyStart, anywhere);
    await owner.getByTestId('copy-body-start').click();
    await owner.getByTestId('copy-body-start-done').waitFor();
    assert.equal(await owner.evaluate(() => navigator.clipboard.readText()), bodyStart);
  });

  let inviteLink;
  test('the owner invites an operator and the invitation arrives by e-mail', async () => {
    await owner.getByTestId('tab-operators').click();
    await owner.getByTestId('invite-email').fill(OPERATOR);
    await owner.getByTestId('invite-role').selectOption('operator');
    await owner.getByTestId('invite-submit').click();
    await owner.getByTestId('invite-sent').waitFor();
    const row = owner.locator(`[data-testid="operator-row"][data-email="${OPERATOR}"]`);
    assert.match(await row.getByTestId('operator-status').textContent(), /Ждёт подтверждения/);
    const mail = await smtp.waitForMessage((msg) => msg.to?.includes(OPERATOR), 'the invitation e-mail');
    const link = /(http:\/\/\S+\/app\/invite\?token=[A-Za-z0-9_-]+)/.exec(mail.text);
    assert.ok(link, `no invitation link in: ${mail.text}`);
    inviteLink = link[1];
  });

  test('the operator follows the link, sets a password and is signed in', async () => {
    await oper.goto(inviteLink);
    await oper.getByTestId('accept-name').waitFor();
    assert.equal(await oper.getByTestId('accept-email').inputValue(), OPERATOR);
    assert.match(await oper.getByTestId('invite-intro').textContent(), /Магазин <b>Ромашка<\/b>/);
    await oper.getByTestId('accept-name').fill('Olga');
    await oper.getByTestId('accept-password').fill('short');
    await oper.getByTestId('accept-submit').click();
    await oper.getByText('at least 8 characters long').waitFor();
    await oper.getByTestId('accept-password').fill('operator-pass-1');
    await oper.getByTestId('accept-submit').click();
    await oper.getByTestId('current-user').waitFor();
    assert.equal(await oper.getByTestId('current-user').textContent(), 'Olga');
    assert.equal(new URL(oper.url()).pathname, `/app/sites/${encodeURIComponent(siteId)}`);
    // An operator sees the team but cannot manage it.
    await oper.getByTestId('tab-operators').click();
    await oper.getByTestId('operator-table').waitFor();
    assert.equal(await oper.getByTestId('invite-form').count(), 0);
    assert.equal(await oper.getByTestId('disable-operator').count(), 0);
  });

  test('the same link cannot be used twice', async () => {
    const page = await newPage('en-US');
    await page.goto(inviteLink);
    await page.getByTestId('invite-invalid').waitFor();
    await page.context().close();
  });

  test('the owner creates a department and assigns the operator', async () => {
    await owner.getByTestId('tab-departments').click();
    await owner.getByTestId('department-name').fill('Отдел продаж');
    await owner.getByTestId('department-submit').click();
    const dep = owner.getByTestId('department-row').filter({ hasText: 'Отдел продаж' });
    const box = dep.locator(`[data-testid="department-operator"][data-email="${OPERATOR}"]`);
    const saved = owner.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().includes('/departments/'));
    await box.check();
    assert.equal((await saved).status(), 200);
    // Saved on the server: a fresh load shows it ticked.
    await owner.reload();
    await owner.getByTestId('department-row').first().waitFor();
    assert.equal(await owner.locator(`[data-testid="department-operator"][data-email="${OPERATOR}"]`).first().isChecked(), true);
  });

  test('the owner edits working hours; mistakes are caught before saving', async () => {
    await owner.getByTestId('tab-hours').click();
    await owner.getByTestId('hours-form').waitFor();
    if (await owner.getByTestId('hours-always-open').isChecked()) await owner.getByTestId('hours-always-open').uncheck();
    await owner.getByTestId('hours-timezone').fill('Europe/Moscow');
    const mon = owner.getByTestId('hours-mon');
    while ((await mon.getByTestId('interval-remove').count()) > 0) await mon.getByTestId('interval-remove').first().click();
    await mon.getByTestId('interval-add').click();
    await mon.getByTestId('interval-start').fill('18:00');
    await mon.getByTestId('interval-end').fill('09:00');
    await owner.getByTestId('hours-save').click();
    await owner.getByText('Начало должно быть раньше конца').waitFor();
    await mon.getByTestId('interval-start').fill('09:00');
    await mon.getByTestId('interval-end').fill('18:00');
    await owner.getByTestId('hours-add-exception').click();
    await owner.getByTestId('hours-exception-date').last().fill('2026-12-31');
    await owner.getByTestId('hours-save').click();
    await owner.getByTestId('hours-saved').waitFor();
    await owner.getByTestId('open-now').waitFor();
    await owner.reload();
    await owner.getByTestId('hours-form').waitFor();
    assert.equal(await owner.getByTestId('hours-timezone').inputValue(), 'Europe/Moscow');
    assert.equal(await owner.getByTestId('hours-mon').getByTestId('interval-start').inputValue(), '09:00');
    assert.equal(await owner.getByTestId('hours-mon').getByTestId('interval-end').inputValue(), '18:00');
    assert.equal(await owner.getByTestId('hours-exception-date').first().inputValue(), '2026-12-31');
    await owner.getByTestId('tab-operators').click();
    await owner.getByTestId('operator-table').waitFor();
  });

  test('the owner sets call routing in «Звонки»; an operator sees it read-only', async () => {
    await owner.goto(`${d.base}/app/sites/${encodeURIComponent(siteId)}/calls`);
    await owner.getByTestId('site-calls').waitFor();
    await owner.getByTestId('calls-ring-mode').selectOption('sequential');
    await owner.getByTestId('calls-ring-timeout').fill('3');
    await owner.getByText('Целое число от 5 до 120').waitFor();
    assert.equal(await owner.getByTestId('calls-save').isDisabled(), true);
    await owner.getByTestId('calls-ring-timeout').fill('25');
    await owner.getByTestId('calls-after-hours').selectOption('callback');
    await owner.getByTestId('calls-save').click();
    await owner.getByTestId('form-notice').waitFor();
    await owner.reload();
    await owner.getByTestId('site-calls').waitFor();
    assert.equal(await owner.getByTestId('calls-ring-mode').inputValue(), 'sequential');
    assert.equal(await owner.getByTestId('calls-ring-timeout').inputValue(), '25');
    assert.equal(await owner.getByTestId('calls-after-hours').inputValue(), 'callback');

    await oper.goto(`${d.base}/app/sites/${encodeURIComponent(siteId)}/calls`);
    await oper.getByTestId('site-calls').waitFor();
    await oper.getByText('Только просмотр: изменять может администратор сайта.').waitFor();
    assert.equal(await oper.getByTestId('calls-save').count(), 0);
    assert.equal(await oper.getByTestId('calls-ring-mode').isDisabled(), true);
    assert.equal(await oper.getByTestId('calls-ring-timeout').inputValue(), '25');
    await owner.goto(`${d.base}/app/sites/${encodeURIComponent(siteId)}/operators`);
  });

  test('a disabled operator is thrown out at once and cannot sign in', async () => {
    await owner.reload();
    const row = owner.locator(`[data-testid="operator-row"][data-email="${OPERATOR}"]`);
    assert.match(await row.getByTestId('operator-status').textContent(), /Активен/);
    await row.getByTestId('disable-operator').click();
    await row.getByTestId('enable-operator').waitFor();
    assert.match(await row.getByTestId('operator-status').textContent(), /Отключён/);

    // The operator's next request meets a dead session: back to the sign-in page.
    await oper.getByTestId('tab-departments').click();
    await oper.getByTestId('login-email').waitFor();
    assert.match(new URL(oper.url()).pathname, /^\/app\/login/);
    await oper.getByTestId('login-email').fill(OPERATOR);
    await oper.getByTestId('login-password').fill('operator-pass-1');
    await oper.getByTestId('login-submit').click();
    await oper.getByTestId('login-error').waitFor();
    assert.match(new URL(oper.url()).pathname, /^\/app\/login/);
  });

  test('signing out returns to the sign-in page and protected pages stay closed', async () => {
    await owner.getByTestId('logout').click();
    await owner.getByTestId('login-email').waitFor();
    await owner.goto(`${d.base}/app/sites`);
    await owner.getByTestId('login-email').waitFor();
    assert.match(new URL(owner.url()).pathname, /^\/app\/login/);
  });

  test('no script errors happened in any page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
