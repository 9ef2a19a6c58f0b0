// The offline form's client-side checks (they mirror the daemon's) and its strings.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { widgetTranslator } from '../../src/widget/i18n.ts';
import { kOfflineLimits, trimFields, validateOffline } from '../../src/widget/offline_request.ts';
import { parseServerFrame } from '../../src/widget/protocol.ts';

const ok = { name: '', email: 'a@b.co', phone: '', text: 'hi' };

test('offline validation: e-mail required and plausible, text 1–4000, name ≤ 200, phone ≤ 64', () => {
  assert.deepEqual(validateOffline(ok), {});
  assert.deepEqual(validateOffline({ ...ok, email: '  ' }), { email: 'emailRequired' });
  for (const bad of ['ann', 'ann@', '@x.ru', 'ann@host', 'a b@x.ru', 'a@x..ru', 'a@@x.ru', 'a@x.ru.']) {
    assert.deepEqual(validateOffline({ ...ok, email: bad }), { email: 'emailInvalid' }, bad);
  }
  for (const good of ['ann@example.com', ' Ann.Lee+tag@mail.example.co.uk ', 'иван@почта.рф']) {
    assert.deepEqual(validateOffline({ ...ok, email: good }), {}, good);
  }
  assert.deepEqual(validateOffline({ ...ok, text: ' \n ' }), { text: 'textRequired' });
  assert.deepEqual(validateOffline({ ...ok, text: 'x'.repeat(kOfflineLimits.text) }), {});
  assert.deepEqual(validateOffline({ ...ok, text: 'x'.repeat(kOfflineLimits.text + 1) }), { text: 'textLong' });
  assert.deepEqual(validateOffline({ ...ok, name: 'n'.repeat(201), phone: '1'.repeat(65) }), { name: 'nameLong', phone: 'phoneLong' });
  assert.deepEqual(validateOffline({ ...ok, name: 'n'.repeat(200), phone: '1'.repeat(64) }), {});
  assert.deepEqual(validateOffline({ name: '', email: '', phone: '', text: '' }), { email: 'emailRequired', text: 'textRequired' });
  assert.deepEqual(trimFields({ name: ' A ', email: ' a@b.co ', phone: ' 1 ', text: ' t ' }), { name: 'A', email: 'a@b.co', phone: '1', text: 't' });
});

test('offline frames: offline_ack needs cid and dialog; err carries the field when given', () => {
  assert.deepEqual(parseServerFrame('{"t":"offline_ack","cid":"c1","dialog":123}'), { t: 'offline_ack', cid: 'c1', dialog: 123 });
  assert.equal(parseServerFrame('{"t":"offline_ack","cid":"c1"}'), null);
  assert.equal(parseServerFrame('{"t":"offline_ack","dialog":1}'), null);
  assert.deepEqual(parseServerFrame('{"t":"err","cid":"c1","code":"invalid","message":"m","field":"email"}'), {
    t: 'err',
    cid: 'c1',
    code: 'invalid',
    message: 'm',
    field: 'email',
  });
  assert.equal((parseServerFrame('{"t":"err","cid":"c1","code":"invalid","message":"m"}') as { field: unknown }).field, null);
});

test('offline strings: the thank-you names the address in both languages', () => {
  assert.equal(widgetTranslator('ru')('offline.done', { email: 'a@b.co' }), 'Спасибо! Мы ответим на a@b.co');
  assert.equal(widgetTranslator('en')('offline.done', { email: 'a@b.co' }), 'Thank you! We will reply to a@b.co');
  assert.equal(widgetTranslator('ru')('offline.submit'), 'Отправить');
});
