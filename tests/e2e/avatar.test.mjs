// F6 in real browsers: the operator picks a photo on the profile page, crops it on the canvas
// (drag, wheel, keyboard), saves; the header shows it; the visitor's widget on the customer's
// site (another origin) shows it next to the operator's answer and in the widget's header.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { openFirstDialog, shot, signIn, startStage, visitorWrites } from '../support/e2e.mjs';

const OWNER = 'owner@example.com';

// The loaded image's size and the colour at its centre, read in the page.
async function imageProbe(locator) {
  return locator.evaluate(async (img) => {
    if (!img.complete) await new Promise((r) => { img.onload = r; img.onerror = r; });
    const c = document.createElement('canvas');
    c.width = img.naturalWidth;
    c.height = img.naturalHeight;
    let rgb = null;
    try {
      const g = c.getContext('2d');
      g.drawImage(img, 0, 0);
      rgb = Array.from(g.getImageData(c.width >> 1, c.height >> 1, 1, 1).data.slice(0, 3));
    } catch { /* cross-origin image without CORS: the size is enough */ }
    return { w: img.naturalWidth, h: img.naturalHeight, rgb };
  });
}

describe('operator avatar in real browsers', () => {
  let stage, d, customerOrigin, panel, visitor;
  const pageErrors = [];

  before(async () => {
    stage = await startStage({ pageErrors, panelViewport: { width: 1280, height: 900 },
      prepare: (api) => api.request('PATCH', '/api/panel/me', { name: 'Анна' }) });
    ({ d, customerOrigin, panel, visitor } = stage);
    await signIn(panel, d.base, OWNER, stage.password);
    await panel.getByTestId('nav-visitors').waitFor();
  });

  after(async () => { await stage?.stop(); });

  test('the operator uploads, crops and saves an avatar on the profile page', async () => {
    await panel.getByTestId('nav-profile').click();
    const block = panel.getByTestId('avatar-settings');
    await block.getByTestId('avatar-none').waitFor();
    const input = block.getByTestId('avatar-file');

    // Checked before any upload, with a clear message.
    await input.setInputFiles({ name: 'big.png', mimeType: 'image/png', buffer: Buffer.alloc(5 * 1024 * 1024 + 1) });
    assert.match(await block.getByTestId('avatar-error').textContent(), /5 МБ/);
    await input.setInputFiles({ name: 'me.webp', mimeType: 'image/webp', buffer: Buffer.from('RIFF') });
    assert.match(await block.getByTestId('avatar-error').textContent(), /jpg, png, bmp или gif/);

    // A 600×300 photo: red left half, blue right half (made by the browser itself).
    const b64 = await panel.evaluate(() => {
      const c = document.createElement('canvas');
      c.width = 600;
      c.height = 300;
      const g = c.getContext('2d');
      g.fillStyle = '#ff0000';
      g.fillRect(0, 0, 300, 300);
      g.fillStyle = '#0000ff';
      g.fillRect(300, 0, 300, 300);
      return c.toDataURL('image/png').split(',')[1];
    });
    await input.setInputFiles({ name: 'Анна.png', mimeType: 'image/png', buffer: Buffer.from(b64, 'base64') });
    assert.equal(await block.getByTestId('avatar-error').count(), 0);
    const canvas = block.getByTestId('avatar-crop-canvas');
    await canvas.waitFor();

    // Zoom in with the wheel, then drag the picture far to the right: the crop reaches the
    // photo's left (red) edge. The keyboard moves it too (focusable canvas, arrows).
    const box = await canvas.boundingBox();
    await panel.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await panel.mouse.wheel(0, -300);
    await panel.waitForFunction(() => Number(document.querySelector('[data-testid="avatar-zoom"]').value) > 1.5);
    await panel.mouse.down();
    await panel.mouse.move(box.x + box.width / 2 + 120, box.y + box.height / 2, { steps: 5 });
    await panel.mouse.move(box.x + box.width / 2 + 400, box.y + box.height / 2, { steps: 5 });
    await panel.mouse.up();
    await canvas.focus();
    await panel.keyboard.press('Shift+ArrowRight');
    await shot(panel, 'panel-avatar-crop.png');
    await block.getByTestId('avatar-save').click();

    const current = block.getByTestId('avatar-current');
    await current.waitFor();
    await block.getByTestId('avatar-notice').waitFor();
    const saved = await imageProbe(current);
    assert.deepEqual([saved.w, saved.h], [256, 256], 'the upload is 256×256');
    const [r, g, bl] = saved.rgb;
    assert.ok(r > 200 && g < 40 && bl < 40, `the crop shows the red left part, got ${saved.rgb}`);
    const header = panel.getByTestId('header-avatar');
    await header.waitFor();
    assert.ok((await imageProbe(header)).w > 0);
    await shot(panel, 'panel-avatar-profile.png');
  });

  test('the visitor sees the avatar next to the operator answer and in the widget header', async () => {
    await visitorWrites(visitor, `${customerOrigin}/`, 'Здравствуйте, вопрос по заказу');

    await openFirstDialog(panel);
    const reply = panel.getByTestId('chat-input');
    await reply.fill('Добрый день! Сейчас посмотрю.');
    await reply.press('Enter');

    const answer = visitor.getByTestId('callpy-message').filter({ hasText: 'Сейчас посмотрю' });
    await answer.waitFor();
    const img = answer.getByTestId('callpy-operator-avatar');
    await img.waitFor();
    assert.match(await img.getAttribute('src'), new RegExp(`^${d.base.replace(/[.]/g, '\\.')}/api/avatars/\\d+$`));
    const shown = await imageProbe(img);
    assert.ok(shown.w > 0, 'the avatar loaded on the customer page (naturalWidth > 0)');
    assert.equal(shown.w, 256);
    assert.match(await answer.textContent(), /Анна/);
    const head = visitor.getByTestId('callpy-header-avatar');
    await head.waitFor();
    assert.ok((await imageProbe(head)).w > 0);
    await shot(visitor, 'widget-avatar.png');

    // After a reload the resumed history still shows it.
    await visitor.reload();
    await visitor.getByTestId('callpy-message').filter({ hasText: 'Сейчас посмотрю' }).getByTestId('callpy-operator-avatar').waitFor();
  });

  test('the operator deletes the avatar; the panel and new resumes show none', async () => {
    await panel.getByTestId('nav-profile').click();
    const block = panel.getByTestId('avatar-settings');
    await block.getByTestId('avatar-delete').click();
    await block.getByTestId('avatar-none').waitFor();
    await panel.getByTestId('header-avatar').waitFor({ state: 'detached' });
    // The widget's history after a reload: the operator's message is there, without a picture.
    await visitor.reload();
    // The window was open before the reload, so it opens again by itself.
    const answer = visitor.getByTestId('callpy-message').filter({ hasText: 'Сейчас посмотрю' });
    await answer.waitFor();
    assert.equal(await answer.getByTestId('callpy-operator-avatar').count(), 0);
    assert.equal(await visitor.getByTestId('callpy-header-avatar').count(), 0);
    assert.deepEqual(pageErrors, []);
  });
});
