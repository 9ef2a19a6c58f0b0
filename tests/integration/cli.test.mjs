// callpyctl against the real daemon over its admin socket.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { callpyctl, latestSchemaVersion, startDaemon, startSmtpSink, tempDir } from '../support/daemon.mjs';

describe('callpyctl', () => {
  let d;
  let smtp;
  before(async () => {
    smtp = await startSmtpSink();
    d = await startDaemon({ smtpPort: smtp.port });
  });
  after(async () => {
    await d.stop();
    smtp.stop();
  });

  test('status as a table and as stable JSON', () => {
    const t = d.ctl('status');
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, /version/i);
    const j = d.ctl('--format', 'json', 'status');
    assert.equal(j.code, 0, j.stderr);
    const parsed = JSON.parse(j.stdout);
    assert.equal(parsed.schema_version, latestSchemaVersion);
  });

  test('bootstrapping: add a site, invite its owner with a printed link, before any web sign-in', () => {
    const add = d.ctl('--format', 'json', 'site', 'add', '--name', 'CLI shop', '--url', 'https://cli.example', '--id', 'cli-shop');
    assert.equal(add.code, 0, add.stderr);
    const inv = d.ctl('--format', 'json', 'operator', 'invite', '--site', 'cli-shop', '--email', 'boss@example.com', '--role', 'owner', '--print-link');
    assert.equal(inv.code, 0, inv.stderr);
    assert.match(inv.stdout, /\/app\/invite\?token=[A-Za-z0-9_-]{20,}/);
    const list = d.ctl('--format', 'json', 'operator', 'list', '--site', 'cli-shop');
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /boss@example\.com/);
  });

  test('site list, show and snippet', () => {
    const list = d.ctl('site', 'list');
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /cli-shop/);
    const snippet = d.ctl('site', 'snippet', 'cli-shop');
    assert.equal(snippet.code, 0, snippet.stderr);
    assert.match(snippet.stdout, /widget\/loader\.js/);
  });

  test('departments: add, assign, list, remove', () => {
    assert.equal(d.ctl('department', 'add', '--site', 'cli-shop', '--name', 'Support', '--id', 'support').code, 0);
    const assign = d.ctl('department', 'assign', '--site', 'cli-shop', 'support', 'boss@example.com');
    assert.equal(assign.code, 0, assign.stderr);
    const list = d.ctl('--format', 'json', 'department', 'list', '--site', 'cli-shop');
    assert.match(list.stdout, /support/);
    assert.equal(d.ctl('department', 'remove', '--site', 'cli-shop', 'support').code, 0);
  });

  test('hours set and show', () => {
    const set = d.ctl('hours', 'set', '--site', 'cli-shop', '--timezone', 'Europe/Berlin', '--weekly', 'mon=09:00-18:00', '--closed-on', '2026-12-24');
    assert.equal(set.code, 0, set.stderr);
    const show = d.ctl('--format', 'json', 'hours', 'show', '--site', 'cli-shop');
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /Europe\/Berlin/);
    assert.match(show.stdout, /09:00-18:00/);
  });

  test('a server-side error exits 1 with its message', () => {
    const r = d.ctl('site', 'show', 'no-such-site');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no such site/);
  });

  test('unknown flags exit 2; an unreachable daemon exits 69 naming the socket', () => {
    assert.equal(d.ctl('site', 'list', '--bogus').code, 2);
    const sock = path.join(tempDir(), 'none.sock');
    const r = spawnSync(callpyctl, ['--socket', sock, 'status'], { encoding: 'utf8' });
    assert.equal(r.status, 69);
    assert.ok(r.stderr.includes(sock));
  });

  test('config check validates locally', () => {
    const dir = tempDir();
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, 'listen:\n  http: nowhere\n');
    const r = spawnSync(callpyctl, ['config', 'check', bad], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr + r.stdout, /bad\.yaml:2:\d+: listen\.http/);
    const ok = spawnSync(callpyctl, ['config', 'check', d.configPath], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
  });

  test('reload re-reads the config', () => {
    const r = d.ctl('reload');
    assert.equal(r.code, 0, r.stderr);
  });
});
