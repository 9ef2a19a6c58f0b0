// Quick replies (F15) over the real REST API: own replies are private, shared ones reach every
// operator of the site and only admins manage them, other sites see nothing, bad input and CSRF.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { addOperator, addSite, startWithOwner } from '../support/chat.mjs';

// A signed-in operator of `site` (invited over the admin socket, invitation accepted).
async function operatorOf(d, site, email, role = 'operator') {
  const { client: c } = await addOperator(d, site, email, { role, password: 'operator password', name: email });
  assert.equal((await c.login(email, 'operator password')).status, 200);
  return c;
}

describe('quick replies', () => {
  let d, owner, anna, boris, stranger, shop;
  before(async () => {
    ({ d, owner } = await startWithOwner());
    shop = (await addSite(owner, 'Shop', 'https://shop.example')).id;
    const blog = (await addSite(owner, 'Blog', 'https://blog.example')).id;
    anna = await operatorOf(d, shop, 'anna@example.com');
    boris = await operatorOf(d, shop, 'boris@example.com');
    stranger = await operatorOf(d, blog, 'stranger@example.com');
  });
  after(async () => { await d.stop(); });

  const list = async (c, site = shop) => (await c.request('GET', `/api/panel/quick-replies?site=${site}`)).body.quick_replies;

  test('an own reply is private; a shared one (by an admin) reaches every operator of the site', async () => {
    const own = await anna.request('POST', '/api/panel/quick-replies', { site: shop, body: 'Доставим завтра <b>до 18:00</b>' });
    assert.equal(own.status, 201);
    assert.equal(own.body.quick_reply.shared, false);
    assert.equal(own.body.quick_reply.title, 'Доставим завтра <b>до 18:00</b>');
    const denied = await anna.request('POST', '/api/panel/quick-replies', { site: shop, body: 'x', shared: true });
    assert.equal(denied.status, 403);
    const shared = await owner.request('POST', '/api/panel/quick-replies', { site: shop, title: 'Привет', body: 'Здравствуйте!', shared: true });
    assert.equal(shared.status, 201);

    assert.deepEqual((await list(anna)).map((r) => r.title), ['Привет', 'Доставим завтра <b>до 18:00</b>']);
    assert.deepEqual((await list(boris)).map((r) => r.title), ['Привет']);
    assert.equal((await stranger.request('GET', `/api/panel/quick-replies?site=${shop}`)).status, 403);
    assert.deepEqual(await list(stranger, ''), []);

    // Boris can neither change anna's reply nor the shared one; nobody else even sees anna's.
    const annaId = own.body.quick_reply.id;
    assert.equal((await boris.request('PATCH', `/api/panel/quick-replies/${annaId}`, { body: 'hijack' })).status, 404);
    assert.equal((await boris.request('DELETE', `/api/panel/quick-replies/${shared.body.quick_reply.id}`)).status, 403);
    const edited = await anna.request('PATCH', `/api/panel/quick-replies/${annaId}`, { title: 'Доставка' });
    assert.equal(edited.body.quick_reply.title, 'Доставка');
    assert.equal((await anna.request('DELETE', `/api/panel/quick-replies/${annaId}`)).status, 200);
    assert.deepEqual((await list(anna)).map((r) => r.title), ['Привет']);
  });

  test('bad input gets a clear error; writes need the CSRF token', async () => {
    const empty = await anna.request('POST', '/api/panel/quick-replies', { site: shop, body: '   ' });
    assert.equal(empty.status, 400);
    assert.equal(empty.body.error.code, 'invalid');
    assert.equal(empty.body.error.field, 'text');
    const noSite = await anna.request('POST', '/api/panel/quick-replies', { body: 'x' });
    assert.equal(noSite.status, 400);
    const huge = await anna.request('POST', '/api/panel/quick-replies', { site: shop, body: 'x'.repeat(4001) });
    assert.equal(huge.status, 413);
    const csrf = await anna.request('POST', '/api/panel/quick-replies', { site: shop, body: 'x' }, { csrf: false });
    assert.equal(csrf.status, 403);
    assert.equal((await anna.request('PATCH', '/api/panel/quick-replies/abc', { body: 'x' })).status, 404);
  });
});
