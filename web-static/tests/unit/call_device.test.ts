// F23, the pure part: a call moving to another device of the same operator and back
// (call_moved, local_takeover), the phone link frame, and the QR code drawn for it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kIdleCall, parseCallFrame, reduceCall, type CallEvent, type CallView, type Me } from '../../src/shared/call_model.ts';
import { qrPath } from '../../src/panel/call/qr_path.ts';

const kId = 'c'.repeat(32);
const anna: Me = { kind: 'operator', id: 3 };

function call(state: 'ringing' | 'active' | 'ended'): CallEvent {
  const f = parseCallFrame({
    t: 'call',
    call: { id: kId, dialog: 7, site: 'shop', visitor: 42, from: 'operator', video: true, state, recording: false,
      participants: [{ kind: 'operator', id: 3, name: 'Анна' }, { kind: 'visitor', id: 42 }],
      started: 1, answered: state === 'ringing' ? null : 2, ended: state === 'ended' ? 3 : null, reason: state === 'ended' ? 'hangup' : null },
  });
  assert.ok(f);
  return f;
}

function run(events: CallEvent[], from: CallView = kIdleCall): CallView {
  return events.reduce((v, e) => reduceCall(v, e, anna), from);
}

test('a tab holding the call shows it elsewhere after call_moved, and takes it back', () => {
  const active = run([{ t: 'local_start' }, call('ringing'), call('active'), { t: 'call_media_state', call: kId, state: 'connected', reason: '' }]);
  assert.equal(active.phase, 'active');
  assert.equal(active.leg, true);
  const moved = run([parseCallFrame({ t: 'call_moved', call: kId })!], active);
  assert.equal(moved.phase, 'elsewhere');
  assert.equal(moved.leg, false);
  assert.equal(moved.elsewhere, true);
  // Later call frames (recording switched on the phone) keep it there.
  assert.equal(run([call('active')], moved).phase, 'elsewhere');
  const back = run([{ t: 'local_takeover' }], moved);
  assert.equal(back.phase, 'connecting');
  assert.equal(back.leg, true);
  assert.equal(back.elsewhere, false);
  assert.equal(run([call('ended')], moved).phase, 'ended');
});

test('call_moved for another call, or a takeover of a call that is not running, changes nothing', () => {
  const active = run([{ t: 'local_start' }, call('ringing'), call('active')]);
  assert.equal(run([parseCallFrame({ t: 'call_moved', call: 'd'.repeat(32) })!], active), active);
  const ringing = run([call('ringing')]);
  assert.equal(run([{ t: 'local_takeover' }], ringing), ringing);
});

test('the phone link frame is validated and kept until closed', () => {
  assert.equal(parseCallFrame({ t: 'call_device_link', call: kId, url: 'javascript:alert(1)', expires: 5 }), null);
  assert.equal(parseCallFrame({ t: 'call_device_link', call: kId, url: 'https://x/app/call/t' }), null);
  const active = run([{ t: 'local_start' }, call('ringing'), call('active')]);
  const linked = run([parseCallFrame({ t: 'call_device_link', call: kId, url: 'https://callpy.example/app/call/abc', expires: 99 })!], active);
  assert.deepEqual(linked.deviceLink, { url: 'https://callpy.example/app/call/abc', expires: 99 });
  assert.equal(run([{ t: 'local_close_link' }], linked).deviceLink, null);
});

test('the QR code has the size of its version and the three finder patterns', () => {
  const url = `https://callpy.example/app/call/${'f'.repeat(64)}`;
  const { size, d } = qrPath(url);
  // 97 bytes need version 6 at level M: 41 modules, plus a 4-module quiet zone on each side.
  assert.equal(size, 41 + 8);
  for (const [x, y] of [[4, 4], [4 + 34, 4], [4, 4 + 34]]) {
    // Each finder pattern's corner module is dark.
    assert.ok(d.includes(`M${x} ${y}h1v1h-1z`), `finder at ${x},${y}`);
  }
  assert.notEqual(qrPath(url + 'x').d, d);
});

test('TURN servers of a call frame are kept, other URLs and malformed entries dropped', () => {
  const f = parseCallFrame({
    t: 'call',
    call: { id: kId, dialog: 7, site: 'shop', visitor: 42, from: 'operator', video: false, state: 'ringing',
      participants: [], started: 1, answered: null, ended: null, reason: null,
      ice_servers: [{ urls: ['turn:t.example:3478', 'javascript:alert(1)'], username: '9:call-x', credential: 'c2VjcmV0' },
        { urls: 'turn:x', username: 'u', credential: 'p' }, 'junk'] },
  });
  assert.ok(f && f.t === 'call');
  assert.deepEqual(f.call.iceServers, [{ urls: ['turn:t.example:3478'], username: '9:call-x', credential: 'c2VjcmV0' }]);
});

test('a device that learns of our running call shows it elsewhere; a ringing one rings', () => {
  const running = call('active');
  assert.ok(running.t === 'call');
  const v = run([{ t: 'local_elsewhere', call: running.call }]);
  assert.equal(v.phase, 'elsewhere');
  assert.equal(v.leg, false);
  assert.equal(run([{ t: 'local_takeover' }], v).phase, 'connecting');
  const ended = call('ended');
  assert.ok(ended.t === 'call');
  assert.equal(run([{ t: 'local_elsewhere', call: ended.call }]).phase, 'idle');
});
