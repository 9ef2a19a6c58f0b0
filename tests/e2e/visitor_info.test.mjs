// Visitor info (F4) in real browsers: a visitor comes from a search engine, opens two pages of a
// customer site (another origin) that sets custom data with an XSS payload; the operator opens
// the visitor-info panel from Visitors and sees the pages in order, the referrer, browser/OS and
// the payload as text (no element made from it, no script run).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { openVisitors, shot, signIn, startStage } from '../support/e2e.mjs';

const OWNER = 'owner@example.com';
const XSS = '<img src=x onerror="window.__xss=1">';

describe('visitor info panel', () => {
  let stage, d, customerOrigin, panel, visitor;
  const pageErrors = [];

  before(async () => {
    const pages = {
      '/': `<title>Главная</title><h1>Главная</h1><a id="next" href="/product">Товар</a>`,
      // The site hands custom data to the widget (this also loads the chat at once).
      '/product': `<title>Товар</title><h1>Товар</h1><script>window.addEventListener('load', () =>
        Callpy.setCustomData({ note: ${JSON.stringify(XSS)}, plan: 'pro' }));</script>`,
    };
    stage = await startStage({ pageErrors, panelViewport: { width: 1400, height: 900 }, visitorPage: { openShadow: false },
      site: { html: (snippet) => Object.fromEntries(Object.entries(pages).map(([at, body]) =>
        [at, `<!doctype html><html><head><meta charset="utf-8"></head><body>${body}${snippet}</body></html>`])) } });
    ({ d, customerOrigin, panel, visitor } = stage);
    await signIn(panel, d.base, OWNER, stage.password);
    await openVisitors(panel);
  });

  after(async () => { await stage?.stop(); });

  test('pages, referrer and custom data (as text) in the visitor-info panel', async () => {
    await visitor.goto(`${customerOrigin}/`, { referer: 'https://search.example/?q=romashka' });
    await visitor.click('#next');
    await visitor.waitForURL(`${customerOrigin}/product`);

    const row = panel.getByTestId('visitor-row').first();
    await row.waitFor();
    await row.getByTestId('visitor-info-open').click();
    const info = panel.getByTestId('visitor-info');
    await info.getByTestId('vinfo-custom').waitFor();
    // Both pages, newest first, each with a time.
    await info.getByTestId('vinfo-page').nth(1).waitFor();
    const urls = await info.getByTestId('vinfo-page').evaluateAll((els) => els.map((e) => e.getAttribute('data-url')));
    assert.deepEqual(urls, [`${customerOrigin}/product`, `${customerOrigin}/`]);
    assert.match(await info.getByTestId('vinfo-pages').textContent(), /\d\d:\d\d.*Товар.*\d\d:\d\d.*Главная/s);
    assert.equal((await info.getByTestId('vinfo-referrer').textContent()).trim(), 'search.example');
    assert.match(await info.getByTestId('vinfo-browser').textContent(), /^Chrome \d+$/);
    assert.equal(await info.getByTestId('vinfo-os').textContent(), 'Linux');
    assert.equal(await info.getByTestId('vinfo-device').textContent(), 'ПК');

    // The XSS payload is shown as text: no element was made from it and nothing ran.
    const values = await info.getByTestId('vinfo-custom-value').allTextContents();
    assert.ok(values.includes(XSS), JSON.stringify(values));
    assert.equal(await info.locator('img').count(), 0);
    assert.equal(await panel.evaluate(() => window.__xss), undefined);
    await shot(panel, 'visitor-info-panel.png');

    // The same panel next to the chat pane once a dialog is open.
    await panel.getByTestId('visitor-start').first().click();
    await panel.getByTestId('chat-pane').waitFor();
    const side = panel.getByTestId('visitor-info');
    await side.getByTestId('vinfo-page').nth(1).waitFor();
    assert.ok((await side.getByTestId('vinfo-custom-value').allTextContents()).includes(XSS));
    assert.equal(await side.locator('img').count(), 0);
    await shot(panel, 'visitor-info-dialog.png');
    assert.deepEqual(pageErrors, []);
  });

  test('a single-page navigation (history.pushState) is a page view too', async () => {
    await visitor.evaluate(() => {
      history.pushState({}, '', '/product/reviews');
      document.title = 'Отзывы';
    });
    const side = panel.getByTestId('visitor-info');
    await side.locator(`[data-testid="vinfo-page"][data-url="${customerOrigin}/product/reviews"]`).waitFor();
    assert.match(await side.getByTestId('vinfo-pages').textContent(), /Отзывы/);
    assert.deepEqual(pageErrors, []);
  });
});
