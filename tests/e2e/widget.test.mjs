// The chat widget in a real browser on a customer site served from another origin, against the
// real daemon: the visitor opens the launcher, writes, sees the message acknowledged and the
// operator's answer; the operator (a WebSocket client here) sees the typing preview; visitor text
// and operator text render as text; a reload keeps the visitor and the conversation.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { operatorSocket, startWithOwner } from '../support/chat.mjs';
import { customerSite, launchBrowser, newPage, shot } from '../support/e2e.mjs';

describe('widget on a customer site', () => {
  let d, customer, customerOrigin, browser, page, operatorWs;

  before(async () => {
    let owner;
    ({ d, owner } = await startWithOwner({}, 'owner@example.com'));
    // A customer page with hostile CSS the widget must survive.
    ({ origin: customerOrigin, server: customer } = await customerSite(owner, { fields: { language: 'ru' }, variant: 'body_start',
      html: (snippet) => `<!doctype html><html><head><meta charset="utf-8"><title>Магазин</title>
      <style>* { font-family: monospace !important; color: red !important; } button { background: yellow !important; }</style>
      </head><body>${snippet}<h1>Магазин «Ромашка»</h1><p>Товары и цены.</p></body></html>` }));
    ({ o: operatorWs } = await operatorSocket(d, owner));

    browser = await launchBrowser();
    // The widget's shadow root is closed; tests open it so selectors can reach inside.
    page = await newPage(browser, { openShadow: true });
  });

  after(async () => {
    await browser?.close();
    operatorWs?.close();
    customer?.close();
    await d?.stop();
  });

  test('the visitor chats with the operator', async () => {
    await page.goto(`${customerOrigin}/`);
    await page.getByTestId('callpy-launcher').click();
    const input = page.getByTestId('callpy-input');
    await input.waitFor();
    const visitorFrame = await operatorWs.type('visitor');
    assert.match(visitorFrame.visitor.page.url ?? '', /127\.0\.0\.1/);

    await input.fill('Здравствуйте, есть доставка? <script>window.__xss = 1</script>');
    const peek = await operatorWs.type('typing', (f) => (f.text ?? '').includes('доставка'));
    assert.ok(peek.visitor > 0);
    await input.press('Enter');
    const sent = page.locator('[data-testid="callpy-message"][data-state="sent"]');
    await sent.first().waitFor();
    const msg = await operatorWs.type('msg', (f) => f.author.kind === 'visitor');
    assert.equal(msg.text, 'Здравствуйте, есть доставка? <script>window.__xss = 1</script>');

    operatorWs.send({ t: 'msg', dialog: msg.dialog, cid: 'op-1', text: 'Да, по всей России <img src=x onerror="window.__xss=2">' });
    await operatorWs.type('ack', (f) => f.cid === 'op-1');
    const reply = page.getByTestId('callpy-message').filter({ hasText: 'по всей России' });
    await reply.waitFor();
    assert.match(await reply.textContent(), /<img src=x onerror="window.__xss=2">/);
    assert.equal(await page.evaluate(() => window.__xss), undefined, 'no script ran from chat text');
    await shot(page, 'widget-chat.png');

    // A reload is the same visitor with the same conversation.
    await page.reload();
    await page.getByTestId('callpy-message').filter({ hasText: 'по всей России' }).waitFor();
    assert.equal(await page.getByTestId('callpy-message').count(), 2);
  });

  test('on a phone-sized screen the window fills the viewport', async () => {
    await page.setViewportSize({ width: 375, height: 667 });
    const box = await page.getByTestId('callpy-window').boundingBox();
    assert.ok(box.width >= 360, `width ${box.width}`);
    await shot(page, 'widget-phone.png');
  });
});
