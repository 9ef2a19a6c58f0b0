// The widget's size budget, checked on the built files (`npm run build` also fails when
// it is exceeded): loader.js ≤ 3 KB gzip, chat.js ≤ 30 KB gzip.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const webStatic = process.cwd(); // npm test runs in web-static/
const built = join(webStatic, '..', 'build', 'web', 'widget', 'loader.js');

test('built widget stays within its gzip budget', { skip: existsSync(built) ? false : 'widget not built (npm run build)' }, () => {
  const r = spawnSync(process.execPath, [join(webStatic, 'scripts', 'widget_size.mjs')], { encoding: 'utf8' });
  console.log(r.stdout.trim());
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /loader\.js \d+ B, \d+ B gzip/);
  // F18: the QR code maker is its own lazy script, not part of call.js (nor chat.js).
  assert.match(r.stdout, /qr\.js \d+ B, \d+ B gzip/);
});

test('qrcode-generator is only in the lazy qr.js, not in chat.js or call.js', { skip: existsSync(built) ? false : 'widget not built (npm run build)' }, () => {
  const dir = join(webStatic, '..', 'build', 'web', 'widget');
  // A public method name of qrcode-generator's object survives minification.
  assert.ok(readFileSync(join(dir, 'qr.js'), 'utf8').includes('getModuleCount'));
  for (const f of ['chat.js', 'call.js']) assert.ok(!readFileSync(join(dir, f), 'utf8').includes('getModuleCount'), f);
});
