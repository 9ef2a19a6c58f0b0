// Fails when the widget outgrows its budget: loader.js is on every page of every
// customer's site (≤ 3 KB gzip); chat.js holds everything needed to chat (≤ 30 KB gzip).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

// call.js is fetched only when a call starts or rings (it carries its own Preact copy); qr.js
// (qrcode-generator) only when the visitor asks for a phone link.
// call.js 20 → 22 KB: multi-party calls (F18) show every other participant's camera and screen.
export const kBudgets = { 'loader.js': 3 * 1024, 'chat.js': 30 * 1024, 'call.js': 22 * 1024, 'qr.js': 12 * 1024 };

export function widgetSizes(dir) {
  return Object.entries(kBudgets).map(([file, budget]) => {
    const path = join(dir, file);
    if (!existsSync(path)) return { file, missing: true, budget };
    const raw = readFileSync(path);
    return { file, raw: raw.length, gzip: gzipSync(raw, { level: 9 }).length, budget };
  });
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const dir = process.argv[2] ?? join(dirname(dirname(fileURLToPath(import.meta.url))), '..', 'build', 'web', 'widget');
  let ok = true;
  for (const s of widgetSizes(dir)) {
    if (s.missing) {
      console.error(`widget size: ${s.file} is missing in ${dir}`);
      ok = false;
      continue;
    }
    const over = s.gzip > s.budget;
    ok &&= !over;
    console.log(`widget size: ${s.file} ${s.raw} B, ${s.gzip} B gzip (budget ${s.budget})${over ? '  OVER BUDGET' : ''}`);
  }
  process.exit(ok ? 0 : 1);
}
