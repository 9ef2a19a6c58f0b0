// Multi-party calls (F18) in the shared call code: call_renegotiate adds one recvonly slot
// (audio, camera, screen) per extra participant and offers again on the same PeerConnection
// (waiting for an offer still out), and the reducer's invitation ring, invitable list and leave.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CallSession, type CallMediaDeps } from '../../src/shared/call_session.ts';
import { kIdleCall, kInviteCid, parseCallFrame, peerOf, reduceCall, sharesScreen, type CallInfo, type CallView, type Me } from '../../src/shared/call_model.ts';

const kId = 'd'.repeat(32);

class Track extends EventTarget {
  muted = false;
  constructor(readonly kind: string) {
    super();
  }
  stop() {}
}
class Peer {
  transceivers: { kind: string; direction: string; receiver: { track: Track }; sender: { replaceTrack: () => Promise<void> } }[] = [];
  signalingState = 'stable';
  offers = 0;
  onicecandidate = null;
  onconnectionstatechange = null;
  addTransceiver(kind: string, init: { direction: string }) {
    const t = { kind, direction: init.direction, receiver: { track: new Track(kind) }, sender: { replaceTrack: async () => {} } };
    this.transceivers.push(t);
    return t;
  }
  async createOffer() {
    return { type: 'offer', sdp: `offer ${++this.offers}` };
  }
  async setLocalDescription() {
    this.signalingState = 'have-local-offer';
  }
  get localDescription() {
    return { sdp: `offer ${this.offers}` };
  }
  async setRemoteDescription() {
    this.signalingState = 'stable';
  }
  close() {}
}

function make() {
  const peers: Peer[] = [];
  const sent: Record<string, unknown>[] = [];
  const deps = {
    createPeer: () => {
      const p = new Peer();
      peers.push(p);
      return p as unknown as RTCPeerConnection;
    },
    createStream: (tracks: MediaStreamTrack[]) => ({ tracks }) as unknown as MediaStream,
  } as unknown as CallMediaDeps;
  const s = new CallSession({ call: kId, video: true, deps, send: (f) => sent.push(f), changed: () => {} });
  return { s, peer: peers[0]!, sent };
}

const anna = { kind: 'operator' as const, id: 3, name: 'Анна' };
const boris = { kind: 'operator' as const, id: 5, name: 'Борис' };
const visitor = { kind: 'visitor' as const, id: 42, name: '' };

test('renegotiate: one recvonly audio+camera+screen set per extra slot, then a new offer', async () => {
  const { s, peer, sent } = make();
  assert.equal(peer.transceivers.length, 3);
  await s.renegotiate([visitor]);  // 1:1: nothing to add, no offer
  assert.equal(peer.transceivers.length, 3);
  assert.equal(sent.filter((f) => f.t === 'call_offer').length, 0);
  await s.renegotiate([visitor, boris]);
  assert.deepEqual(peer.transceivers.slice(3).map((t) => `${t.kind}/${t.direction}`), ['audio/recvonly', 'video/recvonly', 'video/recvonly']);
  assert.equal(s.extra.length, 1);
  assert.deepEqual(sent.at(-1), { t: 'call_offer', call: kId, sdp: 'offer 1' });
  assert.deepEqual(s.slots, [visitor, boris]);
  // Each call_renegotiate also re-tells this side's media state, so a newcomer knows at once who
  // shares a screen.
  assert.deepEqual(sent.filter((f) => f.t === 'call_media').at(-1), { t: 'call_media', call: kId, audio: false, video: false, screen: false });
  assert.equal(sent.filter((f) => f.t === 'call_media').length, 2);
});

test('renegotiate waits for an offer still out, then offers once its answer is in', async () => {
  const { s, peer, sent } = make();
  await s.offer();
  await s.renegotiate([visitor, boris, anna]);
  assert.equal(peer.transceivers.length, 3, 'nothing added while an offer is out');
  await s.answer('answer');
  assert.equal(peer.transceivers.length, 9);
  assert.equal(sent.filter((f) => f.t === 'call_offer').length, 2);
  // A slot freed (null) keeps its transceivers: nothing to renegotiate.
  await s.renegotiate([visitor, null, anna]);
  assert.equal(peer.transceivers.length, 9);
  assert.equal(sent.filter((f) => f.t === 'call_offer').length, 2);
});

const me: Me = { kind: 'operator', id: 5 } as Me;
function call(participants: unknown[]): CallInfo {
  const f = parseCallFrame({ t: 'call', call: { id: kId, dialog: 7, site: 'shop', visitor: 42, from: 'operator', video: true, state: 'active', recording: false, participants, ringing: [], started: 1, answered: 2, ended: null, reason: null } });
  assert.ok(f && f.t === 'call');
  return f.call;
}

test('an invitation rings, survives call updates, and joining makes the leg', () => {
  const info = call([{ kind: 'visitor', id: 42 }, { kind: 'operator', id: 3, name: 'Анна' }]);
  const f = parseCallFrame({ t: 'call_invite', call: { ...info, participants: info.participants }, from: { id: 3, name: 'Анна' } });
  assert.ok(f && f.t === 'call_invite');
  let v = reduceCall(kIdleCall, f, me);
  assert.equal(v.phase, 'ringing-in');
  assert.equal(v.invitedBy, 'Анна');
  v = reduceCall(v, { t: 'call', call: { ...info, recording: true } }, me);
  assert.equal(v.phase, 'ringing-in', 'still ringing');
  v = reduceCall(v, { t: 'local_accept' }, me);
  v = reduceCall(v, { t: 'call', call: { ...info, participants: [...info.participants, { kind: 'operator', id: 5, name: 'Борис' }] } }, me);
  assert.equal(v.phase, 'connecting');
  assert.ok(v.leg);
  v = reduceCall(v, parseCallFrame({ t: 'call_left', call: kId })!, me);
  assert.equal(v.phase, 'idle');
});

test('frames: invitable list, renegotiate slots (bounded), expired invitation', () => {
  const list = parseCallFrame({ t: 'call_invitable', call: kId, operators: [{ id: 5, name: 'Борис' }, { id: 'x' }] });
  assert.deepEqual(list, { t: 'call_invitable', call: kId, operators: [{ id: 5, name: 'Борис' }] });
  const r = parseCallFrame({ t: 'call_renegotiate', call: kId, slots: [{ kind: 'visitor', id: 42 }, null, { kind: 'operator', id: 3, name: 'Анна' }] });
  assert.ok(r && r.t === 'call_renegotiate' && r.slots[1] === null && r.slots[2]?.name === 'Анна');
  assert.equal(parseCallFrame({ t: 'call_renegotiate', call: kId, slots: [null, null, null, null] }), null);
  const info = call([{ kind: 'visitor', id: 42 }]);
  let v = reduceCall(kIdleCall, { t: 'call_invite', call: info, from: 'Анна' }, me);
  v = reduceCall(v, parseCallFrame({ t: 'call_invite_state', call: kId, operator: 5, state: 'expired' })!, me);
  assert.equal(v.phase, 'idle');
});

test('an invitee who went away or offline stops ringing (call_invite_state offline)', () => {
  const info = call([{ kind: 'visitor', id: 42 }]);
  let v = reduceCall(kIdleCall, { t: 'call_invite', call: info, from: 'Анна' }, me);
  v = reduceCall(v, parseCallFrame({ t: 'call_invite_state', call: kId, operator: 5, state: 'ringing' })!, me);
  assert.equal(v.phase, 'ringing-in', 'ringing is no reason to stop');
  v = reduceCall(v, parseCallFrame({ t: 'call_invite_state', call: kId, operator: 5, state: 'offline' })!, me);
  assert.equal(v.phase, 'idle');
});

test('call_media screen: who shares is known at once, and unknown until said', () => {
  const f = parseCallFrame({ t: 'call_media', call: kId, who: { kind: 'operator', id: 3 }, audio: true, video: true, screen: true });
  assert.deepEqual(f, { t: 'call_media', call: kId, who: { kind: 'operator', id: 3 }, audio: true, video: true, screen: true });
  assert.equal((parseCallFrame({ t: 'call_media', call: kId, who: { kind: 'operator', id: 3 }, screen: 'yes' }) as { screen?: boolean }).screen, undefined);
  const info = call([{ kind: 'visitor', id: 42 }, { kind: 'operator', id: 3, name: 'Анна' }, { kind: 'operator', id: 5, name: 'Борис' }]);
  let v: CallView = { ...kIdleCall, call: info, phase: 'active', leg: true };
  const anna = { kind: 'operator' as const, id: 3 };
  const visitor = { kind: 'visitor' as const, id: 42 };
  assert.equal(sharesScreen(v, anna), null, 'not said yet: the picture decides');
  v = reduceCall(v, f!, me);
  assert.equal(sharesScreen(v, anna), true);
  assert.equal(sharesScreen(v, visitor), null);
  v = reduceCall(v, parseCallFrame({ t: 'call_media', call: kId, who: anna, audio: true, video: true, screen: false })!, me);
  assert.equal(sharesScreen(v, anna), false, 'stopped: hidden at once, no waiting for frames to stop');
  assert.equal(sharesScreen(v, null), null);
  // Another call's frame changes nothing.
  v = reduceCall(v, parseCallFrame({ t: 'call_media', call: 'e'.repeat(32), who: visitor, audio: true, video: true, screen: true })!, me);
  assert.equal(sharesScreen(v, visitor), null);
  // The other side of a two-party call.
  assert.deepEqual(peerOf(call([{ kind: 'visitor', id: 42 }, { kind: 'operator', id: 5 }]), me), { kind: 'visitor', id: 42 });
});

test('the screens of extra slots are watched too: remoteLive.screen1 once frames come', async () => {
  const { s, peer } = make();
  await s.renegotiate([visitor, boris, anna]);
  assert.equal(s.extra.length, 2);
  assert.equal(s.remoteLive.screen1 ?? false, false);
  // Slot 1's screen is the 2nd video transceiver of its set (audio, camera, screen).
  const screen1 = peer.transceivers[5]!;
  assert.equal(screen1.kind, 'video');
  assert.equal((s.extra[0]!.screen as unknown as { tracks: Track[] }).tracks[0], screen1.receiver.track);
  screen1.receiver.track.dispatchEvent(new Event('unmute'));
  for (let i = 0; i < 20 && !s.remoteLive.screen1; i++) await new Promise((r) => setTimeout(r, 5));
  assert.equal(s.remoteLive.screen1, true);
  assert.equal(s.remoteLive.screen2 ?? false, false, 'slot 2 sent nothing');
  screen1.receiver.track.dispatchEvent(new Event('mute'));
  assert.equal(s.remoteLive.screen1, false);
  s.close();
});


test('the inviter: the list closes on a pick, then ringing, accepted (never back to ringing)', () => {
  const info = call([{ kind: 'visitor', id: 42 }, { kind: 'operator', id: 5, name: 'Борис' }]);
  let v: CallView = { ...kIdleCall, call: info, phase: 'active', leg: true };
  v = reduceCall(v, parseCallFrame({ t: 'call_invitable', call: kId, operators: [{ id: 3, name: 'Анна' }, { id: 6, name: 'Вера' }] })!, me);
  assert.equal(v.invitable?.length, 2);
  v = reduceCall(v, { t: 'local_invite', operator: 3, name: 'Анна' }, me);
  assert.equal(v.invitable, null, 'the list closes on a pick');
  assert.deepEqual(v.invites, [{ id: 3, name: 'Анна', state: 'sent' }]);
  const state = (operator: number, s: string, id = kId) => parseCallFrame({ t: 'call_invite_state', call: id, operator, state: s })!;
  v = reduceCall(v, state(3, 'ringing'), me);
  assert.equal(v.invites?.[0]?.state, 'ringing');
  assert.equal(v.phase, 'active', 'the inviter stays in the call');
  // Another call's frame, an invitation of another operator of the call, an unknown state: nothing.
  for (const f of [state(3, 'accepted', 'e'.repeat(32)), state(6, 'declined'), state(3, 'bogus')]) {
    assert.equal(reduceCall(v, f, me), v);
  }
  v = reduceCall(v, { t: 'call', call: { ...info, participants: [...info.participants, { kind: 'operator', id: 3, name: 'Анна' }] } }, me);
  v = reduceCall(v, state(3, 'accepted'), me);
  assert.deepEqual(v.invites, [{ id: 3, name: 'Анна', state: 'accepted' }], 'kept through call updates');
  assert.equal(reduceCall(v, state(3, 'ringing'), me).invites?.[0]?.state, 'accepted');
  v = reduceCall(v, { t: 'local_invite_dismiss', operator: 3 }, me);
  assert.deepEqual(v.invites, []);
});

test('the inviter: declined, no answer, offline, and an invitation the daemon refused', () => {
  const info = call([{ kind: 'visitor', id: 42 }, { kind: 'operator', id: 5, name: 'Борис' }]);
  let v: CallView = { ...kIdleCall, call: info, phase: 'active', leg: true };
  for (const [id, name] of [[3, 'Анна'], [6, 'Вера'], [7, 'Глеб']] as const) v = reduceCall(v, { t: 'local_invite', operator: id, name }, me);
  v = reduceCall(v, parseCallFrame({ t: 'call_invite_state', call: kId, operator: 3, state: 'declined' })!, me);
  v = reduceCall(v, parseCallFrame({ t: 'call_invite_state', call: kId, operator: 6, state: 'expired' })!, me);
  assert.deepEqual(v.invites?.map((i) => i.state), ['declined', 'expired', 'sent']);
  // An err of something else (no cid, or another request's) leaves the invitations alone.
  for (const f of [{ t: 'err', code: 'invalid', message: 'x' }, { t: 'err', code: 'invalid', message: 'x', cid: 'm-1' }]) {
    assert.deepEqual(reduceCall(v, parseCallFrame(f)!, me).invites, v.invites);
  }
  // The daemon refuses a call_invite (already in a call, call full) with an err carrying its cid.
  v = reduceCall(v, parseCallFrame({ t: 'err', code: 'conflict', message: 'that operator is already in a call', cid: `${kInviteCid}7` })!, me);
  assert.deepEqual(v.invites?.map((i) => i.state), ['declined', 'expired', 'failed']);
  assert.equal(v.phase, 'active');
  // Invited again: the old entry is replaced, not duplicated.
  v = reduceCall(v, { t: 'local_invite', operator: 3, name: 'Анна' }, me);
  v = reduceCall(v, parseCallFrame({ t: 'call_invite_state', call: kId, operator: 3, state: 'offline' })!, me);
  assert.deepEqual(v.invites?.map((i) => `${i.id}:${i.state}`), ['6:expired', '7:failed', '3:offline']);
  // A new call starts clean.
  v = reduceCall(v, { t: 'call', call: { ...info, state: 'ended', reason: 'hangup', ended: 9 } }, me);
  v = reduceCall(v, { t: 'local_start' }, me);
  assert.equal(v.invites, undefined);
});
