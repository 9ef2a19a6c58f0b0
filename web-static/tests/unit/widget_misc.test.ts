// Widget pure helpers: backoff schedule, loader URL/key parsing, i18n parity, emoji insert.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay, kBackoffCapMs } from '../../src/widget/backoff.ts';
import { insertAt, kEmoji } from '../../src/widget/emoji.ts';
import { en, ru, widgetLanguage, widgetTranslator } from '../../src/widget/i18n.ts';
import { isWidgetKey, publicUrlFromSrc, shouldLoadAtOnce, wsUrlFor } from '../../src/widget/loader_logic.ts';
import { prefixedStore } from '../../src/widget/storage.ts';

test('backoff: exponential, jittered within [step/2, step], capped', () => {
  assert.equal(backoffDelay(0, () => 0), 250);
  assert.equal(backoffDelay(0, () => 0.999999), 500);
  assert.equal(backoffDelay(1, () => 0), 500);
  assert.equal(backoffDelay(3, () => 0), 2000);
  assert.equal(backoffDelay(30, () => 0.999999), kBackoffCapMs);
  assert.equal(backoffDelay(1000, () => 0), kBackoffCapMs / 2);
  const seen = new Set<number>();
  for (let i = 0; i < 20; i++) seen.add(backoffDelay(4, Math.random));
  assert.ok(seen.size > 1, 'jitter spreads reconnects');
});

test('loader: public URL from the script src, with or without a path prefix', () => {
  assert.equal(publicUrlFromSrc('https://chat.example.com/widget/loader.js'), 'https://chat.example.com');
  assert.equal(publicUrlFromSrc('http://127.0.0.1:8080/callpy/widget/loader.js?x=1'), 'http://127.0.0.1:8080/callpy');
  assert.equal(publicUrlFromSrc('https://cdn.example.com/other.js'), null);
  assert.equal(publicUrlFromSrc('javascript:alert(1)//widget/loader.js'), null);
  assert.equal(wsUrlFor('https://c.example/x', 'k_1'), 'wss://c.example/x/ws/visitor?key=k_1');
  assert.equal(wsUrlFor('http://127.0.0.1:8080', 'k'), 'ws://127.0.0.1:8080/ws/visitor?key=k');
});

test('loader: widget keys are checked', () => {
  assert.ok(isWidgetKey('abc-DEF_123'));
  for (const bad of ['', null, undefined, 'a b', '"><script>', 'k'.repeat(200)]) assert.equal(isWidgetKey(bad), false);
});

test('loader: the chat loads at once only for a visitor with a dialog or an open window', () => {
  assert.equal(shouldLoadAtOnce(() => null), false);
  assert.equal(shouldLoadAtOnce((k) => (k === 'dialog' ? '1' : null)), true);
  assert.equal(shouldLoadAtOnce((k) => (k === 'open' ? '1' : null)), true);
});

test('storage: works without localStorage and with a throwing one', () => {
  const none = prefixedStore(null, 'p:');
  none.set('a', '1');
  assert.equal(none.get('a'), '1');
  const throwing = {
    getItem() {
      throw new Error('denied');
    },
    setItem() {
      throw new Error('denied');
    },
    removeItem() {
      throw new Error('denied');
    },
  } as unknown as Storage;
  const s = prefixedStore(throwing, 'p:');
  s.set('a', '2');
  assert.equal(s.get('a'), '2');
});

test('i18n: ru and en have the same keys and placeholders, none blank', () => {
  assert.deepEqual(Object.keys(ru).sort(), Object.keys(en).sort());
  const ph = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const k of Object.keys(en) as (keyof typeof en)[]) {
    assert.notEqual(ru[k].trim(), '', k);
    assert.notEqual(en[k].trim(), '', k);
    assert.deepEqual(ph(ru[k]), ph(en[k]), k);
  }
  assert.equal(widgetLanguage('ru-RU'), 'ru');
  assert.equal(widgetLanguage('en'), 'en');
  assert.equal(widgetLanguage('de'), 'en');
  assert.equal(widgetLanguage(undefined), 'en');
  assert.equal(widgetTranslator('ru')('conn.retryIn', { s: 4 }), 'Связь потеряна. Повтор через 4 с…');
  assert.equal(widgetTranslator('en')('privacy.typing'), 'The operator may see what you type before you send it.');
});

test('emoji: inserted at the caret, replacing a selection', () => {
  assert.ok(kEmoji.length >= 24);
  assert.deepEqual(insertAt('hello', 5, 5, '👍'), { text: 'hello👍', caret: 7 });
  assert.deepEqual(insertAt('hello', 1, 4, '😀'), { text: 'h😀o', caret: 3 });
  assert.deepEqual(insertAt('', 9, 9, '🔥'), { text: '🔥', caret: 2 });
});
