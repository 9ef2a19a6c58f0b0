// Browser helpers for the e2e tests: Debian's Chromium driven by playwright-core, a customer's
// site on another origin that embeds the widget snippet, pages that collect script errors,
// signing in to the panel, and screenshots under build/test-output/e2e.
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';

import { OWNER, addSite, startWithOwner } from './chat.mjs';
import { freePort, repoRoot } from './daemon.mjs';

// playwright-core is a dev dependency of web-static/, not of tests/.
const { chromium } = createRequire(path.join(repoRoot, 'web-static/package.json'))('playwright-core');

export const shotsDir = path.join(repoRoot, 'build/test-output/e2e');
export const kStepTimeoutMs = 15000;

// `args` replaces the default flags (the call tests pass the fake media device flags).
export function launchBrowser(args = ['--no-sandbox', '--headless=new']) {
  fs.mkdirSync(shotsDir, { recursive: true });
  return chromium.launch({ executablePath: '/usr/bin/chromium', args });
}

// Saves a screenshot of `page` as build/test-output/e2e/<name>.
export function shot(page, name) {
  return page.screenshot({ path: path.join(shotsDir, name) });
}

// A page in a new browser context (one person). `openShadow` forces the widget's closed shadow
// root open so that selectors reach inside; script errors go to `pageErrors` when given;
// `context` adds options for the context (isMobile, hasTouch …).
export async function newPage(browser, { viewport = { width: 1280, height: 800 }, locale = 'ru-RU', openShadow = false,
  pageErrors, context = {} } = {}) {
  const ctx = await browser.newContext({ viewport, locale, ...context });
  if (openShadow) {
    await ctx.addInitScript(() => {
      const attach = Element.prototype.attachShadow;
      Element.prototype.attachShadow = function (init) { return attach.call(this, { ...init, mode: 'open' }); };
    });
  }
  const page = await ctx.newPage();
  page.setDefaultTimeout(kStepTimeoutMs);
  if (pageErrors) page.on('pageerror', (e) => pageErrors.push(String(e)));
  return page;
}

// The customer's catalogue page with the snippet at the end of the body.
export function catalogPage(snippet) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Каталог</title></head>
      <body><h1>Каталог</h1>${snippet}</body></html>`;
}

// Registers a site whose URL is a free 127.0.0.1 port (another origin than the daemon's) and
// serves it there. `html(snippet)` makes the page from the site's snippet (`variant`: anywhere
// or body_start): a string is served at every path, an object maps paths to pages (404 for the
// rest). `sitePath` is appended to the origin in the site's URL; `fields` adds site fields.
// Returns { site, origin, server }; close the server when done.
export async function customerSite(owner, { name = 'Ромашка', html = catalogPage, variant = 'anywhere', sitePath = '',
  fields = {} } = {}) {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const site = await addSite(owner, name, `${origin}${sitePath}`, fields);
  const snippet = (await owner.request('GET', `/api/panel/sites/${site.id}/snippet`)).body[variant];
  const pages = html(snippet);
  const server = http.createServer((req, res) => {
    const body = typeof pages === 'string' ? pages : pages[new URL(req.url, origin).pathname];
    res.writeHead(body ? 200 : 404, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(body ?? '');
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return { site, origin, server };
}

// Signs `email` in on the panel's sign-in page of the daemon at `base`.
export async function signIn(page, base, email, password) {
  await page.goto(`${base}/app/login`);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

// Opens Visitors in the panel and waits for its table (or its empty state).
export async function openVisitors(panel) {
  await panel.getByTestId('nav-visitors').click();
  await panel.getByTestId('visitors-table').or(panel.getByTestId('visitors-empty')).first().waitFor();
}

// The visitor opens the customer's page at `url`, opens the widget, writes `text` and waits
// until the message is acknowledged.
export async function visitorWrites(visitor, url, text) {
  await visitor.goto(url);
  await visitor.getByTestId('callpy-launcher').click();
  const input = visitor.getByTestId('callpy-input');
  await input.fill(text);
  await input.press('Enter');
  await visitor.locator('[data-testid="callpy-message"][data-state="sent"]').first().waitFor();
}

// The operator opens the newest dialog from Dialogs.
export async function openFirstDialog(panel) {
  await panel.getByTestId('nav-dialogs').click();
  await panel.getByTestId('dialog-item').first().click();
}

// The usual cast of a chat test in browsers: callpyd with a signed-in owner (`api`, REST), a
// customer site on another origin (`site` options as for customerSite), and a browser with a
// page for the owner's panel (not signed in yet) and one for the visitor (shadow root forced
// open unless `visitorPage` says otherwise). Both pages report script errors to `pageErrors`.
// Returns { d, api, password, site, customerOrigin, browser, panel, visitor, stop() }; stop()
// closes the browser, the customer site and the daemon. `prepare(api)`, when given, runs
// right after the owner signs in, before the site is made; `browserArgs` replaces Chromium's flags.
export async function startStage({ daemon = {}, site: siteOptions = {}, panelViewport, visitorPage = {}, pageErrors,
  prepare, browserArgs } = {}) {
  const started = [];
  const stop = async () => {
    for (const close of started.splice(0).reverse()) await close();
  };
  try {
    const { d, owner: api, password } = await startWithOwner(daemon, OWNER);
    started.push(() => d.stop());
    if (prepare) await prepare(api);
    const { site, origin, server } = await customerSite(api, siteOptions);
    started.push(() => server.close());
    const browser = await launchBrowser(browserArgs);
    started.push(() => browser.close());
    const panel = await newPage(browser, { viewport: panelViewport, pageErrors });
    const visitor = await newPage(browser, { openShadow: true, pageErrors, ...visitorPage });
    return { d, api, password, site, customerOrigin: origin, browser, panel, visitor, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
