// callpyd as a process: config checking, exit codes, health and metrics, reload and stop.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { callpyd, freePort, latestSchemaVersion, repoRoot, startDaemon, tempDir, waitFor } from '../support/daemon.mjs';

function run(...args) {
  return spawnSync(callpyd, args, { encoding: 'utf8' });
}

describe('callpyd command line', () => {
  test('--version prints the version', () => {
    const r = run('--version');
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^callpyd \d+\.\d+\.\d+/);
  });

  test('an unknown flag is a usage error (64)', () => {
    const r = run('--no-such-flag');
    assert.equal(r.status, 64);
  });

  // (The example config names an SMTP password file that only exists on a real server; its unit
  // test loads it with that file provided.)
  test('--check-config accepts the demo config', () => {
    for (const f of ['config/demo.yaml']) {
      const r = run('--config', path.join(repoRoot, f), '--check-config');
      assert.equal(r.status, 0, `${f}: ${r.stderr}`);
      assert.match(r.stdout, /: ok/);
    }
  });

  test('--check-config reports every problem as FILE:LINE:COL and exits 78', () => {
    const dir = tempDir();
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(file, 'listen:\n  http: 127.0.0.1:99999\ndata_dir: /tmp/x\nbogus_key: 1\n');
    const r = run('--config', file, '--check-config');
    assert.equal(r.status, 78);
    assert.match(r.stderr, new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:\\d+: listen\\.http: `));
    assert.match(r.stderr, /:4:1: bogus_key: /);
  });

  test('broken YAML syntax is reported with its position', () => {
    const dir = tempDir();
    const file = path.join(dir, 'broken.yaml');
    fs.writeFileSync(file, 'listen:\n  http: [127.0.0.1:8080\ndata_dir: /tmp/x\n');
    const r = run('--config', file, '--check-config');
    assert.equal(r.status, 78);
    assert.match(r.stderr, /broken\.yaml:\d+:\d+: /);
  });
});

describe('a running daemon', () => {
  let d;
  before(async () => { d = await startDaemon(); });
  after(async () => { await d.stop(); });

  test('serves /healthz on HTTP and the admin socket', async () => {
    const r = await fetch(`${d.base}/healthz`);
    assert.equal(r.status, 200);
    assert.equal((await d.admin('GET', '/healthz')).status, 200);
  });

  test('serves Prometheus metrics on the admin socket only', async () => {
    const m = await d.admin('GET', '/metrics');
    assert.equal(m.status, 200);
    assert.match(m.body, /^callpy_http_requests_total\{code="2xx"\} \d+$/m);
    assert.match(m.body, /^# TYPE callpy_db_commit_seconds histogram$/m);
    // Start-up wrote to the database (reconcile), so commits were timed.
    assert.match(m.body, /^callpy_db_commit_seconds_count [1-9]\d*$/m);
    assert.match(m.body, /^callpy_outbox_backlog \d+$/m);
    assert.equal((await fetch(`${d.base}/metrics`)).status, 404);
  });

  test('threads are named by role (top -H, gdb)', () => {
    const tasks = fs.readdirSync(`/proc/${d.proc.pid}/task`);
    const names = tasks.map((t) => fs.readFileSync(`/proc/${d.proc.pid}/task/${t}/comm`, 'utf8').trim());
    for (const name of ['callpy-writer', 'callpy-commit', 'callpy-relay', 'callpy-loop-0', 'callpy-worker', 'callpy-outbox']) {
      assert.ok(names.includes(name), `${name} in ${names.join(', ')}`);
    }
  });

  test('status reports version, schema and listeners', async () => {
    const s = await d.admin('GET', '/api/admin/v1/status');
    assert.equal(s.status, 200);
    assert.equal(s.body.schema_version, latestSchemaVersion);
    assert.ok(s.body.listeners.some((l) => l.includes(String(d.port))));
  });

  test('unknown API paths are 404 JSON errors', async () => {
    const r = await fetch(`${d.base}/api/panel/nope`);
    assert.equal(r.status, 404);
    assert.equal((await r.json()).error.code, 'not_found');
  });

  test('the panel is served with a strict CSP, and client routes fall back to index.html', async () => {
    const r = await fetch(`${d.base}/app/sites/whatever`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-security-policy'), /script-src 'self'/);
    assert.match(await r.text(), /<div id="app">|<!doctype html>/i);
    const root = await fetch(`${d.base}/`, { redirect: 'manual' });
    assert.equal(root.status, 302);
    assert.equal(root.headers.get('location'), '/app/');
  });

  test('path traversal outside the web root is refused', async () => {
    const r = await fetch(`${d.base}/app/..%2f..%2fetc%2fpasswd`);
    assert.notEqual(r.status, 200);
  });

  test('SIGHUP reloads the declared sites from the config', async () => {
    fs.appendFileSync(d.configPath, 'sites:\n  - id: reloaded\n    name: Reloaded shop\n    origins: ["https://reloaded.example"]\n' +
      '    offline_emails: [Leads@Reloaded.example]\n');
    d.proc.kill('SIGHUP');
    const site = await waitFor(async () => {
      const r = await d.admin('GET', '/api/admin/v1/sites/reloaded');
      return r.status === 200 && r.body.site;
    }, { what: 'the reloaded site' });
    assert.equal(site.managed_by_config, true);
    assert.deepEqual(site.origins, ['https://reloaded.example']);
    assert.deepEqual(site.offline_emails, ['leads@reloaded.example']);
  });
});

describe('start-up refusals', () => {
  test('SIGTERM drains and exits 0; the data survives a restart', async () => {
    const d = await startDaemon();
    const created = await d.admin('POST', '/api/admin/v1/sites', { name: 'Kept', url: 'https://kept.example' });
    assert.equal(created.status, 201);
    const { code } = await d.stop();
    assert.equal(code, 0);
    await d.start();
    const again = await d.admin('GET', `/api/admin/v1/sites/${created.body.site.id}`);
    assert.equal(again.status, 200);
    await d.stop();
  });

  test('a database with a newer schema is refused with exit 65', async () => {
    const d = await startDaemon();
    await d.stop();
    const db = path.join(d.dir, 'data', 'callpy.db');
    const r = spawnSync('sqlite3', [db, 'PRAGMA user_version = 999;'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const res = spawnSync(callpyd, ['--config', d.configPath], { encoding: 'utf8', timeout: 20000 });
    assert.equal(res.status, 65);
    assert.match(res.stderr, /schema version 999/);
  });

  test('a corrupt database file is refused with exit 65', async () => {
    const d = await startDaemon();
    await d.stop();
    const db = path.join(d.dir, 'data', 'callpy.db');
    for (const f of [db + '-wal', db + '-shm']) fs.rmSync(f, { force: true });
    fs.writeFileSync(db, Buffer.alloc(8192, 0x5a));
    const res = spawnSync(callpyd, ['--config', d.configPath], { encoding: 'utf8', timeout: 20000 });
    assert.equal(res.status, 65);
    assert.match(res.stderr, /callpy\.db/);
  });
});

describe('systemd and operations', () => {
  test('sd_notify: READY=1 with a STATUS, WATCHDOG=1 keep-alives, STOPPING=1 on SIGTERM', async () => {
    const dir = tempDir();
    const sock = path.join(dir, 'notify.sock');
    // A real datagram socket like systemd's, printing each notification on one line.
    const listener = spawn('/usr/bin/python3', ['-u', '-c', `
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("listening", flush=True)
while True:
    print(s.recv(4096).decode().replace("\\n", "|"), flush=True)
`, sock], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    listener.stdout.on('data', (b) => { out += b; });
    try {
      await waitFor(() => out.includes('listening'), { what: 'the notify socket' });
      const d = await startDaemon({ env: { NOTIFY_SOCKET: sock, WATCHDOG_USEC: '400000' } });
      await waitFor(() => /READY=1\|STATUS=Serving on/.test(out), { what: 'READY=1' });
      await waitFor(() => (out.match(/WATCHDOG=1/g) ?? []).length >= 2, { what: 'two WATCHDOG=1' });
      await d.stop();
      await waitFor(() => out.includes('STOPPING=1'), { what: 'STOPPING=1' });
    } finally {
      listener.kill();
    }
  });

  test('admin.metrics serves /healthz and /metrics over TCP, but no API', async () => {
    const metricsPort = await freePort();
    const d = await startDaemon({ extraYaml: `` });
    await d.stop();
    fs.writeFileSync(d.configPath, fs.readFileSync(d.configPath, 'utf8').replace(
      /admin:\n {2}socket: (.*)\n/, `admin:\n  socket: $1\n  metrics: 127.0.0.1:${metricsPort}\n`));
    await d.start();
    try {
      const h = await fetch(`http://127.0.0.1:${metricsPort}/healthz`);
      assert.equal(h.status, 200);
      const m = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
      assert.match(await m.text(), /callpy_uptime_seconds \d+/);
      const api = await fetch(`http://127.0.0.1:${metricsPort}/api/admin/v1/status`);
      assert.equal(api.status, 404);
    } finally {
      await d.stop();
    }
  });

  test('logs go to stderr with syslog priority prefixes and no secrets', async () => {
    const d = await startDaemon();
    const b = await d.admin('POST', '/api/admin/v1/bootstrap', { email: 'log@example.com' });
    await d.stop();
    const lines = d.stderr.trim().split('\n');
    assert.ok(lines.length > 2);
    for (const line of lines) assert.match(line, /^<[0-7]>\S+/);
    assert.ok(lines.some((l) => l.startsWith('<5>daemon.ready')));
    assert.ok(!d.stderr.includes(b.body.password), 'the generated password is never logged');
  });
});

describe('HTTP edge cases', () => {
  test('a POST without Content-Length is answered at once as an empty body', async () => {
    const d = await startDaemon();
    try {
      const started = Date.now();
      const r = spawnSync('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'POST',
        '--unix-socket', d.socket, 'http://localhost/api/admin/v1/reload'], { encoding: 'utf8', timeout: 10000 });
      assert.equal(r.stdout, '200');
      assert.ok(Date.now() - started < 5000, 'no wait for a body that never comes');
    } finally {
      await d.stop();
    }
  });
});

describe('connection limits', () => {
  test('connections over limits.max_connections_per_ip get 503 and are closed', async () => {
    const d = await startDaemon({ extraYaml: 'limits:\n  max_connections_per_ip: 2\n' });
    const open = [];
    try {
      for (let i = 0; i < 2; i++) {
        const s = net.connect(d.port, '127.0.0.1');
        await new Promise((r) => s.on('connect', r));
        open.push(s);
      }
      const answer = await new Promise((resolve, reject) => {
        const s = net.connect(d.port, '127.0.0.1');
        let text = '';
        s.on('data', (b) => { text += b; });
        s.on('end', () => resolve(text));
        s.on('error', reject);
      });
      assert.match(answer, /^HTTP\/1\.1 503/);
      assert.match(answer, /"code":"limit"/);
      for (const s of open) s.destroy();
      // Once they are closed, the address may connect again.
      await waitFor(async () => (await fetch(`${d.base}/healthz`).catch(() => null))?.status === 200,
        { what: 'a connection slot' });
    } finally {
      for (const s of open) s.destroy();
      await d.stop();
    }
  });
});
