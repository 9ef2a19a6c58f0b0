// The WebRTC leg (shared/call_session.ts) and the call controller (shared/call_controller.ts)
// against fake browser media APIs: transceiver layout, offer/answer/trickle frames, camera and
// microphone refusals, mute/camera/device/screen changes by replaceTrack, and the call flow.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CallMediaError, CallSession, type CallMediaDeps } from '../../src/shared/call_session.ts';
import { CallController } from '../../src/shared/call_controller.ts';
import type { Me } from '../../src/shared/call_model.ts';
import { callTranslator as callTranslatorFor } from '../../src/shared/call_i18n.ts';

const kId = 'c'.repeat(32);

class FakeTrack extends EventTarget {
  enabled = true;
  stopped = false;
  constructor(
    readonly kind: 'audio' | 'video',
    readonly label: string,
  ) {
    super();
  }
  stop() {
    this.stopped = true;
  }
  getSettings() {
    return { deviceId: this.label };
  }
}

class FakeStream {
  constructor(private readonly tracks: FakeTrack[]) {}
  getTracks() {
    return this.tracks;
  }
  getAudioTracks() {
    return this.tracks.filter((t) => t.kind === 'audio');
  }
  getVideoTracks() {
    return this.tracks.filter((t) => t.kind === 'video');
  }
}

class FakeTransceiver {
  readonly receiver: { track: FakeTrack };
  readonly sender = {
    track: null as FakeTrack | null,
    replaceTrack: async (t: FakeTrack | null) => {
      this.sender.track = t;
    },
  };
  constructor(
    readonly kind: 'audio' | 'video',
    readonly direction: string,
  ) {
    this.receiver = { track: new FakeTrack(kind, 'remote-' + kind) };
  }
}

class FakePeer {
  transceivers: FakeTransceiver[] = [];
  signalingState = 'stable';
  localDescription: { sdp: string } | null = null;
  remote: { type: string; sdp: string } | null = null;
  closed = false;
  onicecandidate: ((e: { candidate: { candidate: string } | null }) => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;
  constructor(readonly config: RTCConfiguration) {}
  addTransceiver(kind: 'audio' | 'video', init: { direction: string }) {
    const t = new FakeTransceiver(kind, init.direction);
    this.transceivers.push(t);
    return t;
  }
  async createOffer() {
    return { type: 'offer', sdp: 'v=0 offer' };
  }
  async setLocalDescription(d: { sdp: string }) {
    this.localDescription = d;
    this.signalingState = 'have-local-offer';
  }
  async setRemoteDescription(d: { type: string; sdp: string }) {
    this.remote = d;
    this.signalingState = 'stable';
  }
  async getStats() {
    return new Map([['x', { type: 'outbound-rtp' }]]);
  }
  close() {
    this.closed = true;
  }
}

interface Env {
  deps: CallMediaDeps;
  peers: FakePeer[];
  asked: MediaStreamConstraints[];
  /** getUserMedia refuses: by constraint kind ('video' = any request with video, 'audio' = audio-only). */
  refuse: { video?: string; audio?: string };
  tracks: FakeTrack[];
}

function env(): Env {
  const e: Env = { peers: [], asked: [], refuse: {}, tracks: [], deps: null as unknown as CallMediaDeps };
  const make = (kind: 'audio' | 'video', label: string) => {
    const t = new FakeTrack(kind, label);
    e.tracks.push(t);
    return t;
  };
  e.deps = {
    createPeer: (config) => {
      const p = new FakePeer(config);
      e.peers.push(p);
      return p as unknown as RTCPeerConnection;
    },
    getUserMedia: async (c) => {
      e.asked.push(c);
      const refusal = c.video ? e.refuse.video : e.refuse.audio;
      if (refusal) throw Object.assign(new Error(refusal), { name: refusal });
      const tracks: FakeTrack[] = [];
      const id = (x: unknown) => ((x as { deviceId?: { exact: string } })?.deviceId?.exact ?? 'default');
      if (c.audio) tracks.push(make('audio', 'mic-' + id(c.audio)));
      if (c.video) tracks.push(make('video', 'cam-' + id(c.video)));
      return new FakeStream(tracks) as unknown as MediaStream;
    },
    getDisplayMedia: async () => new FakeStream([make('video', 'screen')]) as unknown as MediaStream,
    enumerateDevices: async () =>
      [
        { kind: 'audioinput', deviceId: 'm1', label: 'Mic 1' },
        { kind: 'audioinput', deviceId: 'm2', label: '' },
        { kind: 'videoinput', deviceId: 'v1', label: 'Cam' },
      ] as MediaDeviceInfo[],
    createStream: (tracks) => new FakeStream(tracks as unknown as FakeTrack[]) as unknown as MediaStream,
  };
  return e;
}

function session(e: Env, video: boolean, sent: Record<string, unknown>[]) {
  return new CallSession({ call: kId, video, deps: e.deps, send: (f) => sent.push(f), changed: () => {} });
}

const senderTrack = (p: FakePeer, i: number) => p.transceivers[i]!.sender.track;
const tick = () => new Promise((r) => setImmediate(r));

test('session: audio, camera, screen transceivers, all sendrecv; offer and trickle frames', async () => {
  const e = env();
  const sent: Record<string, unknown>[] = [];
  const s = session(e, true, sent);
  const p = e.peers[0]!;
  assert.deepEqual(
    p.transceivers.map((t) => [t.kind, t.direction]),
    [
      ['audio', 'sendrecv'],
      ['video', 'sendrecv'],
      ['video', 'sendrecv'],
    ],
  );
  assert.deepEqual(p.config, { iceServers: [] });
  await s.acquire();
  assert.deepEqual(e.asked, [{ audio: true, video: true }]);
  assert.equal(senderTrack(p, 0)?.label, 'mic-default');
  assert.equal(senderTrack(p, 1)?.label, 'cam-default');
  assert.equal(senderTrack(p, 2), null, 'no screen until shared');
  assert.deepEqual(s.state, { audio: true, video: true, screen: false, cameraError: null });
  await s.offer();
  assert.deepEqual(sent.shift(), { t: 'call_offer', call: kId, sdp: 'v=0 offer' });
  p.onicecandidate!({ candidate: { candidate: 'candidate:1 1 udp 1 10.0.0.1 5000 typ host' } });
  p.onicecandidate!({ candidate: null });
  assert.deepEqual(sent, [
    { t: 'call_ice', call: kId, candidate: 'candidate:1 1 udp 1 10.0.0.1 5000 typ host' },
    { t: 'call_ice', call: kId, candidate: '' },
  ]);
  await s.answer('v=0 answer');
  assert.deepEqual(p.remote, { type: 'answer', sdp: 'v=0 answer' });
  assert.ok((await s.getStats()).has('x'), 'getStats passes through');
  s.close();
  assert.ok(p.closed);
  assert.ok(e.tracks.every((t) => t.stopped), 'local tracks stopped on close');
});

test('session: a refused camera leaves an audio-only call with the reason; a refused microphone throws', async () => {
  const e = env();
  e.refuse.video = 'NotAllowedError';
  const s = session(e, true, []);
  await s.acquire();
  assert.deepEqual(e.asked, [{ audio: true, video: true }, { audio: true }]);
  assert.deepEqual(s.state, { audio: true, video: false, screen: false, cameraError: 'call.err.cameraDenied' });
  assert.equal(senderTrack(e.peers[0]!, 1), null);

  const e2 = env();
  e2.refuse = { video: 'NotFoundError', audio: 'NotReadableError' };
  const s2 = session(e2, true, []);
  await assert.rejects(s2.acquire(), (err: unknown) => err instanceof CallMediaError && err.key === 'call.err.micBusy');
});

test('session: mute, camera off/on, device switch and screen share without renegotiation', async () => {
  const e = env();
  const sent: Record<string, unknown>[] = [];
  const s = session(e, true, sent);
  const p = e.peers[0]!;
  await s.acquire();
  const mic = senderTrack(p, 0)!;
  s.setMuted(true);
  assert.equal(mic.enabled, false);
  assert.deepEqual(sent.pop(), { t: 'call_media', call: kId, audio: false, video: true, screen: false });
  const cam = senderTrack(p, 1)!;
  await s.setCamera(false);
  assert.equal(senderTrack(p, 1), null);
  assert.ok(cam.stopped);
  assert.deepEqual(sent.pop(), { t: 'call_media', call: kId, audio: false, video: false, screen: false });
  await s.useDevice('audioinput', 'm2');
  assert.equal(senderTrack(p, 0)?.label, 'mic-m2');
  assert.equal(senderTrack(p, 0)?.enabled, false, 'the new microphone stays muted');
  assert.ok(mic.stopped);
  await s.setCamera(true);
  assert.equal(senderTrack(p, 1)?.label, 'cam-default');
  await s.useDevice('videoinput', 'v1');
  assert.equal(senderTrack(p, 1)?.label, 'cam-v1');
  await s.setScreen(true);
  const screen = senderTrack(p, 2)!;
  assert.equal(screen.label, 'screen');
  assert.equal(s.state.screen, true);
  screen.dispatchEvent(new Event('ended')); // the browser's "Stop sharing"
  await new Promise((r) => setImmediate(r));
  assert.equal(senderTrack(p, 2), null);
  assert.equal(s.state.screen, false);
  assert.equal(p.transceivers.length, 3, 'no transceiver was ever added');
  assert.equal(sent.filter((f) => f.t === 'call_offer').length, 0, 'no new offer');
  assert.deepEqual(
    (await s.listDevices('audioinput')).map((d) => d.label),
    ['Mic 1', 'audioinput 2'],
  );
});

test('session: a remote video counts as shown once it decodes frames, not on a lone probe packet', async () => {
  const e = env();
  const s = session(e, false, []);
  const remote = e.peers[0]!.transceivers[1]!.receiver as { track: FakeTrack; getStats?: () => Promise<Map<string, unknown>> };
  let frames = 0;
  remote.getStats = async () => new Map([['in', { type: 'inbound-rtp', framesDecoded: frames }]]);
  remote.track.dispatchEvent(new Event('unmute'));
  await tick();
  assert.equal(s.remoteLive.camera, false, 'RTP but no decoded frame yet');
  frames = 3;
  const deadline = Date.now() + 2000;
  while (!s.remoteLive.camera && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(s.remoteLive.camera, true);
  remote.track.dispatchEvent(new Event('mute'));
  assert.equal(s.remoteLive.camera, false);
  await tick();
  // A probe packet after the camera went off: no new frames, stays off.
  remote.track.dispatchEvent(new Event('unmute'));
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(s.remoteLive.camera, false);
  s.close();
});

function controller(e: Env, me: Me) {
  const sent: Record<string, unknown>[] = [];
  const exposed: (CallSession | null)[] = [];
  const rings: (string | null)[] = [];
  const c = new CallController({
    me: () => me,
    send: (f) => {
      sent.push(f);
      return true;
    },
    media: e.deps,
    exposeSession: (s) => exposed.push(s),
    ring: (k) => rings.push(k),
    setTimer: () => 0,
    clearTimer: () => {},
  });
  return { c, sent, exposed, rings };
}


function frame(state: string, from: string, participants: unknown[], extra: Record<string, unknown> = {}) {
  return { t: 'call', call: { id: kId, dialog: 7, site: 'shop', visitor: 42, from, video: false, state, recording: false, participants, started: 1, answered: null, ended: null, reason: null, ...extra } };
}

test('controller: the visitor calls; the offer goes once the call is active; the end closes the leg', async () => {
  const e = env();
  const { c, sent, exposed } = controller(e, { kind: 'visitor' });
  await c.start(false);
  assert.deepEqual(sent, [{ t: 'call_start', video: false }]);
  assert.equal(c.view.phase, 'ringing-out');
  const parts = [{ kind: 'visitor', id: 42 }];
  c.handleFrame(JSON.stringify(frame('ringing', 'visitor', parts)));
  assert.equal(c.session?.callId, kId, 'the session learns its call id');
  c.handleFrame(frame('active', 'visitor', [...parts, { kind: 'operator', id: 3, name: 'Анна' }]));
  assert.equal(c.view.phase, 'connecting');
  await tick();
  assert.deepEqual(sent[1], { t: 'call_offer', call: kId, sdp: 'v=0 offer' });
  assert.deepEqual(sent[2], { t: 'call_media', call: kId, audio: true, video: false, screen: false });
  c.handleFrame({ t: 'call_answer', call: kId, sdp: 'v=0 answer' });
  await tick();
  assert.deepEqual(e.peers[0]!.remote, { type: 'answer', sdp: 'v=0 answer' });
  c.handleFrame({ t: 'call_media_state', call: kId, state: 'connected' });
  assert.equal(c.view.phase, 'active');
  assert.ok(c.activeSince !== null);
  c.handleFrame(frame('ended', 'visitor', parts, { reason: 'hangup' }));
  assert.equal(c.view.phase, 'ended');
  assert.ok(e.peers[0]!.closed);
  assert.equal(c.session, null);
  assert.equal(exposed.at(-1), null);
});

test('controller: an incoming call rings; a refused microphone keeps it ringing with the reason', async () => {
  const e = env();
  e.refuse.audio = 'NotAllowedError';
  const { c, sent, rings } = controller(e, { kind: 'operator', id: 3 });
  c.handleFrame(frame('ringing', 'visitor', [{ kind: 'visitor', id: 42 }]));
  assert.equal(c.view.phase, 'ringing-in');
  assert.equal(rings.at(-1), 'in');
  await c.accept(false);
  assert.equal(c.view.phase, 'ringing-in');
  assert.equal(c.view.error, 'call.err.micDenied');
  assert.equal(sent.length, 0, 'nothing accepted');
  e.refuse = {};
  await c.accept(false);
  assert.deepEqual(sent, [{ t: 'call_accept', call: kId }]);
  assert.equal(rings.at(-1), null, 'the ring stops');
  c.handleFrame(frame('active', 'visitor', [{ kind: 'visitor', id: 42 }, { kind: 'operator', id: 3 }]));
  await tick();
  assert.equal(sent[1]?.t, 'call_offer');
  c.setRecording(true);
  assert.deepEqual(sent.at(-1), { t: 'call_record', call: kId, on: true });
  c.hangup();
  assert.deepEqual(sent.at(-1), { t: 'call_hangup', call: kId });
  assert.equal(c.view.phase, 'ended');
  assert.ok(e.peers[e.peers.length - 1]!.closed);
});

test('controller: declining sends call_decline and clears the popup', () => {
  const e = env();
  const { c, sent } = controller(e, { kind: 'visitor' });
  c.handleFrame(frame('ringing', 'operator', [{ kind: 'visitor', id: 42 }, { kind: 'operator', id: 3 }]));
  c.decline();
  assert.deepEqual(sent, [{ t: 'call_decline', call: kId }]);
  assert.equal(c.view.phase, 'idle');
});

test('controller: a camera refused when accepting with video is explained; the call goes on audio-only', async () => {
  const e = env();
  e.refuse.video = 'NotAllowedError';
  const { c, sent } = controller(e, { kind: 'visitor' });
  const parts = [{ kind: 'visitor', id: 42 }, { kind: 'operator', id: 3, name: 'Анна' }];
  c.handleFrame(frame('ringing', 'operator', parts, { video: true }));
  await c.accept(true);
  assert.deepEqual(sent, [{ t: 'call_accept', call: kId }], 'accepted anyway');
  assert.equal(c.view.error, 'call.err.cameraDenied');
  c.handleFrame(frame('active', 'operator', parts, { video: true }));
  await tick();
  assert.equal(c.view.error, 'call.err.cameraDenied', 'the explanation stays while the call starts');
  assert.deepEqual(sent.at(-1), { t: 'call_media', call: kId, audio: true, video: false, screen: false });

  // The visitor's own video call: the reason outlives the first `call` frame too.
  const e2 = env();
  e2.refuse.video = 'NotAllowedError';
  const v = controller(e2, { kind: 'visitor' });
  await v.c.start(true);
  assert.deepEqual(v.sent, [{ t: 'call_start', video: true }]);
  v.c.handleFrame(frame('ringing', 'visitor', [{ kind: 'visitor', id: 42 }], { video: true }));
  assert.equal(v.c.view.phase, 'ringing-out');
  assert.equal(v.c.view.error, 'call.err.cameraDenied');
});

test('controller: an operator asks for the screen; the visitor shares only after «Показать»', async () => {
  const e = env();
  const parts = [{ kind: 'visitor', id: 42 }, { kind: 'operator', id: 3, name: 'Анна' }];
  const op = controller(e, { kind: 'operator', id: 3 });
  op.c.requestScreen();
  assert.deepEqual(op.sent, [], 'no call, nothing asked');
  await op.c.start(true, 7);
  op.c.handleFrame(frame('ringing', 'operator', parts));
  op.c.handleFrame(frame('active', 'operator', parts));
  op.c.requestScreen();
  assert.deepEqual(op.sent.at(-1), { t: 'call_screen_request', call: kId });

  const vis = controller(e, { kind: 'visitor' });
  vis.c.handleFrame(frame('ringing', 'operator', parts));
  await vis.c.accept(false);
  vis.c.handleFrame(frame('active', 'operator', parts));
  vis.c.handleFrame({ t: 'call_screen_request', call: kId, from: { kind: 'operator', id: 3, name: 'Анна' } });
  assert.deepEqual(vis.c.view.screenAsk, { from: 'Анна' });
  assert.equal(vis.c.session?.state.screen, false, 'nothing is shared before consent');
  await vis.c.answerScreenRequest(false);
  assert.equal(vis.c.view.screenAsk, null);
  assert.equal(vis.c.session?.state.screen, false);
  vis.c.handleFrame({ t: 'call_screen_request', call: kId, from: { kind: 'operator', id: 3, name: 'Анна' } });
  await vis.c.answerScreenRequest(true);
  assert.equal(vis.c.view.screenAsk, null);
  assert.equal(vis.c.session?.state.screen, true);
  assert.equal(senderTrack(e.peers.at(-1)!, 2)?.label, 'screen', 'the screen goes on the third transceiver');
});

test('session: a remote video whose frames stop (no RTP, the track never mutes) is hidden, and shown when they resume', async () => {
  const e = env();
  const s = session(e, false, []);
  const remote = e.peers[0]!.transceivers[2]!.receiver as { track: FakeTrack; getStats?: () => Promise<Map<string, unknown>> };
  let frames = 0;
  remote.getStats = async () => new Map([['in', { type: 'inbound-rtp', framesDecoded: frames }]]);
  const until = async (ok: () => boolean, ms: number, what: string) => {
    const deadline = Date.now() + ms;
    while (!ok() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(ok(), what);
  };
  remote.track.dispatchEvent(new Event('unmute'));
  const feed = setInterval(() => (frames += 5), 100);
  await until(() => s.remoteLive.screen, 2000, 'shown once frames decode');
  clearInterval(feed);
  const stoppedAt = Date.now();
  await until(() => !s.remoteLive.screen, 5000, 'hidden when frames stop');
  assert.ok(Date.now() - stoppedAt >= 2500, 'a still screen (about a frame a second) is not hidden at once');
  frames += 1;
  await until(() => s.remoteLive.screen, 2000, 'shown again on a new frame');
  s.close();
});

test('controller: a refused or cancelled screen request tells the operator; a share says who shares', async () => {
  const e = env();
  const parts = [{ kind: 'visitor', id: 42 }, { kind: 'operator', id: 3, name: 'Анна' }];
  const ask = { t: 'call_screen_request', call: kId, from: { kind: 'operator', id: 3, name: 'Анна' } };
  const vis = controller(e, { kind: 'visitor' });
  vis.c.handleFrame(frame('ringing', 'operator', parts));
  await vis.c.accept(false);
  vis.c.handleFrame(frame('active', 'operator', parts));
  vis.c.handleFrame(ask);
  await vis.c.answerScreenRequest(false);
  assert.deepEqual(vis.sent.at(-1), { t: 'call_screen_decline', call: kId }, '«Отказаться»');
  // The browser's picker cancelled: the same answer, not silence.
  const picker = e.deps.getDisplayMedia;
  e.deps.getDisplayMedia = async () => {
    throw Object.assign(new Error('cancelled'), { name: 'NotAllowedError' });
  };
  vis.c.handleFrame(ask);
  await vis.c.answerScreenRequest(true);
  assert.deepEqual(vis.sent.at(-1), { t: 'call_screen_decline', call: kId }, 'picker cancelled');
  e.deps.getDisplayMedia = picker;
  vis.c.handleFrame(ask);
  await vis.c.answerScreenRequest(true);
  assert.deepEqual(vis.sent.at(-1), { t: 'call_media', call: kId, audio: true, video: false, screen: true }, 'shared: the others learn who shares');
  assert.ok(!vis.sent.slice(-1).some((f) => f.t === 'call_screen_decline'));

  const op = controller(e, { kind: 'operator', id: 3 });
  await op.c.start(false, 7);
  op.c.handleFrame(frame('ringing', 'operator', parts));
  op.c.handleFrame(frame('active', 'operator', parts));
  op.c.handleFrame({ t: 'call_screen_declined', call: kId });
  assert.equal(op.c.view.error, 'call.screenDeclined');
  assert.equal(callTranslatorFor('ru')('call.screenDeclined'), 'Посетитель отказался показать экран');
  assert.equal(callTranslatorFor('en')('call.screenDeclined'), 'The visitor declined to share the screen');
});
