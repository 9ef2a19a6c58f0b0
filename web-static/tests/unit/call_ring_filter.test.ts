import assert from 'node:assert/strict';
import { test } from 'node:test';
import { callFrameForOperator } from '../../src/panel/call/ring_filter.ts';
import { phaseFor, parseCallInfo } from '../../src/shared/call_model.ts';

const call = (over: Record<string, unknown>) => ({
  t: 'call',
  call: {
    id: '0123456789abcdef0123456789abcdef', dialog: 7, site: 'shop', visitor: 42, from: 'visitor', video: false,
    state: 'ringing', recording: false, participants: [{ kind: 'visitor', id: 42 }], started: 1, answered: null,
    ended: null, reason: null, ...over,
  },
});

const phase = (frame: unknown, me: number) => {
  const info = parseCallInfo((frame as { call: unknown }).call);
  assert.ok(info);
  return phaseFor(info, { kind: 'operator', id: me }, false, null);
};

test('a visitor call rings only the operators in its ringing list', () => {
  const f = call({ ringing: [3] });
  assert.equal(phase(callFrameForOperator(f, 3), 3), 'ringing-in');
  assert.equal(phase(callFrameForOperator(f, 5), 5), 'idle');
  // The original frame is not changed for other listeners.
  assert.equal(f.call.state, 'ringing');
});

test('frames without a ringing list, other frames and non-ringing calls pass unchanged', () => {
  const old = call({});
  assert.equal(callFrameForOperator(old, 5), old);
  const ended = call({ state: 'ended', reason: 'no_answer', ringing: [] });
  assert.equal(callFrameForOperator(ended, 5), ended);
  const fromOperator = call({ from: 'operator', ringing: [] });
  assert.equal(callFrameForOperator(fromOperator, 5), fromOperator);
  const other = { t: 'call_answer', call: 'x', sdp: '' };
  assert.equal(callFrameForOperator(other, 5), other);
  assert.equal(callFrameForOperator(null, 5), null);
});
