// A call as one tab sees it: the state reducer (call_model.ts) fed with the server's frames
// and the user's actions, plus the media leg (call_session.ts) it starts and stops. The widget
// and the panel each own one and render its view (call_view.tsx).
import { callFrames, kIdleCall, kInviteCid, parseCallFrame, reduceCall, type CallEvent, type CallView, type Me } from './call_model.ts';
import { CallMediaError, CallSession, type CallMediaDeps } from './call_session.ts';

export interface CallControllerDeps {
  /** Who this tab is (the operator's id is known after the welcome). */
  me(): Me;
  /** Sends a frame on the chat socket; false when it is not connected. */
  send(frame: Record<string, unknown>): boolean;
  media: CallMediaDeps;
  iceServers?: RTCIceServer[];
  /** The media leg came or went (tests reach it as __callpyCall). */
  exposeSession?(s: CallSession | null): void;
  /** Ring in / ringback out / silence. */
  ring?(kind: 'in' | 'out' | null): void;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(h: unknown): void;
}

/** How long the "call ended" note stays before the view goes back to idle. */
export const kEndedLingerMs = 5_000;

export class CallController {
  private v: CallView = kIdleCall;
  private s: CallSession | null = null;
  private offered = false;
  private endTimer: unknown = null;
  private listeners = new Set<() => void>();
  /** Bumped on every render-worthy change of the session (tracks, devices, remote live). */
  revision = 0;
  /** Local time the call became active (the timer counts from it, free of clock skew). */
  activeSince: number | null = null;

  constructor(private readonly d: CallControllerDeps) {}

  get view(): CallView {
    return this.v;
  }

  get session(): CallSession | null {
    return this.s;
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** A frame the chat client routed here (parsed or not). */
  handleFrame(raw: unknown): void {
    const f = parseCallFrame(raw);
    if (!f) return;
    if (f.t === 'call_answer') {
      if (this.s && f.call === this.s.callId) this.s.answer(f.sdp).catch(() => this.fail('call.err.media'));
      return;
    }
    if (f.t === 'call_renegotiate') {
      if (this.s && f.call === this.s.callId) this.s.renegotiate(f.slots).catch(() => this.fail('call.err.media'));
      return;  // the session calls changed() itself
    }
    if (f.t === 'call' && this.s && this.v.pending === 'start' && f.call.from === this.d.me().kind) this.s.bind(f.call.id);
    // Another device of ours took the call (F23): its leg replaces ours at the daemon.
    if (f.t === 'call_moved' && this.s?.callId === f.call) this.dropSession();
    this.dispatch(f);
  }

  /** Starts a call: the microphone (and camera) first, so a refusal stops it before anyone rings. */
  async start(video: boolean, dialog?: number): Promise<void> {
    if (this.v.phase !== 'idle' && this.v.phase !== 'ended') return;
    this.dispatch({ t: 'local_start' });
    const s = this.newSession('', video);
    try {
      await s.acquire();
    } catch (e) {
      return this.abandon(s, e);
    }
    if (s.isClosed) return;
    if (!this.d.send(callFrames.start(video, dialog))) return this.abandon(s, new CallMediaError('call.err.offline', null));
    this.cameraProblem(s);
  }

  async accept(video: boolean): Promise<void> {
    const call = this.v.call;
    if (this.v.phase !== 'ringing-in' || !call) return;
    const s = this.newSession(call.id, video);
    this.d.ring?.(null);
    try {
      await s.acquire();
    } catch (e) {
      // Stays ringing: the user can fix the permission and accept again, or decline.
      this.dropSession();
      this.dispatch({ t: 'local_error', key: e instanceof CallMediaError ? e.key : 'call.err.failed' });
      this.d.ring?.('in');
      return;
    }
    if (s.isClosed || this.v.call?.id !== call.id || this.v.phase !== 'ringing-in') return this.dropSession();
    this.dispatch({ t: 'local_accept' });
    if (!this.d.send(callFrames.accept(call.id))) this.fail('call.err.offline');
    else this.cameraProblem(s);
  }

  /** Continues the call on this tab/device: a new leg replaces the other device's (F23). */
  async takeOver(video: boolean): Promise<void> {
    const call = this.v.call;
    if (!call || call.state !== 'active' || this.v.leg) return;
    const s = this.newSession(call.id, video);
    try {
      await s.acquire();
    } catch (e) {
      this.dropSession();
      this.dispatch({ t: 'local_error', key: e instanceof CallMediaError ? e.key : 'call.err.failed' });
      return;
    }
    if (s.isClosed || this.v.call?.id !== call.id) return this.dropSession();
    this.dispatch({ t: 'local_takeover' });
    this.cameraProblem(s);
  }

  /** This device learnt of our running call on another device (the phone page's welcome). */
  adoptElsewhere(raw: unknown): void {
    const f = parseCallFrame({ t: 'call', call: raw });
    if (f?.t !== 'call') return;
    if (f.call.state === 'active') this.dispatch({ t: 'local_elsewhere', call: f.call });
    else this.dispatch(f);
  }

  /** Asks the daemon for a one-time link (a QR code) that moves this call to a phone (F23). */
  requestDeviceLink(): void {
    const call = this.v.call;
    if (call && !this.d.send(callFrames.deviceLink(call.id))) this.fail('call.err.offline');
  }

  closeDeviceLink(): void {
    this.dispatch({ t: 'local_close_link' });
  }

  /** F18: asks which operators can be invited (the view lists them), invites one, or leaves. */
  invitable(): void {
    if (this.v.call) this.d.send({ t: 'call_invitable', call: this.v.call.id });
  }

  invite(operator: number): void {
    if (!this.v.call) return;
    const name = this.v.invitable?.find((o) => o.id === operator)?.name ?? '';
    if (!this.d.send({ t: 'call_invite', call: this.v.call.id, operator, cid: `${kInviteCid}${operator}` })) return this.fail('call.err.offline');
    // The list closes; the dock shows the invitation's state instead (call_invite_state).
    this.dispatch({ t: 'local_invite', operator, name });
  }

  dismissInvite(operator: number): void {
    this.dispatch({ t: 'local_invite_dismiss', operator });
  }

  leave(): void {
    if (this.v.call) this.d.send({ t: 'call_leave', call: this.v.call.id });
  }

  decline(): void {
    const call = this.v.call;
    if (this.v.phase !== 'ringing-in' || !call) return;
    this.d.send(callFrames.decline(call.id));
    this.dispatch({ t: 'local_decline' });
  }

  hangup(): void {
    const id = this.v.call?.id ?? this.s?.callId;
    if (id) this.d.send(callFrames.hangup(id));
    this.dropSession();
    const before = this.v;
    this.v = id && this.v.call ? { ...this.v, phase: 'ended', pending: null, call: { ...this.v.call, state: 'ended', reason: 'hangup' } } : { ...kIdleCall, waiting: this.v.waiting };
    this.after(before);
  }

  setMuted(muted: boolean): void {
    this.s?.setMuted(muted);
  }

  setCamera(on: boolean): Promise<void> {
    return this.guard(this.s?.setCamera(on));
  }

  setScreen(on: boolean): Promise<void> {
    return this.guard(this.s?.setScreen(on));
  }

  useDevice(kind: 'audioinput' | 'videoinput', id: string): Promise<void> {
    return this.guard(this.s?.useDevice(kind, id));
  }

  /** F25: an operator asks the visitor to share a screen (the widget asks the visitor first). */
  requestScreen(): void {
    const call = this.v.call;
    if (call && this.v.leg && call.state === 'active' && !this.d.send(callFrames.screenRequest(call.id))) this.fail('call.err.offline');
  }

  /**
   * The visitor's answer to an operator's screen request. Sharing starts from this click, so the
   * browser's screen picker (which needs a user gesture) opens right away.
   */
  async answerScreenRequest(share: boolean): Promise<void> {
    this.dispatch({ t: 'local_screen_answered' });
    const s = this.s;
    if (share) await this.setScreen(true);
    // Refused, or the picker was cancelled: the operator who asked is told (call_screen_declined).
    if (s && s.callId && !s.isClosed && !s.state.screen) this.d.send(callFrames.screenDecline(s.callId));
  }

  setRecording(on: boolean): void {
    const call = this.v.call;
    if (call && this.v.leg && !this.d.send(callFrames.record(call.id, on))) this.dispatch({ t: 'local_error', key: 'call.err.offline' });
  }

  dismiss(): void {
    this.dispatch({ t: 'dismiss' });
  }

  /** The page is going away: hang up rather than leave the other side talking to nobody. */
  dispose(): void {
    if (this.s) this.hangup();
    this.d.ring?.(null);
  }

  /** The camera was asked for and refused: the call goes on audio-only, and the user is told why. */
  private cameraProblem(s: CallSession): void {
    if (this.s === s && s.state.cameraError) this.fail(s.state.cameraError);
  }

  private async guard(p: Promise<void> | undefined): Promise<void> {
    try {
      await p;
    } catch (e) {
      this.dispatch({ t: 'local_error', key: e instanceof CallMediaError ? e.key : 'call.err.failed' });
    }
  }

  private newSession(call: string, video: boolean): CallSession {
    this.dropSession();
    this.offered = false;
    const s = new CallSession({
      call,
      video,
      deps: this.d.media,
      send: (frame) => this.d.send(frame),
      changed: () => {
        if (this.s === s) this.changed();
      },
      ...(this.d.iceServers ? { iceServers: this.d.iceServers } : {}),
    });
    this.s = s;
    this.d.exposeSession?.(s);
    return s;
  }

  private dropSession(): void {
    if (!this.s) return;
    this.s.close();
    this.s = null;
    this.d.exposeSession?.(null);
  }

  private abandon(s: CallSession, e: unknown): void {
    if (this.s !== s) return;
    const id = s.callId;
    if (id) this.d.send(callFrames.hangup(id));
    this.dropSession();
    const before = this.v;
    this.v = { ...kIdleCall, waiting: this.v.waiting, error: e instanceof CallMediaError ? e.key : 'call.err.failed' };
    this.after(before);
  }

  private fail(key: string): void {
    this.dispatch({ t: 'local_error', key });
  }

  private dispatch(e: CallEvent): void {
    const before = this.v;
    this.v = reduceCall(this.v, e, this.d.me());
    if (this.v !== before) this.after(before);
  }

  /** Side effects of a view change: offer when the leg is due, close it when the call is over, ring. */
  private after(before: CallView): void {
    const v = this.v;
    const s = this.s;
    if (v.call?.state === 'active' && before.call?.state !== 'active') this.activeSince = Date.now();
    if (s && (v.phase === 'idle' || v.phase === 'ended')) this.dropSession();
    else if (s && v.leg && v.call && (v.phase === 'connecting' || v.phase === 'active') && v.call.state === 'active' && !this.offered) {
      this.offered = true;
      s.bind(v.call.id);
      // The call's own TURN credentials (rtc.turn) came with its frames.
      s.offer(v.call.iceServers)
        .then(() => {
          // Tell the other side what we actually send (e.g. the camera was refused).
          if (this.s === s) this.d.send(callFrames.media(v.call!.id, s.state.audio, s.state.video, s.state.screen));
        })
        .catch(() => this.fail('call.err.media'));
    }
    this.d.ring?.(v.phase === 'ringing-in' ? 'in' : v.phase === 'ringing-out' && v.call ? 'out' : null);
    if (v.phase === 'ended' && before.phase !== 'ended') {
      if (this.endTimer !== null) this.d.clearTimer(this.endTimer);
      this.endTimer = this.d.setTimer(() => {
        this.endTimer = null;
        this.dismiss();
      }, kEndedLingerMs);
    }
    this.changed();
  }

  private changed(): void {
    this.revision++;
    for (const fn of this.listeners) fn();
  }
}
