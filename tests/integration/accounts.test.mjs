// Accounts and sites over the real HTTP API: sign-in, CSRF, roles per site, invitations by
// e-mail through a real SMTP server, disabling, password reset, rate limits and bad input.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { startWithOwner } from '../support/chat.mjs';
import { PanelClient, startDaemon, startSmtpSink } from '../support/daemon.mjs';

const OWNER = 'owner@example.com';

function linkFrom(mail, kind) {
  const m = new RegExp(`(http://\\S+/app/${kind}\\?token=[A-Za-z0-9_-]+)`).exec(mail.text);
  assert.ok(m, `no ${kind} link in: ${mail.text}`);
  return m[1];
}

describe('accounts and sites', () => {
  let d;
  let smtp;
  let ownerPassword;
  let owner;

  before(async () => {
    smtp = await startSmtpSink();
    // Asserts that the bootstrap is 201 and the owner's sign-in 200.
    ({ d, owner, password: ownerPassword } = await startWithOwner({ smtpPort: smtp.port }, OWNER));
  });
  after(async () => {
    await d.stop();
    smtp.stop();
  });

  test('bootstrap works once only', async () => {
    const again = await d.admin('POST', '/api/admin/v1/bootstrap', { email: 'x@example.com' });
    assert.equal(again.status, 409);
  });

  test('the session cookie is HttpOnly and SameSite=Lax; passwords are not stored in clear', async () => {
    const c = new PanelClient(d.base);
    const r = await c.login(OWNER, ownerPassword);
    const cookie = r.headers.get('set-cookie');
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);
    assert.equal(r.body.user.email, OWNER);
  });

  test('a wrong password is 401 and the account locks after repeated failures (429)', async () => {
    const c = new PanelClient(d.base);
    const email = 'victim@example.com';
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await c.login(email, 'wrong-password')).status);
    assert.deepEqual(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
    assert.equal(statuses[5], 429);
    const limited = await c.login(email, 'wrong-password');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
  });

  test('requests without a session are 401, without the CSRF token 403', async () => {
    const anon = new PanelClient(d.base);
    assert.equal((await anon.request('GET', '/api/panel/me')).status, 401);
    const r = await owner.request('POST', '/api/panel/sites', { name: 'No token', url: 'https://x.example' }, { csrf: false });
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'forbidden');
  });

  test('malformed and oversize JSON bodies get clear errors', async () => {
    const bad = await owner.request('POST', '/api/panel/sites', undefined, { rawBody: '{"name": ', headers: { 'Content-Type': 'application/json' } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'invalid');
    const big = await owner.request('POST', '/api/panel/sites', { name: 'x'.repeat(70000), url: 'https://a.example' });
    assert.equal(big.status, 413, JSON.stringify(big.body).slice(0, 200));
    const deep = await owner.request('POST', '/api/panel/sites', undefined, { rawBody: '['.repeat(100) + ']'.repeat(100) });
    assert.equal(deep.status, 400);
    const missing = await owner.request('POST', '/api/panel/sites', { name: 'No URL' });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.field, 'url');
  });

  let siteA;
  let siteB;
  test('an owner adds sites and gets both snippet variants', async () => {
    const a = await owner.request('POST', '/api/panel/sites', { name: 'Shop A', url: 'https://shop-a.example/path' });
    assert.equal(a.status, 201);
    assert.deepEqual(a.body.site.origins, ['https://shop-a.example']);
    assert.equal(a.body.site.role, 'owner');
    siteA = a.body.site.id;
    const b = await owner.request('POST', '/api/panel/sites', { name: 'Shop B', url: 'shop-b.example' });
    siteB = b.body.site.id;
    const s = await owner.request('GET', `/api/panel/sites/${siteA}/snippet`);
    assert.equal(s.status, 200);
    assert.match(s.body.body_start, /<script src="http:\/\/127\.0\.0\.1:\d+\/widget\/loader\.js" data-callpy-key="[A-Za-z0-9_-]+"><\/script>/);
    assert.match(s.body.anywhere, /async = true/);
  });

  let operator;
  test('an invited operator gets an e-mail, sets a password and signs in', async () => {
    const inv = await owner.request('POST', `/api/panel/sites/${siteA}/operators`, { email: 'Oper@Example.com', role: 'operator' });
    assert.equal(inv.status, 201);
    assert.equal(inv.body.operator.pending, true);
    assert.equal(inv.body.invite_link, undefined, 'the panel never sees the secret link');
    const mail = await smtp.waitForMessage((m) => m.to?.includes('oper@example.com'), 'the invitation');
    assert.match(mail.subject, /Shop A/);
    const link = new URL(linkFrom(mail, 'invite'));
    const token = link.searchParams.get('token');
    const info = await new PanelClient(d.base).request('GET', `/api/panel/invites/${token}`);
    assert.equal(info.status, 200);
    assert.equal(info.body.site.name, 'Shop A');
    operator = new PanelClient(d.base);
    const accepted = await operator.request('POST', '/api/panel/invites/accept', { token, name: 'Olga', password: 'operator-pass-1' });
    assert.equal(accepted.status, 200);
    const reused = await new PanelClient(d.base).request('POST', '/api/panel/invites/accept', { token, password: 'another-pass-2' });
    assert.equal(reused.status, 400, 'an invitation link works once');
    const me = await operator.request('GET', '/api/panel/me');
    assert.deepEqual(me.body.sites.map((s) => s.id), [siteA]);
  });

  test('an operator cannot read another site or do admin work (403)', async () => {
    assert.equal((await operator.request('GET', `/api/panel/sites/${siteB}`)).status, 403);
    assert.equal((await operator.request('GET', `/api/panel/sites/${siteB}/operators`)).status, 403);
    assert.equal((await operator.request('POST', `/api/panel/sites/${siteA}/operators`, { email: 'x@example.com' })).status, 403);
    assert.equal((await operator.request('POST', `/api/panel/sites/${siteA}/departments`, { name: 'Sales' })).status, 403);
    assert.equal((await operator.request('GET', `/api/panel/sites/${siteA}/operators`)).status, 200);
    const list = await operator.request('GET', '/api/panel/sites');
    assert.deepEqual(list.body.sites.map((s) => s.id), [siteA]);
  });

  test('departments and working hours', async () => {
    const dep = await owner.request('POST', `/api/panel/sites/${siteA}/departments`, { name: 'Отдел продаж', slug: 'sales' });
    assert.equal(dep.status, 201);
    const ops = await owner.request('GET', `/api/panel/sites/${siteA}/operators`);
    const ids = ops.body.operators.map((o) => o.user_id);
    const upd = await owner.request('PATCH', `/api/panel/sites/${siteA}/departments/sales`, { operators: ids });
    assert.equal(upd.status, 200);
    assert.deepEqual(upd.body.department.operators.sort(), ids.sort());
    const hours = { timezone: 'Europe/Moscow', weekly: { mon: ['09:00-18:00'], tue: ['09:00-13:00', '14:00-18:00'] }, exceptions: [{ date: '2026-12-31', intervals: [] }] };
    const put = await owner.request('PUT', `/api/panel/sites/${siteA}/hours`, { hours });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.deepEqual(put.body.hours.weekly.tue, ['09:00-13:00', '14:00-18:00']);
    const bad = await owner.request('PUT', `/api/panel/sites/${siteA}/hours`, { hours: { timezone: 'Mars/Base', weekly: {} } });
    assert.equal(bad.status, 400);
    const overlap = await owner.request('PUT', `/api/panel/sites/${siteA}/hours`, { hours: { timezone: 'UTC', weekly: { mon: ['09:00-12:00', '11:00-13:00'] } } });
    assert.equal(overlap.status, 400);
  });

  test('a disabled operator is thrown out at once and cannot sign in; re-enabled they can', async () => {
    const me = await operator.request('GET', '/api/panel/me');
    const id = me.body.user.id;
    const dis = await owner.request('POST', `/api/panel/sites/${siteA}/operators/${id}/disable`);
    assert.equal(dis.status, 200);
    assert.equal(dis.body.operator.disabled, true);
    assert.equal((await operator.request('GET', '/api/panel/me')).status, 401);
    assert.equal((await new PanelClient(d.base).login('oper@example.com', 'operator-pass-1')).status, 401);
    await owner.request('POST', `/api/panel/sites/${siteA}/operators/${id}/enable`);
    assert.equal((await operator.login('oper@example.com', 'operator-pass-1')).status, 200);
  });

  test('the last owner cannot be demoted', async () => {
    const me = await owner.request('GET', '/api/panel/me');
    const r = await owner.request('PUT', `/api/panel/sites/${siteA}/operators/${me.body.user.id}/role`, { role: 'operator' });
    assert.equal(r.status, 409);
  });

  test('password reset by e-mailed link, which works once', async () => {
    const anon = new PanelClient(d.base);
    assert.equal((await anon.request('POST', '/api/panel/auth/reset-request', { email: 'oper@example.com' })).status, 202);
    assert.equal((await anon.request('POST', '/api/panel/auth/reset-request', { email: 'nobody@example.com' })).status, 202);
    const mail = await smtp.waitForMessage((m) => m.to?.includes('oper@example.com') && /reset/.test(m.text), 'the reset mail');
    const token = new URL(linkFrom(mail, 'reset')).searchParams.get('token');
    assert.equal((await anon.request('POST', '/api/panel/auth/reset', { token, password: 'short' })).status, 400);
    assert.equal((await anon.request('POST', '/api/panel/auth/reset', { token, password: 'brand-new-pass' })).status, 200);
    assert.equal((await anon.request('POST', '/api/panel/auth/reset', { token, password: 'again-new-pass' })).status, 400);
    assert.equal((await anon.login('oper@example.com', 'brand-new-pass')).status, 200);
    // A reset ends the sessions opened with the old password.
    assert.equal((await operator.request('GET', '/api/panel/me')).status, 401);
  });

  test('profile language and password change', async () => {
    const r = await owner.request('PATCH', '/api/panel/me', { language: 'en' });
    assert.equal(r.body.user.language, 'en');
    assert.equal((await owner.request('PATCH', '/api/panel/me', { language: 'de' })).status, 400);
    const wrong = await owner.request('POST', '/api/panel/me/password', { current: 'nope', password: 'new-owner-pass' });
    assert.equal(wrong.status, 400);
    const ok = await owner.request('POST', '/api/panel/me/password', { current: ownerPassword, password: 'new-owner-pass' });
    assert.equal(ok.status, 200);
    assert.equal((await owner.request('GET', '/api/panel/me')).status, 200, 'the current session stays');
    assert.equal((await new PanelClient(d.base).login(OWNER, 'new-owner-pass')).status, 200);
  });

  test('visitor-supplied names are returned as data, never as markup', async () => {
    const r = await owner.request('POST', '/api/panel/sites', { name: '<img src=x onerror=alert(1)>', url: 'https://xss.example' });
    assert.equal(r.status, 201);
    assert.equal(r.body.site.name, '<img src=x onerror=alert(1)>');
    assert.match(r.headers.get('content-type'), /application\/json/);
  });

  test('metrics count sent mails and failed sign-ins', async () => {
    const m = (await d.admin('GET', '/metrics')).body;
    const value = (name) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(m)?.[1]);
    assert.ok(value('callpy_mails_sent_total') >= 2, m);
    assert.ok(value('callpy_login_failures_total') >= 6, m);
    assert.equal(value('callpy_mails_failed_total'), 0);
  });

  test('sign-out ends the session', async () => {
    const c = new PanelClient(d.base);
    await c.login(OWNER, 'new-owner-pass');
    const oldCookie = c.cookie;
    assert.equal((await c.request('POST', '/api/panel/auth/logout')).status, 200);
    c.cookie = oldCookie;  // replaying the old cookie must not work either
    assert.equal((await c.request('GET', '/api/panel/me')).status, 401);
  });
});

describe('sign-in limit per address', () => {
  test('failures spread over many accounts from one address are limited per address', async () => {
    const d = await startDaemon();
    try {
      const c = new PanelClient(d.base);
      const statuses = [];
      // 20 failures per address per window by default, at most 5 per account.
      for (let i = 0; i < 20; i++) statuses.push((await c.login(`spray${i % 5}@example.com`, 'wrong-password')).status);
      assert.ok(statuses.every((s) => s === 401), statuses.join(','));
      const fresh = await c.login('fresh-account@example.com', 'wrong-password');
      assert.equal(fresh.status, 429);
    } finally {
      await d.stop();
    }
  });

  test('password-reset requests are limited per e-mail', async () => {
    const d = await startDaemon();
    try {
      const c = new PanelClient(d.base);
      const statuses = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await c.request('POST', '/api/panel/auth/reset-request', { email: 'flood@example.com' })).status);
      }
      assert.deepEqual(statuses, [202, 202, 202, 429]);
    } finally {
      await d.stop();
    }
  });
});
