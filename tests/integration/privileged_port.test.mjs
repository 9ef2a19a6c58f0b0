// A port below 1024 without CAP_NET_BIND_SERVICE (the unit grants no capabilities): callpyd,
// started as an unprivileged user, refuses with a message that names the drop-in granting that
// capability (packaging, systemd/privileged-ports.conf) and exits 78, so systemd does not
// restart-loop. Needs root to switch to user nobody; skipped otherwise.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { callpyd, tempDir } from '../support/daemon.mjs';

const isRoot = process.getuid?.() === 0;

test('listening on 443 as a user without the capability names the privileged-ports drop-in', { skip: !isRoot && 'needs root to run callpyd as nobody' }, () => {
  const dir = tempDir('callpy-port443-');
  fs.chmodSync(dir, 0o777);  // the unprivileged daemon makes data/ and admin.sock here
  const config = path.join(dir, 'callpyd.yaml');
  fs.writeFileSync(config, `listen:\n  http: 127.0.0.1:443\ndata_dir: ${path.join(dir, 'data')}\n` +
    `admin:\n  socket: ${path.join(dir, 'admin.sock')}\n`, { mode: 0o644 });
  const r = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', '--inh-caps=-all',
    '--bounding-set=-all', callpyd, '--config', config], { encoding: 'utf8', timeout: 60000 });
  assert.equal(r.status, 78, `exit status ${r.status}; stderr:\n${r.stderr}`);
  assert.match(r.stderr, /callpyd: cannot listen: .*[Pp]ermission denied.*: port 443 is below 1024, which needs the capability CAP_NET_BIND_SERVICE/);
  assert.match(r.stderr, /install -D -m 0644 \/usr\/share\/doc\/callpy\/examples\/privileged-ports\.conf \/etc\/systemd\/system\/callpyd\.service\.d\/privileged-ports\.conf\n/);
  assert.match(r.stderr, /systemctl daemon-reload && systemctl restart callpyd/);
});

test('that configuration is valid: port 443 itself is not a configuration error', { skip: !isRoot && 'needs root' }, () => {
  // Guards the test above: only the missing capability makes the start fail.
  const dir = tempDir('callpy-port443-check-');
  const config = path.join(dir, 'callpyd.yaml');
  fs.writeFileSync(config, `listen:\n  http: 127.0.0.1:443\ndata_dir: ${path.join(dir, 'data')}\n` +
    `admin:\n  socket: ${path.join(dir, 'admin.sock')}\n`);
  const r = spawnSync(callpyd, ['--config', config, '--check-config'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});
