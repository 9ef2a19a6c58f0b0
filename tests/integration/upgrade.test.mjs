// Upgrade (issue 6 §5): the current callpyd started on a data dir whose database an older
// release made (schema version k: migrations 0001..k applied with sqlite3, then
// tests/migrations/seeds/k.sql) migrates it at start, keeps every user, dialog and message, and
// leaves the pre-migration VACUUM INTO copy beside it as callpy.db.pre-v<k>-<time>.bak.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { latestSchemaVersion, repoRoot, startDaemon, tempDir } from '../support/daemon.mjs';

const migrationsDir = path.join(repoRoot, 'daemon/storage/migrations');
const seedsDir = path.join(repoRoot, 'tests/migrations/seeds');

function sqlite(db, input, ...flags) {
  const r = spawnSync('sqlite3', [...flags, db], { input, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', r.stderr);
  return r.stdout;
}

function query(db, sql) {
  const out = sqlite(db, sql, '-json', '-readonly').trim();
  return out ? JSON.parse(out) : [];
}

// A database as release `version` left it.
function oldDatabase(db, version) {
  const files = fs.readdirSync(migrationsDir).filter((f) => /^\d{4}_.*\.sql$/.test(f)).sort()
    .filter((f) => Number(f.slice(0, 4)) <= version);
  let script = '';
  for (const f of files) script += `BEGIN;\n${fs.readFileSync(path.join(migrationsDir, f), 'utf8')}\nCOMMIT;\n`;
  script += `PRAGMA user_version = ${version};\n`;
  script += fs.readFileSync(path.join(seedsDir, `${String(version).padStart(4, '0')}.sql`), 'utf8');
  fs.mkdirSync(path.dirname(db), { recursive: true });
  sqlite(db, script);
}

const kept = {
  users: 'SELECT id, email, name, created_at FROM users ORDER BY id',
  dialogs: 'SELECT id, site_id, visitor_id, created_at FROM dialogs ORDER BY id',
  messages: 'SELECT id, dialog_id, seq, author_kind, body, created_at FROM messages ORDER BY id',
};

for (let version = 1; version < latestSchemaVersion; version += 1) {
  test(`callpyd migrates a schema-version-${version} data dir at start, keeping data and a .bak`, async () => {
    const dir = tempDir('callpy-upgrade-');
    const db = path.join(dir, 'data', 'callpy.db');
    oldDatabase(db, version);
    const hasChat = version >= 2;
    const before = Object.fromEntries(Object.entries(kept)
      .filter(([table]) => hasChat || table === 'users').map(([table, sql]) => [table, query(db, sql)]));
    assert.ok(before.users.length > 0, 'the seed made users');
    if (hasChat) assert.ok(before.messages.length > 0, 'the seed made messages');

    const d = await startDaemon({ dataDir: dir });
    try {
      const status = d.ctl('--format', 'json', 'status');
      assert.equal(status.code, 0, status.stderr);
      assert.equal(JSON.parse(status.stdout).schema_version, latestSchemaVersion);
    } finally {
      await d.stop();
    }

    assert.equal(query(db, 'PRAGMA user_version')[0].user_version, latestSchemaVersion);
    assert.deepEqual(query(db, 'PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);
    for (const [table, rows] of Object.entries(before)) {
      assert.deepEqual(query(db, kept[table]), rows, `${table} kept across the upgrade`);
    }
    const baks = fs.readdirSync(path.dirname(db)).filter((f) => f.startsWith(`callpy.db.pre-v${version}-`) && f.endsWith('.bak'));
    assert.equal(baks.length, 1, `one pre-migration backup, got ${baks}`);
    const bak = path.join(path.dirname(db), baks[0]);
    assert.equal(query(bak, 'PRAGMA user_version')[0].user_version, version);
    assert.deepEqual(query(bak, kept.users), before.users);
  });
}
