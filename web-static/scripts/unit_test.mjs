// Unit tests: compile the pure-logic modules and tests/unit/*.test.ts with tsc (Node 20
// cannot strip types), then run them with `node --test`. Works offline after `npm ci`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const out = join(root, '..', 'build', 'web-tests');

rmSync(out, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.test.json')], {
  stdio: 'inherit',
});
if (tsc.status !== 0) {
  console.error('unit tests: compilation failed');
  process.exit(tsc.status ?? 1);
}
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'package.json'), '{"type":"module"}\n');
// Compiled modules that import npm packages (qrcode-generator, preact) resolve them from here.
symlinkSync(join(root, 'node_modules'), join(out, 'node_modules'), 'dir');

const testDir = join(out, 'tests', 'unit');
const files = readdirSync(testDir)
  .filter((f) => f.endsWith('.test.js'))
  .sort()
  .map((f) => join(testDir, f));
if (files.length === 0) {
  console.error('unit tests: no test files found');
  process.exit(1);
}
const run = spawnSync(process.execPath, ['--test', ...files], { stdio: 'inherit' });
process.exit(run.status ?? 1);
