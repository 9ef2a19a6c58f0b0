import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiClient, ApiError, errorFromResponse, type FetchLike } from '../../src/shared/api.ts';
import { errorText } from '../../src/panel/errors.ts';
import { translatorFor } from '../../src/panel/i18n/index.ts';
import { PanelApi } from '../../src/panel/panel_api.ts';

interface Call {
  url: string;
  init: RequestInit;
}

/** A fetch that answers from a queue and records what it was asked. */
function stubFetch(answers: (Response | Error)[]): { fetch: FetchLike; calls: Call[] } {
  const calls: Call[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, init });
    const next = answers.shift();
    if (!next) throw new Error('unexpected request ' + url);
    if (next instanceof Error) throw next;
    return next;
  };
  return { fetch, calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } });

const header = (c: Call, name: string) => (c.init.headers as Record<string, string>)[name];

test('error JSON maps to ApiError with status, code, message and field', async () => {
  const { fetch } = stubFetch([json(400, { error: { code: 'invalid', message: 'url: must be http(s)', field: 'url' } })]);
  const client = new ApiClient({ fetch });
  await assert.rejects(client.post('/api/panel/sites', { name: 'x', url: 'ftp://x' }), (e: unknown) => {
    assert.ok(e instanceof ApiError);
    assert.equal(e.status, 400);
    assert.equal(e.code, 'invalid');
    assert.equal(e.message, 'url: must be http(s)');
    assert.equal(e.field, 'url');
    return true;
  });
});

test('a non-JSON error body falls back to the status', () => {
  const e = errorFromResponse(502, '<html>Bad Gateway</html>', null);
  assert.equal(e.code, 'internal');
  assert.equal(e.status, 502);
  assert.equal(e.field, undefined);
  assert.equal(errorFromResponse(404, '', null).code, 'not_found');
  assert.equal(errorFromResponse(503, 'x', null).code, 'unavailable');
});

test('an unknown code string keeps the code derived from the status', () => {
  const e = errorFromResponse(409, JSON.stringify({ error: { code: 'weird', message: 'm' } }), null);
  assert.equal(e.code, 'conflict');
  assert.equal(e.message, 'm');
});

test('429 becomes limit with Retry-After seconds and a localized message', async () => {
  const { fetch } = stubFetch([json(429, { error: { code: 'limit', message: 'too many attempts' } }, { 'Retry-After': '30' })]);
  const api = new PanelApi(new ApiClient({ fetch }));
  const err = await api.login('a@b.c', 'x').then(
    () => assert.fail('should reject'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ApiError);
  assert.equal(err.code, 'limit');
  assert.equal(err.retryAfter, 30);
  assert.equal(errorText(err, translatorFor('ru')), 'Слишком много попыток, попробуйте позже');
  assert.equal(errorText(err, translatorFor('en')), 'Too many attempts, try again later');
});

test('a network failure is an ApiError with status 0 and code network', async () => {
  const { fetch } = stubFetch([new TypeError('Failed to fetch')]);
  const client = new ApiClient({ fetch });
  await assert.rejects(client.get('/api/panel/me'), (e: unknown) => e instanceof ApiError && e.status === 0 && e.code === 'network');
});

test('CSRF token from sign-in is sent on non-GET requests only', async () => {
  const user = { id: 1, email: 'a@b.c', name: 'A', language: 'ru' };
  const { fetch, calls } = stubFetch([
    json(200, { user, csrf: 'tok-1' }),
    json(200, { sites: [] }),
    json(201, { site: { id: 's' } }),
    json(200, {}),
  ]);
  const api = new PanelApi(new ApiClient({ fetch }));
  await api.login('a@b.c', 'secret123');
  await api.sites();
  await api.addSite('Shop', 'https://shop.example');
  await api.logout();

  assert.equal(header(calls[0]!, 'X-CSRF-Token'), undefined, 'no token before sign-in');
  assert.equal(header(calls[1]!, 'X-CSRF-Token'), undefined, 'GET carries no token');
  assert.equal(calls[1]!.init.method, 'GET');
  assert.equal(header(calls[2]!, 'X-CSRF-Token'), 'tok-1');
  assert.equal(header(calls[2]!, 'Content-Type'), 'application/json');
  assert.deepEqual(JSON.parse(String(calls[2]!.init.body)), { name: 'Shop', url: 'https://shop.example' });
  assert.equal(header(calls[3]!, 'X-CSRF-Token'), 'tok-1');
  for (const c of calls) assert.equal(c.init.credentials, 'same-origin');
  assert.equal(calls[0]!.url, '/api/panel/auth/login');
});

test('a 401 calls onUnauthorized, except for sign-in', async () => {
  const unauthorized = () => json(401, { error: { code: 'unauthorized', message: 'no session' } });
  const { fetch } = stubFetch([unauthorized(), unauthorized()]);
  let seen = 0;
  const api = new PanelApi(new ApiClient({ fetch, onUnauthorized: () => seen++ }));
  await assert.rejects(api.login('a@b.c', 'bad'), ApiError);
  assert.equal(seen, 0, 'wrong credentials are not a lost session');
  await assert.rejects(api.sites(), ApiError);
  assert.equal(seen, 1);
});

test('sign-in 401 reads as wrong credentials; invalid shows the server detail', () => {
  const t = translatorFor('ru');
  const e401 = new ApiError(401, 'unauthorized', 'bad credentials');
  assert.equal(errorText(e401, t, { unauthorized: 'login.failed' }), 'Неверный e-mail или пароль');
  const e400 = new ApiError(400, 'invalid', 'name: required', 'name');
  assert.equal(errorText(e400, t), 'Проверьте введённые данные: name: required');
  assert.equal(errorText(new Error('boom'), t), 'Ошибка сервера');
});

test('path segments are URL-encoded (user given by e-mail, odd site ids)', async () => {
  const { fetch, calls } = stubFetch([json(200, { operator: {} }), json(200, { operators: [] })]);
  const api = new PanelApi(new ApiClient({ fetch }));
  await api.setOperatorRole('my site', 7, 'admin');
  await api.operators('a/b');
  assert.equal(calls[0]!.url, '/api/panel/sites/my%20site/operators/7/role');
  assert.equal(calls[0]!.init.method, 'PUT');
  assert.equal(calls[1]!.url, '/api/panel/sites/a%2Fb/operators');
});
