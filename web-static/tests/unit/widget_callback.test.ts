import assert from 'node:assert/strict';
import { test } from 'node:test';
import { callbackFrame, isValidCallbackPhone } from '../../src/widget/callback_request.ts';
import { parseServerFrame } from '../../src/widget/protocol.ts';

test('callback phone: 5 to 32 digits, spaces and + ( ) -, as the daemon checks it', () => {
  assert.ok(isValidCallbackPhone('+7 (912) 345-67-89'));
  assert.ok(isValidCallbackPhone('  12345 '));
  assert.ok(!isValidCallbackPhone('1234'));
  assert.ok(!isValidCallbackPhone('1'.repeat(33)));
  assert.ok(isValidCallbackPhone('1'.repeat(32)));
  assert.ok(!isValidCallbackPhone('+7 912 <b>'));
  assert.ok(!isValidCallbackPhone('+(1)-- '));
});

test('callback frame trims what it sends', () => {
  assert.deepEqual(callbackFrame('c1', ' +7 912 ', ' Иван '), { t: 'call_callback', cid: 'c1', phone: '+7 912', name: 'Иван' });
});

test('welcome carries the call settings; without them calls stay on with the offline form', () => {
  const base = { t: 'welcome', v: 1, visitor: { id: 1 }, dialog: null };
  const f = parseServerFrame({ ...base, site: { name: 's', open: false, calls: { enabled: false, after_hours: 'callback' } } });
  assert.ok(f && f.t === 'welcome');
  assert.deepEqual(f.site.calls, { enabled: false, afterHours: 'callback' });
  const old = parseServerFrame({ ...base, site: { name: 's' } });
  assert.ok(old && old.t === 'welcome');
  assert.deepEqual(old.site.calls, { enabled: true, afterHours: 'offline_form' });
  const odd = parseServerFrame({ ...base, site: { name: 's', calls: { after_hours: '<x>' } } });
  assert.ok(odd && odd.t === 'welcome');
  assert.equal(odd.site.calls.afterHours, 'offline_form');
});
