import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchPath, resolve, safeNext, stripBase, withBase } from '../../src/panel/router.ts';

test('matchPath matches literal segments and captures parameters', () => {
  assert.deepEqual(matchPath('/sites', '/sites'), {});
  assert.deepEqual(matchPath('/sites', '/sites/'), {});
  assert.deepEqual(matchPath('/sites/:site/:tab', '/sites/shop/hours'), { site: 'shop', tab: 'hours' });
  assert.deepEqual(matchPath('/sites/:site', '/sites/my%20shop'), { site: 'my shop' });
  assert.deepEqual(matchPath('/', '/'), {});
});

test('matchPath rejects other lengths, other literals and bad escapes', () => {
  assert.equal(matchPath('/sites/:site', '/sites'), null);
  assert.equal(matchPath('/sites/:site', '/sites/a/b'), null);
  assert.equal(matchPath('/sites', '/profile'), null);
  assert.equal(matchPath('/sites/:site', '/sites/%E0%A4%A'), null);
  assert.equal(matchPath('/', '/sites'), null);
});

test('resolve returns the first matching route in order', () => {
  const routes = [
    { pattern: '/sites/new', value: 'new' },
    { pattern: '/sites/:site', value: 'site' },
  ];
  assert.deepEqual(resolve(routes, '/sites/new'), { value: 'new', params: {} });
  assert.deepEqual(resolve(routes, '/sites/x'), { value: 'site', params: { site: 'x' } });
  assert.equal(resolve(routes, '/nope'), null);
});

test('stripBase and withBase convert between browser and app paths', () => {
  assert.equal(stripBase('/app'), '/');
  assert.equal(stripBase('/app/'), '/');
  assert.equal(stripBase('/app/sites/x'), '/sites/x');
  assert.equal(stripBase('/application'), '/');
  assert.equal(stripBase('/other'), '/');
  assert.equal(withBase('/sites'), '/app/sites');
  assert.equal(withBase('login?next=%2Fsites'), '/app/login?next=%2Fsites');
});

test('safeNext only accepts same-app relative paths', () => {
  assert.equal(safeNext('/sites/x/hours'), '/sites/x/hours');
  assert.equal(safeNext('//evil.example/'), null);
  assert.equal(safeNext('https://evil.example/'), null);
  assert.equal(safeNext('/\\evil.example'), null);
  assert.equal(safeNext(''), null);
  assert.equal(safeNext(null), null);
});
