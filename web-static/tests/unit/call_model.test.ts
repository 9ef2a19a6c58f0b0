// Calls, the pure part (shared/call_model.ts, call_i18n.ts, call_route.ts): frame parsing and
// building, the state reducer for visitor and operator tabs, duration and error mapping.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  callFrames,
  endReasonKey,
  formatDuration,
  kIdleCall,
  mediaErrorKey,
  parseCallFrame,
  peerName,
  reduceCall,
  remoteCameraOff,
  remoteMuted,
  type CallEvent,
  type CallView,
  type Me,
} from '../../src/shared/call_model.ts';
import { callEn, callRu, callTranslator } from '../../src/shared/call_i18n.ts';
import { CallRouter, type CallSummary } from '../../src/shared/call_route.ts';

const kId = 'a'.repeat(32);
const kOther = 'b'.repeat(32);
const visitor: Me = { kind: 'visitor' };
const anna: Me = { kind: 'operator', id: 3 };

function callFrame(patch: Record<string, unknown> = {}, id = kId): Record<string, unknown> {
  return {
    t: 'call',
    call: {
      id,
      dialog: 7,
      site: 'shop',
      visitor: 42,
      from: 'operator',
      video: false,
      state: 'ringing',
      recording: false,
      participants: [
        { kind: 'visitor', id: 42 },
        { kind: 'operator', id: 3, name: 'Анна' },
      ],
      started: 1000,
      answered: null,
      ended: null,
      reason: null,
      ...patch,
    },
  };
}

function ev(raw: unknown): CallEvent {
  const f = parseCallFrame(raw);
  assert.ok(f, 'frame parses: ' + JSON.stringify(raw));
  return f;
}

function run(me: Me, events: CallEvent[], from: CallView = kIdleCall): CallView {
  return events.reduce((v, e) => reduceCall(v, e, me), from);
}

test('parseCallFrame: call frames validated, malformed ones dropped', () => {
  const f = parseCallFrame(JSON.stringify(callFrame({ recording: true, reason: 'nonsense' })));
  assert.equal(f?.t, 'call');
  if (f?.t !== 'call') return;
  assert.equal(f.call.id, kId);
  assert.equal(f.call.recording, true);
  assert.equal(f.call.reason, null, 'unknown reasons are dropped');
  assert.deepEqual(f.call.participants[1], { kind: 'operator', id: 3, name: 'Анна' });
  assert.equal(parseCallFrame(callFrame({ id: 'short' })), null);
  assert.equal(parseCallFrame(callFrame({ state: 'weird' })), null);
  assert.equal(parseCallFrame(callFrame({ from: 'robot' })), null);
  assert.equal(parseCallFrame('{not json'), null);
  assert.equal(parseCallFrame({ t: 'call_answer', call: kId, sdp: '' }), null);
  assert.deepEqual(parseCallFrame({ t: 'call_answer', call: kId, sdp: 'v=0' }), { t: 'call_answer', call: kId, sdp: 'v=0' });
  assert.deepEqual(parseCallFrame({ t: 'call_media_state', call: kId, state: 'connected' }), { t: 'call_media_state', call: kId, state: 'connected', reason: '' });
  assert.equal(parseCallFrame({ t: 'call_media_state', call: kId, state: 'up' }), null);
  assert.deepEqual(parseCallFrame({ t: 'call_media', call: kId, who: { kind: 'operator', id: 3 }, audio: false, video: true }), {
    t: 'call_media',
    call: kId,
    who: { kind: 'operator', id: 3 },
    audio: false,
    video: true,
  });
  assert.equal(parseCallFrame({ t: 'msg', text: 'hi' }), null);
});

test('callFrames: the client frames of protocol.md', () => {
  assert.deepEqual(callFrames.start(true), { t: 'call_start', video: true });
  assert.deepEqual(callFrames.start(false, 7), { t: 'call_start', dialog: 7, video: false });
  assert.deepEqual(callFrames.accept(kId), { t: 'call_accept', call: kId });
  assert.deepEqual(callFrames.decline(kId), { t: 'call_decline', call: kId });
  assert.deepEqual(callFrames.offer(kId, 'v=0'), { t: 'call_offer', call: kId, sdp: 'v=0' });
  assert.deepEqual(callFrames.ice(kId, ''), { t: 'call_ice', call: kId, candidate: '' });
  assert.deepEqual(callFrames.media(kId, false, true), { t: 'call_media', call: kId, audio: false, video: true });
  assert.deepEqual(callFrames.hangup(kId), { t: 'call_hangup', call: kId });
  assert.deepEqual(callFrames.record(kId, true), { t: 'call_record', call: kId, on: true });
});

test('visitor: an operator rings, the visitor accepts, media connects, the call ends', () => {
  let v = run(visitor, [ev(callFrame())]);
  assert.equal(v.phase, 'ringing-in');
  assert.equal(v.leg, false);
  assert.equal(peerName(v.call!, visitor), 'Анна');
  v = run(visitor, [{ t: 'local_accept' }], v);
  assert.equal(v.phase, 'connecting');
  assert.equal(v.leg, true);
  v = run(visitor, [ev(callFrame({ state: 'active', answered: 2000 }))], v);
  assert.equal(v.phase, 'connecting', 'active call, media not up yet');
  v = run(visitor, [ev({ t: 'call_media_state', call: kId, state: 'connected' })], v);
  assert.equal(v.phase, 'active');
  v = run(visitor, [ev({ t: 'call_media', call: kId, who: { kind: 'operator', id: 3 }, audio: false, video: true })], v);
  assert.deepEqual(v.remote['operator:3'], { audio: false, video: true });
  v = run(visitor, [ev(callFrame({ state: 'active', recording: true }))], v);
  assert.equal(v.call?.recording, true);
  assert.equal(v.phase, 'active', 'a state update keeps the media state');
  v = run(visitor, [ev(callFrame({ state: 'ended', reason: 'hangup', ended: 9000 }))], v);
  assert.equal(v.phase, 'ended');
  assert.equal(endReasonKey(v.call!.reason), 'call.end.hangup');
  v = run(visitor, [{ t: 'dismiss' }], v);
  assert.deepEqual(v, kIdleCall);
});

test('visitor: own call rings out in the tab that started it; a decline ends it', () => {
  let v = run(visitor, [{ t: 'local_start' }]);
  assert.equal(v.phase, 'ringing-out');
  assert.equal(v.pending, 'start');
  const mine = { from: 'visitor', participants: [{ kind: 'visitor', id: 42 }] };
  v = run(visitor, [ev(callFrame(mine))], v);
  assert.equal(v.phase, 'ringing-out');
  assert.equal(v.leg, true);
  assert.equal(v.pending, null);
  v = run(visitor, [ev(callFrame({ ...mine, state: 'ended', reason: 'declined' }))], v);
  assert.equal(v.phase, 'ended');
  assert.equal(v.call?.reason, 'declined');
});

test('visitor: another tab of the visitor shows nothing once the call is active elsewhere', () => {
  let v = run(visitor, [ev(callFrame())]);
  assert.equal(v.phase, 'ringing-in');
  v = run(visitor, [ev(callFrame({ state: 'active' }))], v);
  assert.equal(v.phase, 'idle', 'the tab that accepted holds the call');
});

test('operator: a visitor rings every operator; whoever accepts first gets it', () => {
  const ringing = callFrame({ from: 'visitor', participants: [{ kind: 'visitor', id: 42 }] });
  let v = run(anna, [ev(ringing)]);
  assert.equal(v.phase, 'ringing-in');
  // Another operator (5) accepted: the popup goes.
  v = run(anna, [ev(callFrame({ from: 'visitor', state: 'active', participants: [{ kind: 'visitor', id: 42 }, { kind: 'operator', id: 5 }] }))], v);
  assert.equal(v.phase, 'idle');
  // Anna accepts a second call but someone was faster: conflict.
  v = run(anna, [ev(ringing), { t: 'local_accept' }, ev({ t: 'err', code: 'conflict', message: 'taken' })]);
  assert.equal(v.phase, 'idle');
  assert.equal(v.error, 'call.err.conflict');
});

test('operator: another operator’s outgoing call is not shown; own one rings out', () => {
  const bob = callFrame({ participants: [{ kind: 'visitor', id: 42 }, { kind: 'operator', id: 5 }] });
  assert.equal(run(anna, [ev(bob)]).phase, 'idle');
  const v = run(anna, [{ t: 'local_start' }, ev(callFrame())]);
  assert.equal(v.phase, 'ringing-out');
  assert.equal(v.leg, true);
});

test('operator: a second call ringing during a call waits and shows after', () => {
  const ringing = (id: string, visitorId: number) =>
    callFrame({ from: 'visitor', visitor: visitorId, participants: [{ kind: 'visitor', id: visitorId }] }, id);
  let v = run(anna, [ev(ringing(kId, 42)), { t: 'local_accept' }, ev(callFrame({ from: 'visitor', state: 'active' }))]);
  assert.equal(v.phase, 'connecting');
  v = run(anna, [ev(ringing(kOther, 43))], v);
  assert.equal(v.call?.id, kId, 'the call on screen stays');
  assert.ok(v.waiting[kOther]);
  v = run(anna, [ev(callFrame({ from: 'visitor', state: 'ended', reason: 'hangup' })), { t: 'dismiss' }], v);
  assert.equal(v.phase, 'ringing-in');
  assert.equal(v.call?.id, kOther);
  // A waiting call that stops ringing is forgotten.
  v = run(anna, [ev(ringing(kId, 42)), { t: 'local_accept' }, ev(callFrame({ from: 'visitor', state: 'active' })), ev(ringing(kOther, 43))]);
  v = run(anna, [ev(callFrame({ from: 'visitor', visitor: 43, state: 'ended', reason: 'no_answer' }, kOther))], v);
  assert.deepEqual(v.waiting, {});
});

test('errors: media failure and SDP rejection are shown; unrelated errors are ignored', () => {
  let v = run(visitor, [ev(callFrame()), { t: 'local_accept' }, ev(callFrame({ state: 'active' }))]);
  assert.equal(run(visitor, [ev({ t: 'err', code: 'invalid', message: 'x' })], v), v, 'not ours: unchanged');
  v = run(visitor, [ev({ t: 'err', code: 'invalid', message: 'no BUNDLE', field: 'sdp' })], v);
  assert.equal(v.error, 'call.err.media');
  v = run(visitor, [ev({ t: 'call_media_state', call: kId, state: 'failed', reason: 'ice' })], v);
  assert.equal(v.error, 'call.err.media');
  v = run(visitor, [{ t: 'dismiss' }], v);
  assert.equal(v.error, null);
  assert.equal(v.phase, 'connecting', 'dismissing an error keeps the call');
});

test('formatDuration: m:ss under an hour, h:mm:ss after', () => {
  assert.equal(formatDuration(0), '0:00');
  assert.equal(formatDuration(7_999), '0:07');
  assert.equal(formatDuration(155_000), '2:35');
  assert.equal(formatDuration(3_600_000), '1:00:00');
  assert.equal(formatDuration(3_729_000), '1:02:09');
  assert.equal(formatDuration(-5), '0:00');
});

test('mediaErrorKey: permission, missing device, device in use, insecure page', () => {
  const err = (name: string) => Object.assign(new Error(name), { name });
  assert.equal(mediaErrorKey(err('NotAllowedError'), 'mic'), 'call.err.micDenied');
  assert.equal(mediaErrorKey(err('NotFoundError'), 'camera'), 'call.err.cameraMissing');
  assert.equal(mediaErrorKey(err('NotReadableError'), 'camera'), 'call.err.cameraBusy');
  assert.equal(mediaErrorKey(err('NotAllowedError'), 'screen'), 'call.err.screenDenied');
  assert.equal(mediaErrorKey(new TypeError('x'), 'mic'), 'call.err.insecure');
  assert.equal(mediaErrorKey('weird', 'mic'), 'call.err.failed');
  // Every key it can produce has a translation in both languages.
  for (const what of ['mic', 'camera', 'screen'] as const) {
    for (const name of ['NotAllowedError', 'NotFoundError', 'NotReadableError', 'TypeError', 'X']) {
      const key = mediaErrorKey(err(name), what);
      assert.ok(key in callEn && key in callRu, key);
    }
  }
});

test('call i18n: same keys in ru and en, manual captions', () => {
  assert.deepEqual(Object.keys(callRu).sort(), Object.keys(callEn).sort());
  const ru = callTranslator('ru-RU');
  assert.equal(ru('call.accept'), 'Принять');
  assert.equal(ru('call.decline'), 'Отклонить');
  assert.equal(ru('call.startAudio'), 'Позвонить');
  assert.equal(ru('call.recording'), 'Идёт запись');
  assert.equal(callTranslator('en')('call.recording'), 'Recording');
  for (const r of ['hangup', 'declined', 'no_answer', 'failed', 'left', 'busy'] as const) assert.ok(endReasonKey(r) in callEn);
});

test('CallRouter: call frames are kept for a late sink; other frames pass through', () => {
  const seen: (CallSummary | null)[] = [];
  const r = new CallRouter((c) => seen.push(c));
  assert.equal(r.route({ t: 'msg', text: 'hi' }), false);
  assert.equal(r.route(callFrame()), true);
  assert.deepEqual(seen.at(-1), { id: kId, state: 'ringing', from: 'operator' });
  const got: unknown[] = [];
  r.attach((f) => got.push(f));
  assert.equal(got.length, 1, 'the live call is replayed');
  assert.equal(r.route({ t: 'call_answer', call: kId, sdp: 'v=0' }), true);
  assert.equal(r.route({ t: 'err', code: 'conflict', message: '' }), false, 'errors still reach the chat');
  assert.equal(r.route({ t: 'err', cid: 'c1', code: 'limit', message: '' }), false);
  assert.equal(got.length, 3, 'answer and the cid-less err reach the call code, the message error does not');
  r.route(callFrame({ state: 'ended', reason: 'hangup' }));
  assert.equal(seen.at(-1), null);
});

test('screen request (F25): parsed, sent, and asked only in the visitor tab holding a running call', () => {
  assert.deepEqual(callFrames.screenRequest(kId), { t: 'call_screen_request', call: kId });
  const ask = { t: 'call_screen_request', call: kId, from: { kind: 'operator', id: 3, name: 'Анна' } };
  assert.deepEqual(parseCallFrame(ask), { t: 'call_screen_request', call: kId, from: 'Анна' });
  assert.deepEqual(parseCallFrame({ t: 'call_screen_request', call: kId }), { t: 'call_screen_request', call: kId, from: '' });
  assert.equal(parseCallFrame({ t: 'call_screen_request' }), null);

  const ringing = run(visitor, [ev(callFrame())]);
  assert.equal(run(visitor, [ev(ask)], ringing).screenAsk, null, 'not while ringing');
  const other = run(visitor, [ev(callFrame({ state: 'active' }))]);
  assert.equal(run(visitor, [ev(ask)], other).screenAsk, null, 'not in a tab without the leg');
  let v = run(visitor, [ev(callFrame()), { t: 'local_accept' }, ev(callFrame({ state: 'active' }))]);
  assert.equal(run(visitor, [ev({ ...ask, call: kOther })], v).screenAsk, null, 'not for another call');
  v = run(visitor, [ev(ask)], v);
  assert.deepEqual(v.screenAsk, { from: 'Анна' });
  assert.deepEqual(run(visitor, [ev(callFrame({ state: 'active', recording: true }))], v).screenAsk, { from: 'Анна' }, 'kept across updates');
  assert.equal(run(visitor, [{ t: 'local_screen_answered' }], v).screenAsk, null);
  assert.equal(run(visitor, [ev({ t: 'call_moved', call: kId })], v).screenAsk, null);
  assert.equal(run(visitor, [ev(callFrame({ state: 'ended', reason: 'hangup' })), { t: 'dismiss' }], v).screenAsk, null);
  // An operator's tab never asks its operator.
  const op = run(anna, [{ t: 'local_start' }, ev(callFrame()), ev(callFrame({ state: 'active' }))]);
  assert.equal(run(anna, [ev(ask)], op).screenAsk, null);
});

test('remoteMuted: the other side turned its microphone off', () => {
  let v = run(anna, [{ t: 'local_start' }, ev(callFrame()), ev(callFrame({ state: 'active' }))]);
  assert.equal(remoteMuted(v), false, 'nothing known yet');
  v = run(anna, [ev({ t: 'call_media', call: kId, who: { kind: 'visitor', id: 42 }, audio: false, video: true })], v);
  assert.equal(remoteMuted(v), true);
  v = run(anna, [ev({ t: 'call_media', call: kId, who: { kind: 'visitor', id: 42 }, audio: true, video: true })], v);
  assert.equal(remoteMuted(v), false);
});

test('remoteCameraOff: the other side said its camera is off', () => {
  let v = run(anna, [{ t: 'local_start' }, ev(callFrame()), ev(callFrame({ state: 'active' }))]);
  assert.equal(remoteCameraOff(v), false, 'nothing known yet: the picture decides');
  v = run(anna, [ev({ t: 'call_media', call: kId, who: { kind: 'visitor', id: 42 }, audio: true, video: false })], v);
  assert.equal(remoteCameraOff(v), true);
  v = run(anna, [ev({ t: 'call_media', call: kId, who: { kind: 'visitor', id: 42 }, audio: true, video: true })], v);
  assert.equal(remoteCameraOff(v), false);
});

test('F18: a ringing call answered on the phone from this tab’s QR code shows as going on elsewhere', () => {
  const link = { t: 'call_device_link', call: kId, url: 'https://chat.example/app/call/' + 'c'.repeat(64), expires: 5000 };
  const active = callFrame({ state: 'active', answered: 2000 });
  // The widget asked for a link while ringing; the phone accepted: «Вернуть звонок сюда» is offered.
  const withLink = run(visitor, [ev(callFrame()), ev(link)]);
  assert.equal(withLink.phase, 'ringing-in');
  assert.equal(withLink.deviceLink?.url, link.url);
  const v = run(visitor, [ev(active)], withLink);
  assert.equal(v.phase, 'elsewhere');
  assert.equal(v.elsewhere, true);
  assert.equal(v.leg, false);
  // Later frames of the call keep it there; its end ends it.
  assert.equal(run(visitor, [ev(active)], v).phase, 'elsewhere');
  assert.equal(run(visitor, [ev(callFrame({ state: 'ended', reason: 'hangup' }))], v).phase, 'ended');
  // Another tab of the visitor (no link asked) just stops ringing.
  assert.equal(run(visitor, [ev(callFrame()), ev(active)]).phase, 'idle');
});

test('F25: the refusal of a screen request reaches the operator’s call; call_media carries who shares', () => {
  assert.deepEqual(parseCallFrame({ t: 'call_screen_declined', call: kId }), { t: 'call_screen_declined', call: kId });
  assert.equal(parseCallFrame({ t: 'call_screen_declined' }), null);
  assert.deepEqual(callFrames.screenDecline(kId), { t: 'call_screen_decline', call: kId });
  assert.deepEqual(callFrames.media(kId, true, false, true), { t: 'call_media', call: kId, audio: true, video: false, screen: true });
  const inCall: CallView = { ...kIdleCall, call: (ev(callFrame({ state: 'active' })) as { call: CallView['call'] }).call, phase: 'active', leg: true, media: 'connected' };
  assert.equal(reduceCall(inCall, ev({ t: 'call_screen_declined', call: kId }), anna).error, 'call.screenDeclined');
  assert.equal(reduceCall(inCall, ev({ t: 'call_screen_declined', call: kOther }), anna).error, null, 'another call’s');
  assert.ok(callEn['call.screenDeclined'] && callRu['call.screenDeclined'] && callEn['call.answerOnMyPhone'] && callRu['call.answerOnMyPhone']);
});
