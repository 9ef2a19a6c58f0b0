// Backup and restore (issue 6 §5) and the operations status (§6) through the real daemon and
// callpyctl: a visitor and an operator keep exchanging messages and uploading files WHILE
// `callpyctl backup` runs; the archive is restored into a new data dir, a daemon started on it,
// and every dialog, message and file is compared with the original. Restore refuses while the
// daemon runs and refuses a damaged archive without touching anything.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';

import { SITE_ORIGIN, addSite, operatorSocket, startShop, startWithOwner, visitorSocket } from '../support/chat.mjs';
import { PanelClient, callpyctl, startDaemon, tempDir, waitFor } from '../support/daemon.mjs';

function run(args) {
  return new Promise((resolve) => {
    const p = spawn(callpyctl, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (b) => { stdout += b; });
    p.stderr.on('data', (b) => { stderr += b; });
    p.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function sql(db, query) {
  const r = spawnSync('sqlite3', ['-json', '-readonly', db, query], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim() ? JSON.parse(r.stdout) : [];
}

// Distinct content per upload; the daemon types files by their magic bytes, so a PNG signature
// and header followed by noise is a PNG to it.
const PNG_HEAD = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
function pngLike(n) {
  return Buffer.concat([PNG_HEAD, crypto.randomBytes(200 + n)]);
}

async function upload(d, site, token, bytes, name) {
  const r = await fetch(`${d.base}/api/widget/files?key=${site.widget_key}&name=${name}`, {
    method: 'POST', body: bytes,
    headers: { Origin: SITE_ORIGIN, 'X-Callpy-Visitor': token, 'Content-Type': 'application/octet-stream' },
  });
  assert.equal(r.status, 201, await r.clone().text());
  return (await r.json()).file;
}

// A visitor and an operator talking until stop(); every acknowledged message is recorded with
// the time its ack arrived.
function startTraffic(d, site, v, token, o, dialog, uploads) {
  const acked = [];
  let running = true;
  let n = 0;
  async function visitorLoop() {
    while (running) {
      n += 1;
      const cid = `v-${n}`;
      if (n % 10 === 0) {
        const bytes = pngLike(n);
        const file = await upload(d, site, token, bytes, `during-${n}.png`);
        uploads.set(file.id, bytes);
        v.send({ t: 'msg', cid, file: file.id });
      } else {
        v.send({ t: 'msg', cid, text: `visitor message ${n}` });
      }
      const ack = await v.type('ack', (f) => f.cid === cid);
      acked.push({ ...ack, at: Date.now() });
    }
  }
  async function operatorLoop() {
    let k = 0;
    while (running) {
      k += 1;
      const cid = `o-${k}`;
      o.send({ t: 'msg', cid, dialog, text: `operator reply ${k}` });
      const ack = await o.type('ack', (f) => f.cid === cid);
      acked.push({ ...ack, at: Date.now() });
    }
  }
  const loops = Promise.all([visitorLoop(), operatorLoop()]);
  return { acked, async stop() { running = false; await loops; } };
}

describe('backup and restore', () => {
  const daemons = [];
  after(async () => { for (const d of daemons) await d.stop(); });

  test('backup under chat traffic, restore into a new data dir, everything comparable', async () => {
    const { d, owner, password } = await startWithOwner({ extraYaml: 'limits:\n  max_upload_bytes: 65536\n' });
    daemons.push(d);
    const site = await addSite(owner, 'Shop', SITE_ORIGIN);
    const { o } = await operatorSocket(d, owner);
    const { v, welcome } = await visitorSocket(d, site);
    const token = welcome.visitor.token;
    const uploads = new Map();

    // Before the backup: a dialog with a file and an earlier, separate visitor's dialog.
    const first = pngLike(0);
    const firstFile = await upload(d, site, token, first, 'before.png');
    uploads.set(firstFile.id, first);
    v.send({ t: 'msg', cid: 'first', file: firstFile.id });
    const firstAck = await v.type('ack', (f) => f.cid === 'first');
    const { v: other } = await visitorSocket(d, site, { tab: 'other' });
    other.send({ t: 'msg', cid: 'x', text: 'another visitor' });
    await other.type('ack');

    const traffic = startTraffic(d, site, v, token, o, firstAck.dialog, uploads);
    // Let the conversation get going, then back up while it runs.
    await waitFor(() => traffic.acked.length >= 30, { what: '30 acknowledged messages' });
    const archive = path.join(tempDir('callpy-backup-'), 'callpy.tar');
    const backupStarted = Date.now();
    const ackedBefore = traffic.acked.filter((a) => a.at < backupStarted).map((a) => a.id);
    const backup = await run(['--socket', d.socket, '--format', 'json', 'backup', archive]);
    const backupEnded = Date.now();
    await waitFor(() => traffic.acked.some((a) => a.at > backupEnded + 50), { what: 'traffic after the backup' });
    await traffic.stop();
    assert.equal(backup.code, 0, backup.stderr);
    const report = JSON.parse(backup.stdout);
    assert.equal(report.verified, true);
    assert.equal(report.bytes, fs.statSync(archive).size);
    assert.ok(report.messages >= ackedBefore.length + 1, JSON.stringify(report));
    assert.ok(report.files >= 1);
    assert.equal((fs.statSync(archive).mode & 0o777), 0o600, 'a backup holds every conversation');
    const concurrent = traffic.acked.filter((a) => a.at >= backupStarted && a.at <= backupEnded).length;
    assert.ok(concurrent > 0, 'messages were acknowledged while the backup ran');
    // The archive is a plain tar a sysadmin can inspect.
    const listing = spawnSync('tar', ['tf', archive], { encoding: 'utf8' });
    assert.equal(listing.status, 0, listing.stderr);
    assert.match(listing.stdout, /^callpy-backup\/MANIFEST\ncallpy-backup\/callpy\.db\n/);

    // Never overwritten; the table form prints size, counts and time.
    const again = d.ctl('backup', archive);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /exists; refusing to overwrite/);
    const archive2 = archive.replace('.tar', '-2.tar');
    const table = d.ctl('backup', archive2);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /Backup written to .*callpy-2\.tar \(verified\)\n[\s\S]*size:.*bytes\)[\s\S]*messages:\s+\d+[\s\S]*files:\s+\d+[\s\S]*time:\s+[\d.]+ s/);

    // Restore while the daemon runs: refused, clearly, and nothing changes.
    const dataDir = path.join(d.dir, 'data');
    const dbBefore = fs.statSync(path.join(dataDir, 'callpy.db')).ino;
    const busy = d.ctl('restore', archive, '--data-dir', dataDir);
    assert.equal(busy.code, 1);
    assert.match(busy.stderr, /refusing to restore: the data dir .* is in use: process \d+ .*callpyd\.lock\. Stop callpyd first/);
    assert.equal(fs.statSync(path.join(dataDir, 'callpy.db')).ino, dbBefore);

    v.close();
    o.close();
    other.close();
    await d.stop();
    const original = path.join(dataDir, 'callpy.db');

    // Restore into a new data dir and start a daemon on it.
    const newDir = tempDir('callpy-restored-');
    const restored = spawnSync(callpyctl, ['restore', archive, '--data-dir', path.join(newDir, 'data')], { encoding: 'utf8' });
    assert.equal(restored.status, 0, restored.stderr);
    assert.match(restored.stdout, /Restored .* into .*[\s\S]*messages:\s+\d+/);
    // A scratch dir as a daemon killed mid-backup leaves it: the next start removes it.
    fs.mkdirSync(path.join(newDir, 'data', 'backup-Ab12Cd'));
    fs.writeFileSync(path.join(newDir, 'data', 'backup-Ab12Cd', 'callpy.db'), 'half a copy');
    const r = await startDaemon({ dataDir: newDir });
    daemons.push(r);
    assert.equal(fs.existsSync(path.join(newDir, 'data', 'backup-Ab12Cd')), false, 'the leftover scratch dir is gone');
    const copy = path.join(newDir, 'data', 'callpy.db');

    // Every message acknowledged before the backup started is there; every restored message is
    // identical to the original; each dialog's messages are a gap-free prefix of the original's.
    const cols = 'id, dialog_id, seq, author_kind, author_id, cid, kind, body, created_at, file_id';
    const origMessages = sql(original, `SELECT ${cols} FROM messages ORDER BY id`);
    const copyMessages = sql(copy, `SELECT ${cols} FROM messages ORDER BY id`);
    const copyIds = new Set(copyMessages.map((m) => m.id));
    for (const id of ackedBefore) assert.ok(copyIds.has(id), `message ${id} acknowledged before the backup is restored`);
    assert.ok(copyIds.has(firstAck.id));
    const origById = new Map(origMessages.map((m) => [m.id, m]));
    for (const m of copyMessages) assert.deepEqual(m, origById.get(m.id));
    assert.equal(copyMessages.length, report.messages);
    for (const dialog of new Set(copyMessages.map((m) => m.dialog_id))) {
      const seqs = copyMessages.filter((m) => m.dialog_id === dialog).map((m) => m.seq);
      const upto = Math.max(...seqs);
      const want = origMessages.filter((m) => m.dialog_id === dialog && m.seq <= upto).map((m) => m.seq);
      assert.deepEqual(seqs, want, `dialog ${dialog} is a consistent prefix`);
    }
    const dialogCols = 'id, site_id, visitor_id, created_at';
    const copyDialogs = sql(copy, `SELECT ${dialogCols} FROM dialogs ORDER BY id`);
    assert.equal(copyDialogs.length, report.dialogs);
    assert.deepEqual(copyDialogs, sql(original, `SELECT ${dialogCols} FROM dialogs ORDER BY id`).slice(0, copyDialogs.length));

    // Every file row restored, and its bytes, served by the restored daemon, are the uploaded ones.
    const files = sql(copy, 'SELECT id, sha256, size FROM files ORDER BY id');
    assert.equal(new Set(files.map((f) => f.sha256)).size, report.files);
    const panel = new PanelClient(r.base);
    assert.equal((await panel.login('owner@example.com', password)).status, 200);
    for (const f of files) {
      const bytes = fs.readFileSync(path.join(newDir, 'data', 'files', f.sha256));
      assert.equal(crypto.createHash('sha256').update(bytes).digest('hex'), f.sha256);
      if (uploads.has(f.id)) assert.deepEqual(bytes, uploads.get(f.id));
      const dl = await fetch(`${r.base}/api/panel/files/${f.id}`, { headers: { Cookie: panel.cookie } });
      assert.equal(dl.status, 200);
      assert.deepEqual(Buffer.from(await dl.arrayBuffer()), bytes);
    }
    assert.ok(files.some((f) => f.id === firstFile.id));

    // The restored daemon serves the conversation to its visitor.
    const { v: back } = await visitorSocket(r, site, { token });
    back.send({ t: 'resume', dialog: firstAck.dialog, after: 0 });
    const resumed = await back.type('msg', (f) => f.cid === 'first');
    assert.equal(resumed.file.id, firstFile.id);
    back.close();
  });

  test('a damaged or foreign archive is refused and the data dir is left alone', async () => {
    const d = await startDaemon();
    daemons.push(d);
    const archive = path.join(tempDir('callpy-backup-'), 'b.tar');
    assert.equal(d.ctl('backup', archive).code, 0);
    await d.stop();
    const dataDir = path.join(d.dir, 'data');
    const before = fs.readFileSync(path.join(dataDir, 'callpy.db'));

    const bytes = fs.readFileSync(archive);
    const damaged = Buffer.from(bytes);
    damaged[2048 + 100] ^= 0xff;  // inside the database entry (after the manifest's two blocks)
    const bad = archive.replace('.tar', '-bad.tar');
    fs.writeFileSync(bad, damaged);
    const r1 = d.ctl('restore', bad, '--data-dir', dataDir);
    assert.equal(r1.code, 1);
    assert.match(r1.stderr, /cannot restore .*: the database in the backup is corrupt .*; nothing was changed/);

    const cut = archive.replace('.tar', '-cut.tar');
    fs.writeFileSync(cut, bytes.subarray(0, bytes.length - 1024));
    const r2 = d.ctl('restore', cut, '--data-dir', dataDir);
    assert.equal(r2.code, 1);
    assert.match(r2.stderr, /truncated/);

    const foreign = archive.replace('.tar', '-foreign.tar');
    fs.writeFileSync(foreign, Buffer.alloc(4096, 7));
    const r3 = d.ctl('restore', foreign, '--data-dir', dataDir);
    assert.equal(r3.code, 1);
    assert.match(r3.stderr, /not a tar archive/);

    assert.deepEqual(fs.readFileSync(path.join(dataDir, 'callpy.db')), before);
    assert.deepEqual(fs.readdirSync(dataDir).filter((n) => n.startsWith('.restore-') || n.startsWith('pre-restore-')), []);
  });
});

describe('operations status and metrics', () => {
  test('status shows connections, dialogs, calls and the last errors; /metrics the new families', async () => {
    const { d, owner, site } = await startShop();
    try {
      const { o } = await operatorSocket(d, owner);
      const { v } = await visitorSocket(d, site);
      v.send({ t: 'msg', cid: 's1', text: 'hello' });
      await v.type('ack');
      // An error line for the ring buffer: a reload with a broken config is logged at error.
      const good = fs.readFileSync(d.configPath, 'utf8');
      fs.writeFileSync(d.configPath, `${good}no_such_key: 1\n`);
      assert.equal(d.ctl('reload').code, 1);
      fs.writeFileSync(d.configPath, good);

      const json = d.ctl('--format', 'json', 'status');
      assert.equal(json.code, 0, json.stderr);
      const s = JSON.parse(json.stdout);
      assert.equal(s.websocket_connections, 2);
      assert.equal(s.active_dialogs, 1);
      assert.ok(s.messages_stored >= 1);
      assert.equal(s.calls_active, 0);
      assert.equal(s.call_legs, 0);
      assert.equal(s.rtp_packets_relayed, 0);
      assert.equal(s.rtp_packets_dropped, 0);
      assert.equal(s.rtp_send_failures, 0);
      assert.ok(s.last_errors.some((e) => /config\.reload_rejected/.test(e.line) && e.at > 0), JSON.stringify(s.last_errors));
      assert.ok(s.errors_total >= 1);

      const table = d.ctl('status');
      assert.equal(table.code, 0);
      for (const label of ['version:', 'uptime:', 'listeners:', 'database size:', 'outbox backlog:', 'connections:\\s+2 WebSocket',
        'active dialogs:\\s+1', 'calls:\\s+0 \\(0 media legs, 0 packets relayed\\)', 'packets lost:\\s+0 dropped on input, 0 failed to send', 'last errors:\\n  \\d{4}-\\d\\d-\\d\\d .*config\\.reload_rejected']) {
        assert.match(table.stdout, new RegExp(label));
      }

      const m = await d.admin('GET', '/metrics');
      assert.equal(m.status, 200);
      assert.match(m.body, /^callpy_messages_stored_total [1-9]\d*$/m);
      assert.match(m.body, /^callpy_dialogs_active 1$/m);
      assert.match(m.body, /^callpy_calls_active 0$/m);
      assert.match(m.body, /^callpy_ws_connections\{kind="visitor"\} 1$/m);
      assert.match(m.body, /^callpy_ws_connections\{kind="operator"\} 1$/m);
      assert.match(m.body, /^callpy_log_errors_total [1-9]/m);
      assert.match(m.body, /^callpy_http_requests_total\{code="2xx"\} [1-9]/m);
      assert.match(m.body, /^callpy_db_commit_seconds_count [1-9]/m);
      assert.match(m.body, /^callpy_outbox_backlog \d+$/m);
      // Refused sends have their own counter beside the input drops (none without a call).
      assert.match(m.body, /^callpy_rtp_packets_dropped_total 0$/m);
      assert.match(m.body, /^# TYPE callpy_rtp_send_failures_total counter$/m);
      assert.match(m.body, /^# HELP callpy_rtp_send_failures_total .*could not send/m);
      assert.match(m.body, /^callpy_rtp_send_failures_total 0$/m);
      v.close();
      o.close();
    } finally {
      await d.stop();
    }
  });
});
