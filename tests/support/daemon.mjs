// Starts the real callpyd (and, when asked, a real SMTP sink) for integration and browser tests.
// Binaries come from the environment scripts/test sets (CALLPYD_BIN, CALLPYCTL_BIN,
// CALLPY_WEB_ROOT); defaults point at the asan build.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const callpyd = process.env.CALLPYD_BIN ?? path.join(repoRoot, 'build/asan/daemon/callpyd');
export const callpyctl = process.env.CALLPYCTL_BIN ?? path.join(repoRoot, 'build/asan/cli/callpyctl');
export const webRoot = process.env.CALLPY_WEB_ROOT ?? path.join(repoRoot, 'build/web');

// The schema version this tree's callpyd migrates to: the number of the last migration file.
export const latestSchemaVersion = Math.max(...fs.readdirSync(path.join(repoRoot, 'daemon/storage/migrations'))
  .filter((f) => /^\d{4}_.*\.sql$/.test(f)).map((f) => Number(f.slice(0, 4))));

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export function tempDir(prefix = 'callpy-test-') {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

// Polls `check` until it returns a truthy value or the deadline passes.
export async function waitFor(check, { timeoutMs = 15000, intervalMs = 50, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      lastError = e;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`);
}

// A real SMTP server (aiosmtpd) that stores each message as NNNN.json in `dir`.
export async function startSmtpSink() {
  const dir = tempDir('callpy-smtp-');
  const port = await freePort();
  const proc = spawn('/usr/bin/python3', [path.join(repoRoot, 'tests/fixtures/smtp_sink.py'),
    '--port', String(port), '--dir', dir], { stdio: ['ignore', 'inherit', 'inherit'] });
  await waitFor(() => fs.existsSync(path.join(dir, 'ready')), { what: 'the SMTP sink' });
  return {
    port,
    dir,
    messages() {
      return fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
        .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')));
    },
    async waitForMessage(predicate, what = 'an e-mail') {
      return waitFor(() => this.messages().find(predicate), { what });
    },
    stop() {
      proc.kill('SIGTERM');
    },
  };
}

// Writes a config for a fresh data dir and starts callpyd on free ports.
export async function startDaemon({ smtpPort, extraYaml = '', dataDir, env } = {}) {
  const dir = dataDir ?? tempDir();
  const port = await freePort();
  const socket = path.join(dir, 'admin.sock');
  const smtp = smtpPort
    ? `smtp:\n  host: 127.0.0.1\n  port: ${smtpPort}\n  starttls: false\n  from: "Callpy <noreply@callpy.test>"\n`
    : '';
  const configPath = path.join(dir, 'callpyd.yaml');
  fs.writeFileSync(configPath, `listen:\n  http: 127.0.0.1:${port}\npublic_url: http://127.0.0.1:${port}\n` +
    `data_dir: ${path.join(dir, 'data')}\nadmin:\n  socket: ${socket}\nweb_root: ${webRoot}\n` +
    `log:\n  level: debug\n${smtp}${extraYaml}`);
  const d = new Daemon(configPath, port, socket, dir);
  d.env = env;
  await d.start();
  return d;
}

export class Daemon {
  constructor(configPath, port, socket, dir) {
    Object.assign(this, { configPath, port, socket, dir, base: `http://127.0.0.1:${port}` });
    this.stderr = '';
  }

  async start() {
    this.proc = spawn(callpyd, ['--config', this.configPath], {
      stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...(this.env ?? {}) } });
    this.proc.stderr.on('data', (b) => { this.stderr += b.toString(); });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
    let gone = false;
    this.exited.then(() => { gone = true; });
    await waitFor(async () => {
      if (gone) throw new Error(`callpyd exited during start-up:\n${this.stderr}`);
      const r = await fetch(`${this.base}/healthz`).catch(() => null);
      return r?.ok && fs.existsSync(this.socket);
    }, { timeoutMs: 30000, what: 'callpyd to start' });
  }

  async stop(signal = 'SIGTERM') {
    if (!this.proc || this.proc.exitCode !== null) return this.exited;
    this.proc.kill(signal);
    return this.exited;
  }

  // A request over the admin Unix socket. Returns { status, body } with body parsed when JSON.
  admin(method, urlPath, body) {
    return new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const req = http.request({ socketPath: this.socket, path: urlPath, method,
        headers: data ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } : {} },
      (res) => {
        let text = '';
        res.on('data', (c) => { text += c; });
        res.on('end', () => {
          let parsed = text;
          try { parsed = JSON.parse(text); } catch { /* text */ }
          resolve({ status: res.statusCode, body: parsed, headers: res.headers });
        });
      });
      req.on('error', reject);
      if (data) req.write(data);
      req.end();
    });
  }

  ctl(...args) {
    const r = spawnSync(callpyctl, ['--socket', this.socket, ...args], { encoding: 'utf8' });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }
}

// A browser-less panel client: keeps the session cookie and the CSRF token.
export class PanelClient {
  constructor(base) {
    this.base = base;
    this.cookie = '';
    this.csrf = '';
  }

  async request(method, urlPath, body, { csrf = true, rawBody, headers = {} } = {}) {
    const h = { ...headers };
    if (this.cookie) h.Cookie = this.cookie;
    if (csrf && this.csrf && method !== 'GET') h['X-CSRF-Token'] = this.csrf;
    let payload = rawBody;
    if (body !== undefined) {
      payload = JSON.stringify(body);
      h['Content-Type'] = 'application/json';
    }
    const r = await fetch(this.base + urlPath, { method, headers: h, body: payload, redirect: 'manual' });
    const setCookie = r.headers.get('set-cookie');
    if (setCookie) {
      const m = /callpy_session=([^;]*)/.exec(setCookie);
      if (m) this.cookie = m[1] ? `callpy_session=${m[1]}` : '';
    }
    const text = await r.text();
    let parsed = text;
    try { parsed = JSON.parse(text); } catch { /* not JSON */ }
    if (parsed && typeof parsed === 'object' && parsed.csrf) this.csrf = parsed.csrf;
    return { status: r.status, body: parsed, headers: r.headers };
  }

  login(email, password) {
    return this.request('POST', '/api/panel/auth/login', { email, password });
  }
}
