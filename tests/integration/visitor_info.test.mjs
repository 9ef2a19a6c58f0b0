// Visitor info (F4) and location by IP (F12) through the real daemon: a visitor connects from
// 127.0.0.2 with a User-Agent and a referrer and opens two more pages; the operator's `visitor`
// frame and GET /api/panel/visitors/{id} show browser, OS, device, location from a MaxMind DB
// generated at test time, and the pages in order with times; another site's operator gets 404.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { addOperator, addSite, operatorSocket, startWithOwner } from '../support/chat.mjs';
import { PanelClient, callpyd, repoRoot, tempDir, waitFor } from '../support/daemon.mjs';
import { RawWsClient } from '../support/raw_ws.mjs';

const SITE = 'https://shop.example';
const UA = 'Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) ' +
  'SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36';

function makeMmdb() {
  const file = path.join(tempDir('callpy-mmdb-'), 'city.mmdb');
  const r = spawnSync('/usr/bin/python3', [path.join(repoRoot, 'tests/fixtures/make_mmdb.py'), file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return file;
}

describe('visitor info and location', () => {
  let d, owner, site, other, stranger;
  before(async () => {
    ({ d, owner } = await startWithOwner({ extraYaml: `geoip:\n  database: ${makeMmdb()}\n` }));
    site = await addSite(owner, 'Shop', SITE);
    other = await addSite(owner, 'Other', 'https://other.example');
    // An operator of the other site only.
    ({ client: stranger } = await addOperator(d, other.id, 'op@other.example', { password: 'operator-pass' }));
  });
  after(async () => { await d?.stop(); });

  test('pages, referrer, browser, OS, device and location reach the operator', async () => {
    const { o } = await operatorSocket(d, owner);
    const t0 = Date.now() - 5000;
    const v = await RawWsClient.open({ port: d.port, path: `/ws/visitor?key=${site.widget_key}`, localAddress: '127.0.0.2',
      headers: { 'User-Agent': UA, Origin: SITE } });
    // The landing page came from a search engine; the tab opened /catalog before the chat connected.
    v.send({ t: 'hello', v: 1, token: null, tab: 't1', lang: 'ru',
      page: { url: `${SITE}/cart`, title: 'Корзина', referrer: `${SITE}/catalog`, ts: t0 + 2000,
        earlier: [{ url: `${SITE}/catalog`, title: 'Каталог', referrer: 'https://search.example/?q=shop', ts: t0 }] } });
    const welcome = await v.type('welcome');
    const id = welcome.visitor.id;
    const seen = await o.type('visitor', (f) => f.visitor.id === id);
    assert.equal(seen.visitor.browser, 'Samsung Internet 25');
    assert.equal(seen.visitor.os, 'Android 14');
    assert.equal(seen.visitor.device, 'phone');
    const ru = site.language === 'ru';
    assert.equal(seen.visitor.location, ru ? 'Москва, Россия' : 'Moscow, Russia');
    assert.equal(seen.visitor.country_code, 'RU');

    // A navigation inside a single-page site, and a reconnect that repeats the hello page.
    v.send({ t: 'page', url: `${SITE}/checkout?step=1`, title: '<img src=x onerror=alert(1)>', ts: t0 + 4000 });
    await o.type('visitor', (f) => f.visitor.id === id && f.visitor.page.url === `${SITE}/checkout?step=1`);
    v.send({ t: 'page', url: 'javascript:alert(1)', title: 'bad', ts: t0 + 4500 });

    const info = await waitFor(async () => {
      const r = await owner.request('GET', `/api/panel/visitors/${id}`);
      return r.status === 200 && r.body.visitor.pages.length >= 3 ? r.body.visitor : null;
    }, { what: 'three stored pages' });
    assert.deepEqual(info.pages.map((p) => p.url), [`${SITE}/catalog`, `${SITE}/cart`, `${SITE}/checkout?step=1`]);
    assert.deepEqual(info.pages.map((p) => p.ts), [t0, t0 + 2000, t0 + 4000].map((ms) => Math.floor(ms / 1000) * 1000));
    assert.equal(info.pages[2].title, '<img src=x onerror=alert(1)>');
    assert.equal(info.referrer, 'https://search.example/?q=shop');
    assert.equal(info.browser, 'Samsung Internet 25');
    assert.equal(info.os, 'Android 14');
    assert.equal(info.device, 'phone');
    assert.equal(info.user_agent, UA);
    assert.equal(info.location.country_code, 'RU');
    assert.equal(info.location.city, ru ? 'Москва' : 'Moscow');
    assert.equal(info.site, site.id);

    // Custom data and contact details from the JS API, in the order the site set them.
    v.send({ t: 'custom', data: { plan: 'pro', note: '<script>alert(1)</script>' } });
    v.send({ t: 'contact', name: 'Анна', email: 'anna@example.com', phone: '' });
    const withData = await waitFor(async () => {
      const r = await owner.request('GET', `/api/panel/visitors/${id}`);
      return r.body.visitor.contact.name === 'Анна' && r.body.visitor.custom.length === 2 ? r.body.visitor : null;
    }, { what: 'contact and custom data' });
    const byKey = (a, b) => a.key.localeCompare(b.key);
    assert.deepEqual([...withData.custom].sort(byKey), [{ key: 'note', value: '<script>alert(1)</script>' }, { key: 'plan', value: 'pro' }]);
    assert.equal(withData.location.country_code, 'RU', 'contact updates keep the location');

    // The same page view again (a reconnect) is not stored twice.
    v.close();
    const again = await RawWsClient.open({ port: d.port, path: `/ws/visitor?key=${site.widget_key}`, localAddress: '127.0.0.2',
      headers: { 'User-Agent': UA, Origin: SITE } });
    again.send({ t: 'hello', v: 1, token: welcome.visitor.token, tab: 't1', lang: 'ru',
      page: { url: `${SITE}/cart`, title: 'Корзина', referrer: `${SITE}/catalog`, ts: t0 + 2000 } });
    await again.type('welcome');
    again.send({ t: 'page', url: `${SITE}/thanks`, title: 'Спасибо', ts: t0 + 6000 });
    const final = await waitFor(async () => {
      const r = await owner.request('GET', `/api/panel/visitors/${id}`);
      return r.body.visitor.pages.length >= 4 ? r.body.visitor : null;
    }, { what: 'the fourth page' });
    assert.deepEqual(final.pages.map((p) => p.url), [`${SITE}/catalog`, `${SITE}/cart`, `${SITE}/checkout?step=1`, `${SITE}/thanks`]);
    again.close();
    o.close();
  });

  test('a visitor from an address outside the database has no location', async () => {
    const v = await RawWsClient.open({ port: d.port, path: `/ws/visitor?key=${site.widget_key}`, localAddress: '127.0.0.1',
      headers: { 'User-Agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15' } });
    v.send({ t: 'hello', v: 1, token: null, tab: 't2', page: { url: `${SITE}/`, title: 'Shop', referrer: '' } });
    const { visitor } = await v.type('welcome');
    const r = await owner.request('GET', `/api/panel/visitors/${visitor.id}`);
    assert.equal(r.status, 200);
    assert.equal(r.body.visitor.location, null);
    assert.equal(r.body.visitor.browser, 'Safari 17');
    assert.equal(r.body.visitor.os, 'macOS 10.15.7');
    assert.equal(r.body.visitor.device, 'pc');
    v.close();
  });

  test('another site\'s operator gets 404, like an unknown id; no session is 401', async () => {
    const v = await RawWsClient.open({ port: d.port, path: `/ws/visitor?key=${site.widget_key}`, localAddress: '127.0.0.3' });
    v.send({ t: 'hello', v: 1, token: null, tab: 't3', page: { url: `${SITE}/`, title: 'Shop', referrer: '' } });
    const { visitor } = await v.type('welcome');
    const cross = await stranger.request('GET', `/api/panel/visitors/${visitor.id}`);
    assert.equal(cross.status, 404);
    assert.equal(cross.body.error.code, 'not_found');
    const unknown = await stranger.request('GET', '/api/panel/visitors/999999');
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body, cross.body);
    assert.equal((await stranger.request('GET', '/api/panel/visitors/abc')).status, 404);
    assert.equal((await new PanelClient(d.base).request('GET', `/api/panel/visitors/${visitor.id}`)).status, 401);
    assert.equal((await owner.request('GET', `/api/panel/visitors/${visitor.id}`)).body.visitor.location.city,
      site.language === 'ru' ? 'Берлин' : 'Berlin');
    v.close();
  });
});

describe('geoip.database errors', () => {
  test('a missing or corrupt database is a config error with file:line:col (exit 78)', () => {
    const dir = tempDir();
    const bad = path.join(dir, 'bad.mmdb');
    fs.writeFileSync(bad, 'not a MaxMind DB');
    for (const [db, why] of [[bad, /cannot open GeoIP database .*bad\.mmdb/], [path.join(dir, 'absent.mmdb'), /absent\.mmdb/]]) {
      const config = path.join(dir, 'callpyd.yaml');
      fs.writeFileSync(config, `listen:\n  http: 127.0.0.1:1\ndata_dir: ${dir}/data\ngeoip:\n  database: ${db}\n`);
      const r = spawnSync(callpyd, ['--config', config, '--check-config'], { encoding: 'utf8' });
      assert.equal(r.status, 78, r.stderr);
      assert.match(r.stderr, /callpyd\.yaml:5:13: geoip\.database: /);
      assert.match(r.stderr, why);
    }
  });
});
