// Debian's Firefox ESR as a WebRTC peer, driven over WebDriver BiDi (W3C) with node's own
// WebSocket: playwright-core's Firefox support wants either its patched build or BiDi commands
// newer than this ESR has, so the few commands a call test needs are sent directly. The object
// model mirrors what BrowserPeer uses of playwright: browser.newContext() → context.newPage() →
// page.goto(url) / page.evaluate(fn, arg); context.close(); browser.close().
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const kFirefox = '/usr/bin/firefox-esr';

// Fake camera and microphone without prompts; host candidates on loopback, unobfuscated (the
// daemon listens on 127.0.0.1 in tests); media may play without a user gesture.
const kPrefs = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.peerconnection.ice.loopback': true,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  'media.autoplay.default': 0,
  'browser.shell.checkDefaultBrowser': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.reportingpolicy.firstRun': false,
  'browser.startup.homepage_override.mstone': 'ignore',
  'app.update.disabledForTesting': true,
};

export function firefoxAvailable() {
  return fs.existsSync(kFirefox);
}

export class FirefoxBrowser {
  static async launch({ timeoutMs = 30000 } = {}) {
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'callpy-firefox-'));
    fs.writeFileSync(path.join(profile, 'user.js'),
      Object.entries(kPrefs).map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});\n`).join(''));
    const proc = spawn(kFirefox, ['--headless', '--no-remote', '--profile', profile, '--remote-debugging-port', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MOZ_CRASHREPORTER_DISABLE: '1' } });
    let log = '';
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Firefox did not start WebDriver BiDi in ${timeoutMs} ms:\n${log}`)), timeoutMs);
      const onData = (chunk) => {
        log += chunk;
        const m = log.match(/WebDriver BiDi listening on (ws:\/\/\S+)/);
        if (m) { clearTimeout(timer); resolve(m[1]); }
      };
      proc.stdout.on('data', onData);
      proc.stderr.on('data', onData);
      proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`Firefox exited (${code}):\n${log}`)); });
    });
    const browser = new FirefoxBrowser(proc, profile, () => log);
    await browser.connect(`${url.replace(/\/$/, '')}/session`);
    return browser;
  }

  constructor(proc, profile, log) {
    Object.assign(this, { proc, profile, log, nextId: 1, pending: new Map() });
  }

  async connect(url) {
    this.ws = new WebSocket(url);
    await new Promise((resolve, reject) => {
      this.ws.onopen = resolve;
      this.ws.onerror = () => reject(new Error(`cannot connect to ${url}`));
    });
    this.ws.onmessage = (e) => {
      const msg = JSON.parse(e.data);
      const waiter = msg.id !== undefined && this.pending.get(msg.id);
      if (!waiter) return;  // events: not subscribed to any
      this.pending.delete(msg.id);
      if (msg.type === 'error') waiter.reject(new Error(`${msg.error}: ${msg.message}`));
      else waiter.resolve(msg.result);
    };
    await this.send('session.new', { capabilities: {} });
  }

  send(method, params) {
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ id, method, params }));
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  async newContext() {
    const { userContext } = await this.send('browser.createUserContext', {});
    return new FirefoxContext(this, userContext);
  }

  async close() {
    await this.send('browser.close', {}).catch(() => {});
    this.ws?.close();
    await new Promise((resolve) => {
      if (this.proc.exitCode !== null) return resolve();
      const timer = setTimeout(() => { this.proc.kill('SIGKILL'); resolve(); }, 10000);
      this.proc.on('exit', () => { clearTimeout(timer); resolve(); });
    });
    fs.rmSync(this.profile, { recursive: true, force: true });
  }
}

class FirefoxContext {
  constructor(browser, userContext) {
    Object.assign(this, { browser, userContext });
  }

  async newPage() {
    const { context } = await this.browser.send('browsingContext.create', { type: 'tab', userContext: this.userContext });
    return new FirefoxPage(this.browser, context);
  }

  close() {
    return this.browser.send('browser.removeUserContext', { userContext: this.userContext });
  }
}

class FirefoxPage {
  constructor(browser, context) {
    Object.assign(this, { browser, context });
  }

  goto(url) {
    return this.browser.send('browsingContext.navigate', { context: this.context, url, wait: 'complete' });
  }

  // Like playwright's page.evaluate: runs fn(arg) in the page, awaits it, returns its value.
  // Values cross as JSON, which is all the call helpers exchange.
  async evaluate(fn, arg) {
    const functionDeclaration = `async (json) => { const r = await (${fn.toString()})(JSON.parse(json)); `
      + 'return JSON.stringify(r === undefined ? null : r); }';
    const res = await this.browser.send('script.callFunction', {
      functionDeclaration, awaitPromise: true, target: { context: this.context },
      arguments: [{ type: 'string', value: JSON.stringify(arg === undefined ? null : arg) }],
    });
    if (res.type === 'exception') throw new Error(`in Firefox: ${res.exceptionDetails.text}`);
    return JSON.parse(res.result.value);
  }
}
