// Backup and restore timings for a data dir of 100,000 messages (issue 6 "Done when").
//
//   CALLPYD_BIN=build/release/daemon/callpyd CALLPYCTL_BIN=build/release/cli/callpyctl \
//     node bench/backup/backup_bench.mjs [--messages 100000] [--files 200] [--file-kib 64] [--dir DIR]
//
// Starts the real callpyd once to create the schema, fills the database with sqlite3 (visitors,
// dialogs, messages of 40–400 bytes, the FTS index built as the daemon keeps it) and files/ with
// random blobs, starts the daemon again, times `callpyctl backup` (snapshot, stream over the admin
// socket, read-back verification, rename), stops it and times `callpyctl restore` into a new
// data dir (extract, verify, integrity_check, swap). Use release binaries: ASan builds are
// several times slower. Put --dir on a real disk: on tmpfs fsync is free.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { callpyctl, callpyd, startDaemon, tempDir } from '../../tests/support/daemon.mjs';

const args = process.argv.slice(2);
function option(name, fallback) {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
}
const messages = Number(option('messages', 100000));
const files = Number(option('files', 200));
const fileKiB = Number(option('file-kib', 64));
const root = option('dir', undefined) ? fs.mkdtempSync(path.join(option('dir'), 'callpy-bench-')) : tempDir('callpy-bench-');

function sqlite(db, script) {
  const r = spawnSync('sqlite3', [db], { input: script, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0 || r.stderr) throw new Error(`sqlite3: ${r.stderr}`);
}

function timed(argv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(callpyctl, argv, { encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`callpyctl ${argv.join(' ')}: ${r.stderr}`);
  return { seconds, out: JSON.parse(r.stdout) };
}

const mib = (n) => `${(n / 1048576).toFixed(1)} MiB`;

const source = path.join(root, 'source');
fs.mkdirSync(source);
let d = await startDaemon({ dataDir: source });
await d.stop();
const data = path.join(source, 'data');
const db = path.join(data, 'callpy.db');

const dialogs = Math.max(1, Math.round(messages / 100));
const t0 = Date.now();
sqlite(db, `
PRAGMA foreign_keys = ON;
BEGIN;
INSERT INTO sites (id, name, language, timezone, widget_key, managed_by_config, created_at)
  VALUES ('bench', 'Bench', 'en', 'UTC', 'wk_bench', 0, 1700000000);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${dialogs})
INSERT INTO visitors (id, site_id, token_hash, created_at, last_seen_at)
  SELECT i, 'bench', printf('%064x', i), 1700000000 + i, 1700000000 + i FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${dialogs})
INSERT INTO dialogs (id, site_id, visitor_id, status, last_seq, created_at, closed_at, last_message_at)
  SELECT i, 'bench', i, 'closed', 0, 1700000000 + i, 1700090000 + i, 1700000000 + i FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${messages})
INSERT INTO messages (id, dialog_id, seq, author_kind, author_id, cid, kind, body, created_at)
  SELECT i, (i - 1) % ${dialogs} + 1, (i - 1) / ${dialogs} + 1, CASE i % 2 WHEN 0 THEN 'visitor' ELSE 'operator' END,
         1, 'c' || i, 'text',
         substr(replace(hex(randomblob(200)), 'A', ' '), 1, 40 + abs(random()) % 360), 1700000000 + i FROM n;
UPDATE dialogs SET last_seq = (SELECT max(seq) FROM messages WHERE dialog_id = dialogs.id);
INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
UPDATE messages_fts_state SET upto = ${messages};
COMMIT;
`);
fs.mkdirSync(path.join(data, 'files'), { recursive: true });
let rows = 'BEGIN;\n';
for (let i = 0; i < files; i += 1) {
  const bytes = crypto.randomBytes(fileKiB * 1024);
  const sha = crypto.createHash('sha256').update(bytes).digest('hex');
  fs.writeFileSync(path.join(data, 'files', sha), bytes);
  rows += `INSERT INTO files (sha256, name, mime, size, site_id, uploader_kind, uploader_id, created_at) VALUES ('${sha}', 'f${i}.bin', 'application/octet-stream', ${bytes.length}, 'bench', 'visitor', 1, 1700000000);\n`;
}
sqlite(db, `${rows}COMMIT;\n`);
const fillSeconds = (Date.now() - t0) / 1000;
const dbBytes = fs.statSync(db).size;

d = await startDaemon({ dataDir: source });
const archive = path.join(root, 'backup.tar');
let backup;
try {
  backup = timed(['--socket', d.socket, '--format', 'json', 'backup', archive]);
} finally {
  await d.stop();
}
const restoreDir = path.join(root, 'restored', 'data');
const restore = timed(['--format', 'json', 'restore', archive, '--data-dir', restoreDir]);

console.log(`callpyd:   ${callpyd}`);
console.log(`data dir:  ${root}`);
console.log(`filled:    ${messages} messages in ${dialogs} dialogs, ${files} files of ${fileKiB} KiB (${fillSeconds.toFixed(1)} s with sqlite3)`);
console.log(`database:  ${mib(dbBytes)} (with the FTS index); files ${mib(files * fileKiB * 1024)}`);
console.log(`archive:   ${mib(backup.out.bytes)}; manifest says ${backup.out.messages} messages, ${backup.out.dialogs} dialogs, ${backup.out.files} files`);
console.log(`backup:    ${backup.seconds.toFixed(2)} s wall (callpyctl reports ${backup.out.seconds.toFixed(2)} s), ${(backup.out.bytes / 1048576 / backup.seconds).toFixed(0)} MiB/s`);
console.log(`restore:   ${restore.seconds.toFixed(2)} s wall (callpyctl reports ${restore.out.seconds.toFixed(2)} s), ${(backup.out.bytes / 1048576 / restore.seconds).toFixed(0)} MiB/s`);
if (!option('dir', undefined)) fs.rmSync(root, { recursive: true, force: true });
