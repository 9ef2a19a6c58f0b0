import assert from 'node:assert/strict';
import { test } from 'node:test';
import { en } from '../../src/panel/i18n/en.ts';
import { ru } from '../../src/panel/i18n/ru.ts';
import { translatorFor } from '../../src/panel/i18n/index.ts';
import { detectLanguage, format } from '../../src/shared/i18n.ts';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('ru and en panel dictionaries have identical key sets', () => {
  const ruKeys = Object.keys(ru).sort();
  const enKeys = Object.keys(en).sort();
  assert.deepEqual(enKeys, ruKeys);
  assert.ok(ruKeys.length > 50, 'dictionary looks truncated');
});

test('no dictionary string is empty or blank', () => {
  for (const [name, dict] of [['ru', ru], ['en', en]] as const) {
    for (const [key, value] of Object.entries(dict)) {
      assert.equal(typeof value, 'string', `${name}.${key}`);
      assert.notEqual(value.trim(), '', `${name}.${key} is empty`);
    }
  }
});

test('both languages use the same placeholders for each key', () => {
  for (const key of Object.keys(ru) as (keyof typeof ru)[]) {
    assert.deepEqual(placeholders(en[key]), placeholders(ru[key]), key);
  }
});

test('the manual captions are the Russian texts', () => {
  assert.equal(ru['login.title'], 'Вход');
  assert.equal(ru['login.submit'], 'Войти');
  assert.equal(ru['login.forgot'], 'Забыли пароль?');
  assert.equal(ru['sites.add'], 'Добавить сайт');
  assert.equal(ru['snippet.copy'], 'Копировать');
  assert.equal(ru['site.managed'], 'Управляется конфигурацией');
  assert.equal(ru['error.limit'], 'Слишком много попыток, попробуйте позже');
});

test('detectLanguage picks ru for any Russian locale, en otherwise', () => {
  assert.equal(detectLanguage('ru'), 'ru');
  assert.equal(detectLanguage('ru-RU'), 'ru');
  assert.equal(detectLanguage('RU-ru'), 'ru');
  assert.equal(detectLanguage('en-US'), 'en');
  assert.equal(detectLanguage('de'), 'en');
  assert.equal(detectLanguage(''), 'en');
  assert.equal(detectLanguage(undefined), 'en');
});

test('format fills placeholders and leaves unknown ones visible', () => {
  assert.equal(format('Hi {name}, {n} new', { name: 'Ann', n: 3 }), 'Hi Ann, 3 new');
  assert.equal(format('Hi {name}', {}), 'Hi {name}');
  assert.equal(format('plain'), 'plain');
  assert.equal(translatorFor('ru')('operators.invited', { email: 'a@b.c' }), 'Приглашение отправлено на a@b.c');
});
