// Files (F16) and avatars (F6) through the real daemon: the visitor uploads over HTTP and posts
// the upload on its socket, the operator gets the msg frame with the file and downloads the same
// bytes; oversize and disguised uploads are refused clearly; nobody reads another's files.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { SITE_ORIGIN, addOperator, operatorSocket, startShop, visitorSocket } from '../support/chat.mjs';

const CAP = 64 * 1024;

// A 1×1 PNG, as a browser would upload a pasted screenshot.
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
  '1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5f1a1d40000000049454e44ae426082', 'hex');
const EXE = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(120), Buffer.from('PE\0\0')]);

async function setUp() {
  const shop = await startShop({ extraYaml: `limits:\n  max_upload_bytes: ${CAP}\n` });
  // An operator of the other site only.
  const { client: stranger } = await addOperator(shop.d, shop.other.id, 'stranger@example.com', { password: 'operator-pass' });
  return { ...shop, stranger };
}

async function visitor(d, site) {
  const { v, welcome } = await visitorSocket(d, site);
  return { v, token: welcome.visitor.token, id: welcome.visitor.id };
}

async function operator(d, client) {
  return (await operatorSocket(d, client)).o;
}

function widgetUpload(d, site, token, name, body, headers = {}) {
  return fetch(`${d.base}/api/widget/files?key=${site.widget_key}&name=${encodeURIComponent(name)}`, {
    method: 'POST', body, headers: { Origin: SITE_ORIGIN, 'X-Callpy-Visitor': token, 'Content-Type': 'application/octet-stream', ...headers },
  });
}

function widgetDownload(d, site, token, id, origin = SITE_ORIGIN) {
  return fetch(`${d.base}/api/widget/files/${id}?key=${site.widget_key}`, { headers: { Origin: origin, 'X-Callpy-Visitor': token } });
}

describe('files', () => {
  let ctx;
  before(async () => { ctx = await setUp(); });
  after(async () => { await ctx.d.stop(); });

  test('a visitor uploads a PNG and posts it; the operator gets the file and downloads the same bytes', async () => {
    const { d, owner, site } = ctx;
    const o = await operator(d, owner);
    const { v, token } = await visitor(d, site);

    const up = await widgetUpload(d, site, token, 'скриншот <img src=x onerror=alert(1)>.png', PNG);
    assert.equal(up.status, 201);
    assert.equal(up.headers.get('access-control-allow-origin'), SITE_ORIGIN);
    const { file } = await up.json();
    assert.equal(file.mime, 'image/png');
    assert.equal(file.size, PNG.length);
    assert.equal(file.name, 'скриншот <img src=x onerror=alert(1)>.png');

    v.send({ t: 'msg', cid: 'f1', file: file.id });
    const ack = await v.type('ack', (f) => f.cid === 'f1');
    const got = await o.type('msg', (f) => f.cid === 'f1');
    assert.equal(got.kind, 'file');
    assert.deepEqual(got.file, { id: file.id, name: file.name, size: PNG.length, mime: 'image/png' });
    // The visitor's own tab gets the message too, with the file.
    assert.equal((await v.type('msg', (f) => f.cid === 'f1')).file.id, file.id);

    // Idempotent by cid like text.
    v.send({ t: 'msg', cid: 'f1', file: file.id });
    assert.equal((await v.type('ack', (f) => f.cid === 'f1')).id, ack.id);

    const dl = await fetch(`${d.base}/api/panel/files/${file.id}`, { headers: { Cookie: owner.cookie } });
    assert.equal(dl.status, 200);
    assert.deepEqual(Buffer.from(await dl.arrayBuffer()), PNG);
    assert.equal(dl.headers.get('content-type'), 'image/png');
    assert.equal(dl.headers.get('x-content-type-options'), 'nosniff');
    assert.match(dl.headers.get('content-security-policy'), /default-src 'none'.*sandbox/);
    assert.match(dl.headers.get('content-disposition'), /^inline; filename="[^"]*"; filename\*=UTF-8''%D1%81/);

    // The visitor downloads its file; the REST listing and resume carry the file too.
    const mine = await widgetDownload(d, site, token, file.id);
    assert.equal(mine.status, 200);
    assert.deepEqual(Buffer.from(await mine.arrayBuffer()), PNG);
    const list = await owner.request('GET', `/api/panel/dialogs/${ack.dialog}/messages`);
    assert.deepEqual(list.body.messages.find((m) => m.cid === 'f1').file, got.file);
    o.send({ t: 'resume', dialog: ack.dialog, after: 0 });
    assert.equal((await o.type('msg', (f) => f.cid === 'f1' && f.seq === ack.seq)).file.id, file.id);
    v.close();
    o.close();
  });

  test('the operator attaches a PDF; it is an attachment and the visitor can read it', async () => {
    const { d, owner, site } = ctx;
    const { v, token } = await visitor(d, site);
    v.send({ t: 'msg', cid: 'hello', text: 'need the price list' });
    const ack = await v.type('ack');
    const o = await operator(d, owner);
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n');
    // Without the CSRF header the upload is refused.
    const noCsrf = await fetch(`${d.base}/api/panel/files?dialog=${ack.dialog}&name=p.pdf`, { method: 'POST', body: pdf, headers: { Cookie: owner.cookie } });
    assert.equal(noCsrf.status, 403);
    const up = await owner.request('POST', `/api/panel/files?dialog=${ack.dialog}&name=${encodeURIComponent('Прайс "2024".pdf')}`, undefined, { rawBody: pdf });
    assert.equal(up.status, 201);
    const before = await widgetDownload(d, site, token, up.body.file.id);
    assert.equal(before.status, 404, 'not the visitor\'s until posted in its dialog');
    o.send({ t: 'msg', cid: 'op-f1', dialog: ack.dialog, file: up.body.file.id });
    await o.type('ack', (f) => f.cid === 'op-f1');
    const seen = await v.type('msg', (f) => f.cid === 'op-f1');
    assert.equal(seen.file.mime, 'application/pdf');
    const dl = await widgetDownload(d, site, token, up.body.file.id);
    assert.equal(dl.status, 200);
    assert.match(dl.headers.get('content-disposition'), /^attachment; filename="_____ _2024_.pdf"; filename\*=UTF-8''%D0%9F/);
    assert.deepEqual(Buffer.from(await dl.arrayBuffer()), pdf);
    v.close();
    o.close();
  });

  test('an oversize upload gets 413 with a clear error; the socket and other uploads go on', async () => {
    const { d, site } = ctx;
    const { v, token } = await visitor(d, site);
    const big = Buffer.concat([Buffer.from('hello\n'), Buffer.alloc(CAP, 'a')]);
    const r = await widgetUpload(d, site, token, 'big.txt', big);
    assert.equal(r.status, 413);
    const err = (await r.json()).error;
    assert.equal(err.code, 'too_large');
    assert.equal(err.message, 'the file is larger than the limit of 64 KiB');
    // Chunked (no Content-Length): the cap holds while reading.
    const stream = new ReadableStream({ start(c) { c.enqueue(new Uint8Array(big)); c.close(); } });
    const chunked = await fetch(`${d.base}/api/widget/files?key=${site.widget_key}&name=big.txt`, {
      method: 'POST', body: stream, duplex: 'half', headers: { Origin: SITE_ORIGIN, 'X-Callpy-Visitor': token } });
    assert.equal(chunked.status, 413);
    // The socket still works and a normal upload right after succeeds.
    v.send({ t: 'msg', cid: 'after-big', text: 'still here' });
    await v.type('ack', (f) => f.cid === 'after-big');
    assert.equal((await widgetUpload(d, site, token, 'ok.png', PNG)).status, 201);
    v.close();
  });

  test('an .exe renamed .png, an .exe and HTML called .png are refused with clear errors', async () => {
    const { d, site } = ctx;
    const { v, token } = await visitor(d, site);
    const exe = await widgetUpload(d, site, token, 'cat.png', EXE);
    assert.equal(exe.status, 400);
    const e1 = (await exe.json()).error;
    assert.equal(e1.code, 'invalid');
    assert.equal(e1.field, 'file');
    assert.match(e1.message, /not a \.png file/);
    const plain = await widgetUpload(d, site, token, 'setup.exe', EXE);
    assert.match((await plain.json()).error.message, /files of type \.exe are not allowed/);
    const html = await widgetUpload(d, site, token, 'x.png', Buffer.from('<script>alert(1)</script>'));
    assert.match((await html.json()).error.message, /the content is a \.txt file but the name ends in \.png/);
    v.close();
  });

  test('visitors and operators read only what is theirs (404 otherwise)', async () => {
    const { d, owner, site, stranger } = ctx;
    const a = await visitor(d, site);
    const b = await visitor(d, site);
    const up = await (await widgetUpload(d, site, a.token, 'a.png', PNG)).json();
    a.v.send({ t: 'msg', cid: 'mine', file: up.file.id });
    await a.v.type('ack');
    assert.equal((await widgetDownload(d, site, b.token, up.file.id)).status, 404);
    assert.equal((await fetch(`${d.base}/api/panel/files/${up.file.id}`, { headers: { Cookie: stranger.cookie } })).status, 404);
    assert.equal((await fetch(`${d.base}/api/panel/files/${up.file.id}`, { headers: { Cookie: owner.cookie } })).status, 200);
    // No token, a wrong origin, and another visitor posting a's upload.
    assert.equal((await widgetDownload(d, site, 'nope', up.file.id)).status, 401);
    assert.equal((await widgetDownload(d, site, a.token, up.file.id, 'https://evil.example')).status, 403);
    b.v.send({ t: 'msg', cid: 'steal', file: up.file.id });
    const err = await b.v.type('err', (f) => f.cid === 'steal');
    assert.equal(err.code, 'not_found');
    // The stranger cannot upload into the shop's dialogs either.
    const dialogs = await owner.request('GET', '/api/panel/dialogs');
    const sd = dialogs.body.dialogs.find((x) => x.site === site.id);
    const st = await stranger.request('POST', `/api/panel/files?dialog=${sd.id}&name=a.png`, undefined, { rawBody: PNG });
    assert.equal(st.status, 404);
    a.v.close();
    b.v.close();
  });

  test('CORS preflight answers the site\'s origins only', async () => {
    const { d, site } = ctx;
    const ok = await fetch(`${d.base}/api/widget/files?key=${site.widget_key}`, { method: 'OPTIONS',
      headers: { Origin: SITE_ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'x-callpy-visitor' } });
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get('access-control-allow-origin'), SITE_ORIGIN);
    assert.match(ok.headers.get('access-control-allow-headers'), /X-Callpy-Visitor/);
    const bad = await fetch(`${d.base}/api/widget/files?key=${site.widget_key}`, { method: 'OPTIONS', headers: { Origin: 'https://evil.example' } });
    assert.equal(bad.status, 403);
    assert.equal(bad.headers.get('access-control-allow-origin'), null);
  });

  test('avatars: upload, public URL, replace, delete', async () => {
    const { d, owner } = ctx;
    const none = await owner.request('GET', '/api/panel/profile/avatar');
    assert.equal(none.body.avatar, null);
    const bad = await owner.request('POST', '/api/panel/profile/avatar?name=me.pdf', undefined, { rawBody: Buffer.from('%PDF-1.4\n') });
    assert.equal(bad.status, 400);
    const set = await owner.request('POST', '/api/panel/profile/avatar?name=me.png', undefined, { rawBody: PNG });
    assert.equal(set.status, 200);
    const url = set.body.avatar;
    assert.match(url, /^\/api\/avatars\/\d+$/);
    const pub = await fetch(d.base + url);
    assert.equal(pub.status, 200);
    assert.equal(pub.headers.get('content-type'), 'image/png');
    assert.match(pub.headers.get('cache-control'), /public/);
    assert.deepEqual(Buffer.from(await pub.arrayBuffer()), PNG);
    const del = await owner.request('DELETE', '/api/panel/profile/avatar');
    assert.equal(del.status, 200);
    assert.equal((await fetch(d.base + url)).status, 404);
  });
});
