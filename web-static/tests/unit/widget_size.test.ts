// The widget's size budget, checked on the built files (`npm run build` also fails when
// it is exceeded): loader.js ≤ 3 KB gzip, chat.js ≤ 30 KB gzip.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const webStatic = process.cwd(); // npm test runs in web-static/
const built = join(webStatic, '..', 'build', 'web', 'widget', 'loader.js');

test('built widget stays within its gzip budget', { skip: existsSync(built) ? false : 'widget not built (npm run build)' }, () => {
  const r = spawnSync(process.execPath, [join(webStatic, 'scripts', 'widget_size.mjs')], { encoding: 'utf8' });
  console.log(r.stdout.trim());
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /loader\.js \d+ B, \d+ B gzip/);
});
