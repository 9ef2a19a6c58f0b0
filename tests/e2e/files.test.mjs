// Files (F16) in real browsers: the visitor on a customer site (another origin) attaches an
// image whose name is an XSS payload, the operator sees the preview and the name as text; the
// operator attaches a PDF in the panel and the visitor gets a download link; a disguised .exe is
// refused in the widget with a clear message.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { waitFor } from '../support/daemon.mjs';
import { shot, signIn, startStage, visitorWrites } from '../support/e2e.mjs';

const OWNER = 'owner@example.com';
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
  '1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5f1a1d40000000049454e44ae426082', 'hex');
const XSS_NAME = '<img src=x onerror="window.__xss=1">.png';

describe('files in real browsers', () => {
  let stage, d, customerOrigin, panel, visitor;
  const pageErrors = [];

  before(async () => {
    stage = await startStage({ pageErrors, site: { name: 'Shop',
      html: (snippet) => `<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>Shop</title></head><body>${snippet}</body></html>` } });
    ({ d, customerOrigin, panel, visitor } = stage);
    await signIn(panel, d.base, OWNER, stage.password);
    await panel.getByTestId('nav-dialogs').click();
  });

  after(async () => { await stage?.stop(); });

  test('the visitor attaches an image named like XSS; the operator sees a preview and the name as text', async () => {
    await visitorWrites(visitor, `${customerOrigin}/`, 'Вот скриншот');

    await visitor.getByTestId('callpy-file-input').setInputFiles({ name: XSS_NAME, mimeType: 'image/png', buffer: PNG });
    const preview = visitor.getByTestId('callpy-file-image');
    await preview.waitFor();
    assert.equal(await preview.locator('img').getAttribute('alt'), XSS_NAME);

    await panel.getByTestId('dialog-item').first().click();
    const img = panel.getByTestId('chat-file-image');
    await img.waitFor();
    assert.equal(await img.getAttribute('title'), XSS_NAME);
    // The image really loads (the session cookie authorises it) and has its natural size.
    await panel.waitForFunction(() => {
      const i = document.querySelector('[data-testid="chat-file-image"] img');
      return i && i.complete && i.naturalWidth === 1;
    });
    assert.equal(await panel.evaluate(() => window.__xss), undefined);
    assert.equal(await visitor.evaluate(() => window.__xss), undefined);
    await shot(visitor, 'widget-file.png');
  });

  test('the operator attaches a PDF; the visitor gets a download link with name and size', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n');
    await panel.getByTestId('chat-file-input').setInputFiles({ name: 'Прайс <b onclick=x>2024.pdf', mimeType: 'application/pdf', buffer: pdf });
    await panel.locator('[data-testid="chat-message"][data-mine="true"][data-state="sent"]').filter({ has: panel.getByTestId('chat-file') }).waitFor();
    const link = visitor.getByTestId('callpy-file');
    await link.waitFor();
    assert.match(await link.textContent(), /Прайс <b onclick=x>2024\.pdf/);
    assert.match(await link.textContent(), /Б|КБ/);
    // The link points at the fetched bytes (a blob: URL) once they are there.
    await waitFor(async () => ((await link.getAttribute('href')) ?? '').startsWith('blob:'), { what: 'the fetched file behind the link' });
    await shot(panel, 'panel-file.png');
  });

  test('an .exe renamed .png is refused in the widget with a clear message', async () => {
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), Buffer.alloc(60)]);
    await visitor.getByTestId('callpy-file-input').setInputFiles({ name: 'cat.png', mimeType: 'image/png', buffer: exe });
    const err = visitor.getByTestId('callpy-upload-error');
    await err.waitFor();
    assert.match(await err.textContent(), /cat\.png не принят: содержимое не соответствует типу/);
    await visitor.getByTestId('callpy-file-input').setInputFiles({ name: 'setup.exe', mimeType: 'application/octet-stream', buffer: exe });
    await visitor.getByTestId('callpy-upload-error').filter({ hasText: 'нельзя отправить' }).waitFor();
    assert.deepEqual(pageErrors, []);
  });
});
