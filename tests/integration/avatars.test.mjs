// Operators' avatars (F6) in the chat, through the real daemon: an operator with an avatar
// writes, and the visitor's msg frame names the avatar; the URL serves the image so that an
// <img> on the customer's page (another origin) may load it; resume and the panel's REST list
// carry it too; a replaced avatar is a new URL and a removed one disappears from new frames.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { SITE_ORIGIN, addSite, operatorSocket, startWithOwner, visitorSocket } from '../support/chat.mjs';

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
  '1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5f1a1d40000000049454e44ae426082', 'hex');
// A 1×1 GIF: another accepted type, and other bytes (a new file, so a new URL).
const GIF = Buffer.from('47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b', 'hex');

describe('avatars in the chat', () => {
  let d;
  let owner;
  let site;
  before(async () => {
    ({ d, owner } = await startWithOwner());
    assert.equal((await owner.request('PATCH', '/api/panel/me', { name: 'Анна' })).status, 200);
    site = await addSite(owner, 'Shop', SITE_ORIGIN);
  });
  after(async () => { await d?.stop(); });

  async function connect() {
    const { o } = await operatorSocket(d, owner);
    const { v } = await visitorSocket(d, site);
    v.send({ t: 'msg', cid: 'v1', text: 'Здравствуйте' });
    const ack = await v.type('ack', (f) => f.cid === 'v1');
    return { o, v, dialog: ack.dialog };
  }

  async function answer(o, v, dialog, cid) {
    o.send({ t: 'msg', dialog, cid, text: 'Добрый день' });
    return v.type('msg', (f) => f.cid === cid);
  }

  test('the visitor sees the operator avatar; the URL serves the image to other origins', async () => {
    const set = await owner.request('POST', '/api/panel/profile/avatar?name=me.png', undefined, { rawBody: PNG });
    assert.equal(set.status, 200);
    const url = set.body.avatar;
    const { o, v, dialog } = await connect();

    const visitorMsg = await v.type('msg', (f) => f.cid === 'v1');
    assert.equal(visitorMsg.author.avatar, undefined, 'visitors have no avatar');
    const got = await answer(o, v, dialog, 'o1');
    assert.equal(got.author.kind, 'operator');
    assert.equal(got.author.name, 'Анна');
    assert.equal(got.author.avatar, url);
    // The operator's own tab gets the same frame.
    assert.equal((await o.type('msg', (f) => f.cid === 'o1')).author.avatar, url);

    // As an <img> on the customer's page requests it: another origin, no credentials.
    const img = await fetch(d.base + got.author.avatar, { headers: { Origin: SITE_ORIGIN, 'Sec-Fetch-Dest': 'image', 'Sec-Fetch-Mode': 'no-cors' } });
    assert.equal(img.status, 200);
    assert.equal(img.headers.get('content-type'), 'image/png');
    assert.equal(img.headers.get('cross-origin-resource-policy'), 'cross-origin');
    assert.equal(img.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(img.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(img.headers.get('set-cookie'), null);
    assert.deepEqual(Buffer.from(await img.arrayBuffer()), PNG);

    // Resume (a reload of the widget) and the panel's REST list carry the avatar.
    v.send({ t: 'resume', dialog, after: 0 });
    const resumed = await v.type('msg', (f) => f.cid === 'o1');
    assert.equal(resumed.author.avatar, url);
    const list = await owner.request('GET', `/api/panel/dialogs/${dialog}/messages`);
    const rows = list.body.messages;
    assert.equal(rows.find((m) => m.cid === 'o1').author.avatar, url);
    assert.equal(rows.find((m) => m.cid === 'v1').author.avatar, undefined);

    // Replaced: a new URL on new messages and on resume (the old one is no longer served).
    const next = (await owner.request('POST', '/api/panel/profile/avatar?name=me.gif', undefined, { rawBody: GIF })).body.avatar;
    assert.notEqual(next, url);
    assert.equal((await answer(o, v, dialog, 'o2')).author.avatar, next);
    assert.equal((await fetch(d.base + url)).status, 404);
    v.send({ t: 'resume', dialog, after: 0 });
    assert.equal((await v.type('msg', (f) => f.cid === 'o1')).author.avatar, next);
    const gif = await fetch(d.base + next);
    assert.equal(gif.headers.get('content-type'), 'image/gif');

    // Removed: new frames carry no avatar.
    assert.equal((await owner.request('DELETE', '/api/panel/profile/avatar')).status, 200);
    assert.equal((await answer(o, v, dialog, 'o3')).author.avatar, undefined);
    v.close();
    o.close();
  });
});
