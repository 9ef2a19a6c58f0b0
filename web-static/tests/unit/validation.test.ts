import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeSiteUrl, parseOrigins, passwordProblem } from '../../src/panel/validation.ts';

test('passwordProblem enforces length and confirmation', () => {
  assert.equal(passwordProblem('1234567'), 'password.too_short');
  assert.equal(passwordProblem('12345678'), null);
  assert.equal(passwordProblem('пароль12'), null);
  assert.equal(passwordProblem('12345678', '12345679'), 'password.mismatch');
  assert.equal(passwordProblem('12345678', '12345678'), null);
});

test('normalizeSiteUrl accepts http(s) addresses and bare hosts', () => {
  assert.equal(normalizeSiteUrl('https://shop.example'), 'https://shop.example');
  assert.equal(normalizeSiteUrl(' http://localhost:8080/path '), 'http://localhost:8080/path');
  assert.equal(normalizeSiteUrl('shop.example'), 'https://shop.example');
  assert.equal(normalizeSiteUrl('магазин.рф'), 'https://магазин.рф');
  assert.equal(normalizeSiteUrl('ftp://shop.example'), null);
  assert.equal(normalizeSiteUrl('javascript:alert(1)'), null);
  assert.equal(normalizeSiteUrl('shop'), null);
  assert.equal(normalizeSiteUrl('two words.example'), null);
  assert.equal(normalizeSiteUrl(''), null);
});

test('parseOrigins trims, drops blanks and duplicates', () => {
  assert.deepEqual(parseOrigins(' https://a.example \n\nhttps://b.example\r\nhttps://a.example\n'), ['https://a.example', 'https://b.example']);
  assert.deepEqual(parseOrigins(''), []);
});
