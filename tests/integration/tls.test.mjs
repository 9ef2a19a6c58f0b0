// TLS (issue 6 §4) through the real daemon with certificates made by openssl for this test:
// HTTP → HTTPS redirect and HSTS with both listeners, REST and a visitor WebSocket over wss://
// (our raw client with the test CA, and Node's own WebSocket trusting it via NODE_EXTRA_CA_CERTS),
// exit 78 with FILE:LINE:COL for a key that does not match, and a certificate replaced + SIGHUP:
// new connections see the new certificate, open WebSockets keep working, a bad replacement
// keeps the old one and the reload reports why.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import tls from 'node:tls';
import { after, before, describe, test } from 'node:test';

import { Daemon, callpyd, freePort, tempDir, waitFor, webRoot } from '../support/daemon.mjs';
import { RawWsClient } from '../support/raw_ws.mjs';

const SITE_ORIGIN = 'https://shop.example';

// A self-signed P-256 certificate for 127.0.0.1/localhost; returns { cert, key, pem, fingerprint }.
function makeCert(dir, name, cn) {
  const cert = path.join(dir, `${name}.crt`);
  const key = path.join(dir, `${name}.key`);
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256',
    '-nodes', '-days', '2', '-subj', `/CN=${cn}`, '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', key, '-out', cert], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const pem = fs.readFileSync(cert, 'utf8');
  return { cert, key, pem, fingerprint: new crypto.X509Certificate(pem).fingerprint256 };
}

function configText(dir, { httpPort, httpsPort, cert, key }) {
  return `listen:\n  http: 127.0.0.1:${httpPort}\n  https: 127.0.0.1:${httpsPort}\n` +
    `data_dir: ${path.join(dir, 'data')}\nadmin:\n  socket: ${path.join(dir, 'admin.sock')}\n` +
    `web_root: ${webRoot}\nlog:\n  level: debug\ntls:\n  certificate: ${cert}\n  key: ${key}\n`;
}

// The SHA-256 fingerprint of the certificate a new TLS connection gets.
function servedFingerprint(port, ca) {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => {
      const fp = s.getPeerCertificate().fingerprint256;
      s.end();
      resolve(fp);
    });
    s.on('error', reject);
  });
}

// One HTTPS request trusting `ca`. Returns { status, headers, body }.
function httpsRequest(port, ca, method, urlPath, { body, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = https.request({ host: '127.0.0.1', port, method, path: urlPath, ca, agent: false,
      headers: { ...headers, ...(data ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } : {}) } },
    (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        let parsed = text;
        try { parsed = JSON.parse(text); } catch { /* text */ }
        resolve({ status: res.statusCode, headers: res.headers, body: parsed });
      });
    });
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

describe('TLS: listen.https with tls.certificate / tls.key', () => {
  let dir; let d; let a; let b; let httpPort; let httpsPort; let site;

  before(async () => {
    dir = tempDir('callpy-tls-');
    a = makeCert(dir, 'a', 'first.callpy.test');
    b = makeCert(dir, 'b', 'second.callpy.test');
    // The daemon reads these paths; the test replaces their contents for the reload.
    fs.copyFileSync(a.cert, path.join(dir, 'live.crt'));
    fs.copyFileSync(a.key, path.join(dir, 'live.key'));
    httpPort = await freePort();
    httpsPort = await freePort();
    const configPath = path.join(dir, 'callpyd.yaml');
    fs.writeFileSync(configPath, configText(dir, { httpPort, httpsPort,
      cert: path.join(dir, 'live.crt'), key: path.join(dir, 'live.key') }));
    // Daemon.start() polls http://…/healthz, which plain HTTP still answers next to HTTPS.
    d = new Daemon(configPath, httpPort, path.join(dir, 'admin.sock'), dir);
    await d.start();
    const sites = await d.admin('POST', '/api/admin/v1/sites', { name: 'Shop', url: SITE_ORIGIN });
    assert.equal(sites.status, 201, JSON.stringify(sites.body));
    site = sites.body.site;
  });

  after(async () => {
    await d?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('plain HTTP redirects to the same path on HTTPS (301, 308 for writes) and keeps /healthz', async () => {
    const get = await fetch(`http://127.0.0.1:${httpPort}/app/?x=1`, { redirect: 'manual' });
    assert.equal(get.status, 301);
    assert.equal(get.headers.get('location'), `https://127.0.0.1:${httpsPort}/app/?x=1`);
    assert.equal(get.headers.get('strict-transport-security'), null, 'no HSTS over plain HTTP');
    const post = await fetch(`http://127.0.0.1:${httpPort}/api/panel/auth/login`,
      { method: 'POST', body: '{}', headers: { 'Content-Type': 'application/json' }, redirect: 'manual' });
    assert.equal(post.status, 308);
    assert.equal(post.headers.get('location'), `https://127.0.0.1:${httpsPort}/api/panel/auth/login`);
    const health = await fetch(`http://127.0.0.1:${httpPort}/healthz`, { redirect: 'manual' });
    assert.equal(health.status, 200);
  });

  test('REST over HTTPS: HSTS on every response, Secure session cookie', async () => {
    const health = await httpsRequest(httpsPort, a.pem, 'GET', '/healthz');
    assert.equal(health.status, 200);
    assert.equal(health.headers['strict-transport-security'], 'max-age=31536000');
    const boot = await d.admin('POST', '/api/admin/v1/bootstrap', { email: 'owner@example.com' });
    assert.equal(boot.status, 201, JSON.stringify(boot.body));
    const login = await httpsRequest(httpsPort, a.pem, 'POST', '/api/panel/auth/login',
      { body: { email: 'owner@example.com', password: boot.body.password } });
    assert.equal(login.status, 200, JSON.stringify(login.body));
    const cookie = login.headers['set-cookie'].find((c) => c.startsWith('callpy_session='));
    assert.match(cookie, /;\s*Secure/i, 'public_url defaults to https://, so the cookie is Secure');
    const sites = await httpsRequest(httpsPort, a.pem, 'GET', '/api/panel/sites',
      { headers: { Cookie: cookie.split(';')[0] } });
    assert.equal(sites.status, 200);
    assert.equal(sites.headers['strict-transport-security'], 'max-age=31536000');
    assert.ok(sites.body.sites.some((s) => s.id === site.id));
    const missing = await httpsRequest(httpsPort, a.pem, 'GET', '/api/panel/nothing-here');
    assert.equal(missing.headers['strict-transport-security'], 'max-age=31536000', 'errors carry HSTS too');
  });

  test('a visitor chats over wss:// (message acknowledged after commit)', async () => {
    const v = await RawWsClient.open({ port: httpsPort, path: `/ws/visitor?key=${site.widget_key}`,
      headers: { Origin: SITE_ORIGIN }, tls: { ca: a.pem, servername: 'localhost' } });
    try {
      v.send({ t: 'hello', v: 1, token: null, tab: 't1' });
      const welcome = await v.type('welcome');
      assert.ok(welcome.visitor.token.length >= 40);
      // ~110 KiB written at once, many TLS records: more than the loop reads per pass, so it must
      // go back for records OpenSSL has already decrypted, which epoll does not announce.
      const text = 'Здравствуйте! '.repeat(200);  // 2800 characters, under the 4000 limit
      const cids = Array.from({ length: 20 }, (_, i) => `m${i}`);
      v.socket.cork();
      for (const cid of cids) v.send({ t: 'msg', cid, text });
      v.socket.uncork();
      let lastSeq = 0;
      for (const cid of cids) {
        const ack = await v.type('ack', (f) => f.cid === cid);
        assert.ok(ack.seq > lastSeq, 'acks in order');
        lastSeq = ack.seq;
      }
    } finally {
      v.close();
    }
  });

  test("Node's own WebSocket (undici) connects over wss:// trusting the test CA", () => {
    const caFile = path.join(dir, 'ca.pem');
    fs.writeFileSync(caFile, a.pem);
    const script = `
      const ws = new WebSocket(${JSON.stringify(`wss://localhost:${httpsPort}/ws/visitor?key=${site.widget_key}`)},
        { headers: { Origin: ${JSON.stringify(SITE_ORIGIN)} } });
      const timer = setTimeout(() => { console.log('timeout'); process.exit(2); }, 10000);
      ws.onopen = () => ws.send(JSON.stringify({ t: 'hello', v: 1, token: null, tab: 'n1' }));
      ws.onmessage = (e) => { const f = JSON.parse(e.data); if (f.t === 'welcome') { console.log('welcome'); clearTimeout(timer); ws.close(); } };
      ws.onerror = (e) => { console.log('error ' + (e.message ?? e.type)); process.exit(1); };`;
    const r = spawnSync(process.execPath, ['--experimental-websocket', '--no-warnings', '-e', script],
      { encoding: 'utf8', env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile }, timeout: 20000 });
    assert.equal(r.stdout.trim(), 'welcome', `${r.stdout}\n${r.stderr}`);
    assert.equal(r.status, 0);
  });

  test('a replaced certificate + SIGHUP: new connections get it, open sockets keep working, a bad one is refused', async () => {
    assert.equal(await servedFingerprint(httpsPort, a.pem), a.fingerprint);
    const v = await RawWsClient.open({ port: httpsPort, path: `/ws/visitor?key=${site.widget_key}`,
      headers: { Origin: SITE_ORIGIN }, tls: { ca: a.pem, servername: 'localhost' } });
    try {
      v.send({ t: 'hello', v: 1, token: null, tab: 't2' });
      await v.type('welcome');

      fs.copyFileSync(b.cert, path.join(dir, 'live.crt'));
      fs.copyFileSync(b.key, path.join(dir, 'live.key'));
      d.proc.kill('SIGHUP');
      await waitFor(async () => (await servedFingerprint(httpsPort, b.pem).catch(() => null)) === b.fingerprint,
        { what: 'the new certificate on new connections' });
      assert.match(d.stderr, /tls\.certificate_loaded.*second\.callpy\.test/);

      // The socket opened under the old certificate goes on.
      v.send({ t: 'msg', cid: 'after-reload', text: 'still here' });
      assert.ok((await v.type('ack', (f) => f.cid === 'after-reload')).id > 0);

      // A certificate whose key does not match: the reload is refused with the file position,
      // and the certificate in use stays.
      fs.copyFileSync(a.cert, path.join(dir, 'live.crt'));
      const r = d.ctl('reload');
      assert.notEqual(r.code, 0);
      assert.match(r.stdout + r.stderr, /callpyd\.yaml:\d+:\d+: tls\.key: the key in .*live\.key does not match the certificate in .*live\.crt/);
      assert.equal(await servedFingerprint(httpsPort, b.pem), b.fingerprint);
    } finally {
      v.close();
    }
  });
});

describe('TLS configuration errors', () => {
  test('a key that does not match the certificate: --check-config and start exit 78 at the tls.key line', async () => {
    const dir = tempDir('callpy-tls-bad-');
    try {
      const a = makeCert(dir, 'a', 'a.callpy.test');
      const b = makeCert(dir, 'b', 'b.callpy.test');
      const configPath = path.join(dir, 'callpyd.yaml');
      const text = configText(dir, { httpPort: await freePort(), httpsPort: await freePort(), cert: a.cert, key: b.key });
      fs.writeFileSync(configPath, text);
      const keyLine = text.split('\n').findIndex((l) => l.startsWith('  key: ')) + 1;
      const expected = `${configPath}:${keyLine}:8: tls.key: the key in ${b.key} does not match the certificate in ${a.cert}`;

      const check = spawnSync(callpyd, ['--config', configPath, '--check-config'], { encoding: 'utf8' });
      assert.equal(check.status, 78, check.stderr);
      assert.ok((check.stdout + check.stderr).includes(expected), check.stdout + check.stderr);

      const start = spawn(callpyd, ['--config', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      start.stderr.on('data', (c) => { stderr += c; });
      const code = await new Promise((resolve) => start.on('exit', (c) => resolve(c)));
      assert.equal(code, 78, stderr);
      assert.ok(stderr.includes(expected), stderr);

      // A missing certificate file names the file and the reason.
      fs.writeFileSync(configPath, configText(dir, { httpPort: 1, httpsPort: 2, cert: path.join(dir, 'none.crt'), key: a.key }));
      const missing = spawnSync(callpyd, ['--config', configPath, '--check-config'], { encoding: 'utf8' });
      assert.equal(missing.status, 78);
      assert.match(missing.stdout + missing.stderr, /tls\.certificate: cannot read .*none\.crt: No such file or directory/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
