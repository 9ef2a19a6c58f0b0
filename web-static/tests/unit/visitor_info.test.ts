// Visitor info (F4): the widget's page-view list (loader + hello) and the panel's parsing of
// GET /api/panel/visitors/{id} and the `visitor` frame's new fields.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseOperatorFrame } from '../../src/panel/chat/protocol.ts';
import { parseVisitorDetails, referrerLabel, safeHref } from '../../src/panel/chat/visitor_details.ts';
import { helloPage, kMaxPageViews, kPageViewsKey, notePageView, readPageViews } from '../../src/widget/page_views.ts';

function memory(): Storage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    get length() {
      return data.size;
    },
    clear: () => data.clear(),
    getItem: (k: string) => data.get(k) ?? null,
    key: () => null,
    removeItem: (k: string) => void data.delete(k),
    setItem: (k: string, v: string) => void data.set(k, v),
  };
}

test('the loader notes each page load once, the newest 20 stay', () => {
  const s = memory();
  notePageView(s, { url: 'https://a/1', title: 'One', referrer: 'https://search/', ts: 1000 });
  notePageView(s, { url: 'https://a/1', title: 'One', referrer: 'https://search/', ts: 1000 });
  notePageView(s, { url: 'https://a/2', title: 'Two', referrer: 'https://a/1', ts: 2000 });
  assert.deepEqual(readPageViews(s).map((p) => p.ts), [1000, 2000]);
  for (let i = 0; i < 30; i++) notePageView(s, { url: `https://a/${i}`, title: '', referrer: '', ts: 3000 + i });
  const all = readPageViews(s);
  assert.equal(all.length, kMaxPageViews);
  assert.equal(all.at(-1)?.ts, 3029);
});

test('hello carries the current page with its load time and the earlier ones', () => {
  const s = memory();
  notePageView(s, { url: 'https://a/1', title: 'One', referrer: 'https://search/', ts: 1000 });
  notePageView(s, { url: 'https://a/2', title: 'Two', referrer: 'https://a/1', ts: 2000 });
  const page = helloPage({ url: 'https://a/2', title: 'Two', referrer: 'https://a/1', ts: 2000 }, s);
  assert.equal(page.ts, 2000);
  assert.deepEqual(page.earlier?.map((p) => p.url), ['https://a/1']);
  assert.deepEqual(helloPage({ url: 'https://a/3', title: '', referrer: '', ts: 5 }, null).earlier, []);
});

test('broken or hostile storage never throws', () => {
  const s = memory();
  s.setItem(kPageViewsKey, '{not json');
  assert.deepEqual(readPageViews(s), []);
  s.setItem(kPageViewsKey, JSON.stringify([null, 5, { url: 1 }, { url: 'https://a', ts: 1, title: { x: 1 } }]));
  assert.deepEqual(readPageViews(s), [{ url: 'https://a', title: '[object Object]', referrer: '', ts: 1 }]);
  const full = { ...memory(), getItem: () => null, setItem: () => { throw new Error('quota'); } };
  assert.doesNotThrow(() => notePageView(full, { url: 'https://a', title: '', referrer: '', ts: 1 }));
});

test('visitor details are parsed defensively', () => {
  const v = parseVisitorDetails({
    id: 42, site: 'shop', name: 'Анна', contact: { name: 'Анна', email: 'a@x', phone: '' },
    custom: [{ key: 'note', value: '<b>x</b>' }, 'junk'], browser: 'Chrome 126', os: 'Windows 10', device: 'tablet',
    location: { country_code: 'RU', country: 'Россия', city: 'Москва', name: 'Москва, Россия' },
    pages: [{ url: 'https://a/', title: 'A', referrer: '', ts: 1000 }, { url: 5 }], referrer: 'https://search/', dialog: null,
  });
  assert.ok(v);
  assert.equal(v.device, 'tablet');
  assert.deepEqual(v.custom, [{ key: 'note', value: '<b>x</b>' }]);
  assert.equal(v.pages.length, 2);
  assert.equal(v.pages[1]?.url, '');
  assert.equal(v.location?.name, 'Москва, Россия');
  assert.equal(parseVisitorDetails({ id: 'x' }), null);
  assert.equal(parseVisitorDetails({ id: 1, device: 'fridge', location: 'x' })?.device, 'pc');
  assert.equal(parseVisitorDetails({ id: 1, location: 'x' })?.location, null);
});

test('only http(s) links; referrer shown by host', () => {
  assert.equal(safeHref('javascript:alert(1)'), null);
  assert.equal(safeHref('https://a/'), 'https://a/');
  assert.equal(referrerLabel('https://www.google.com/search?q=x'), 'www.google.com');
  assert.equal(referrerLabel('not a url'), 'not a url');
});

test('the visitor frame carries location, browser, OS and tablets', () => {
  const f = parseOperatorFrame(JSON.stringify({ t: 'visitor', site: 'shop', visitor: { id: 1, device: 'tablet', browser: 'Safari 17',
    os: 'iPadOS 17.5', location: 'Берлин, Германия', referrer: 'https://search/' } }));
  assert.ok(f && f.t === 'visitor');
  assert.equal(f.visitor.device, 'tablet');
  assert.equal(f.visitor.location, 'Берлин, Германия');
  assert.equal(f.visitor.browser, 'Safari 17');
  assert.equal(f.visitor.os, 'iPadOS 17.5');
});
