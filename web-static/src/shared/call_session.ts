// One media leg of a call: the browser's RTCPeerConnection to callpyd (the daemon answers,
// protocol.md "## Calls"). Three transceivers are created up front, always in this order —
// audio, video (camera), video (screen) — all sendrecv, so turning the camera or the screen
// share on and off, or switching devices, is a replaceTrack and never a renegotiation.
// The browser APIs are injected (CallMediaDeps) so unit tests run it against fakes.
import { callFrames, mediaErrorKey, type Participant } from './call_model.ts';

export interface CallMediaDeps {
  createPeer(config: RTCConfiguration): RTCPeerConnection;
  getUserMedia(c: MediaStreamConstraints): Promise<MediaStream>;
  getDisplayMedia(c: DisplayMediaStreamOptions): Promise<MediaStream>;
  enumerateDevices(): Promise<MediaDeviceInfo[]>;
  createStream(tracks: MediaStreamTrack[]): MediaStream;
}

export function browserMediaDeps(): CallMediaDeps {
  const md = () => {
    // Missing on plain-http pages: reported as call.err.insecure.
    if (!navigator.mediaDevices) throw new TypeError('mediaDevices unavailable');
    return navigator.mediaDevices;
  };
  return {
    createPeer: (config) => new RTCPeerConnection(config),
    getUserMedia: async (c) => md().getUserMedia(c),
    getDisplayMedia: async (c) => md().getDisplayMedia(c),
    enumerateDevices: async () => (navigator.mediaDevices ? navigator.mediaDevices.enumerateDevices() : []),
    createStream: (tracks) => new MediaStream(tracks),
  };
}

/** A getUserMedia failure with the i18n key that explains it (call.err.*). */
export class CallMediaError extends Error {
  constructor(
    readonly key: string,
    readonly cause: unknown,
  ) {
    super(key);
    this.name = 'CallMediaError';
  }
}

export interface CallSessionOptions {
  /** The call id; empty until the server has announced the call this tab started (bind()). */
  call: string;
  /** Sends a client frame on the chat socket. */
  send(frame: Record<string, unknown>): void;
  video: boolean;
  iceServers?: RTCIceServer[];
  deps: CallMediaDeps;
  /** Something shown changed (local tracks, remote tracks, connection state). */
  changed(): void;
}

export interface LocalMediaState {
  audio: boolean;
  video: boolean;
  screen: boolean;
  /** Set when the camera was asked for and could not be had: the call goes on audio-only. */
  cameraError: string | null;
}

/**
 * How often a remote video's decoded frames are counted, and how long without a new one hides
 * it. Chromium does not mute a receiving track when the other side stops sending (replaceTrack
 * with null: no RTP at all), so decoded frames are what tells; a still shared screen repeats a
 * frame about once a second.
 */
const kWatchMs = 500;
const kStillMs = 3000;

export type DeviceKind = 'audioinput' | 'videoinput' | 'audiooutput';

export class CallSession {
  readonly pc: RTCPeerConnection;
  readonly remoteAudio: MediaStream;
  readonly remoteCamera: MediaStream;
  readonly remoteScreen: MediaStream;
  private readonly audioT: RTCRtpTransceiver;
  private readonly cameraT: RTCRtpTransceiver;
  private readonly screenT: RTCRtpTransceiver;
  private mic: MediaStreamTrack | null = null;
  private camera: MediaStreamTrack | null = null;
  private screen: MediaStreamTrack | null = null;
  private muted = false;
  private closed = false;
  private devices: { audioinput?: string; videoinput?: string } = {};
  private watchers: ReturnType<typeof setInterval>[] = [];
  /** Multi-party (F18): who each receive slot shows (slot 0: remoteAudio/Camera/Screen). */
  slots: (Participant | null)[] = [];
  /** Slots 1…: added recvonly transceivers' streams (audio, camera, screen). */
  readonly extra: { audio: MediaStream; camera: MediaStream; screen: MediaStream }[] = [];
  private again = false;
  /**
   * Whether the remote camera / screen tracks are receiving (RTP flowing); `screen1`, `screen2`:
   * the screens of slots 1 and 2. Used until a participant's call_media says whether it shares.
   */
  remoteLive: { camera: boolean; screen: boolean; [slotScreen: string]: boolean } = { camera: false, screen: false };
  state: LocalMediaState = { audio: false, video: false, screen: false, cameraError: null };

  private readonly o: CallSessionOptions;

  constructor(options: CallSessionOptions) {
    const o = (this.o = { ...options });
    this.pc = o.deps.createPeer({ iceServers: o.iceServers ?? [] });
    this.audioT = this.pc.addTransceiver('audio', { direction: 'sendrecv' });
    this.cameraT = this.pc.addTransceiver('video', { direction: 'sendrecv' });
    this.screenT = this.pc.addTransceiver('video', { direction: 'sendrecv' });
    this.remoteAudio = o.deps.createStream([this.audioT.receiver.track]);
    this.remoteCamera = o.deps.createStream([this.cameraT.receiver.track]);
    this.remoteScreen = o.deps.createStream([this.screenT.receiver.track]);
    this.watchRemote(this.cameraT.receiver, 'camera');
    this.watchRemote(this.screenT.receiver, 'screen');
    this.pc.onicecandidate = (e) => {
      if (this.closed) return;
      // A null candidate (or an empty one) ends gathering: tell the daemon with "".
      this.o.send(callFrames.ice(this.o.call, e.candidate?.candidate ?? ''));
    };
    this.pc.onconnectionstatechange = () => this.o.changed();
  }

  get callId(): string {
    return this.o.call;
  }

  /** The call this tab started got its id (the first `call` frame after call_start). */
  bind(call: string): void {
    if (!this.o.call) this.o.call = call;
  }

  /**
   * Gets the microphone (and the camera when asked). Denied or missing camera: the call goes on
   * audio-only with state.cameraError set. Denied or missing microphone: throws CallMediaError.
   */
  async acquire(): Promise<void> {
    let stream: MediaStream | null = null;
    if (this.o.video) {
      try {
        stream = await this.o.deps.getUserMedia({ audio: true, video: true });
      } catch (e) {
        this.state = { ...this.state, cameraError: mediaErrorKey(e, 'camera') };
      }
    }
    if (!stream) {
      try {
        stream = await this.o.deps.getUserMedia({ audio: true });
      } catch (e) {
        throw new CallMediaError(mediaErrorKey(e, 'mic'), e);
      }
    }
    if (this.closed) {
      for (const t of stream.getTracks()) t.stop();
      return;
    }
    this.mic = stream.getAudioTracks()[0] ?? null;
    this.camera = stream.getVideoTracks()[0] ?? null;
    await this.audioT.sender.replaceTrack(this.mic);
    await this.cameraT.sender.replaceTrack(this.camera);
    this.state = { ...this.state, audio: !!this.mic, video: !!this.camera };
    this.o.changed();
  }

  /** The local camera preview (null when the camera is off). */
  get localVideo(): MediaStreamTrack | null {
    return this.camera;
  }

  get localScreen(): MediaStreamTrack | null {
    return this.screen;
  }

  /** Creates the offer and sends it as call_offer; candidates follow as call_ice. */
  async offer(iceServers?: RTCIceServer[]): Promise<void> {
    // Before setLocalDescription, so that gathering already uses them.
    if (iceServers?.length) this.pc.setConfiguration({ ...this.pc.getConfiguration(), iceServers });
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    if (this.closed) return;
    this.o.send(callFrames.offer(this.o.call, this.pc.localDescription?.sdp ?? offer.sdp ?? ''));
  }

  async answer(sdp: string): Promise<void> {
    if (this.closed || this.pc.signalingState !== 'have-local-offer') return;
    await this.pc.setRemoteDescription({ type: 'answer', sdp });
    if (this.again) await this.renegotiate(this.slots);
  }

  /**
   * call_renegotiate (F18): one receive slot per other participant. Missing slots are added as
   * recvonly audio, camera and screen transceivers (the k-th audio and (2k)-th video are slot
   * k's) and offered again on this PeerConnection: the daemon answers on the same ICE/DTLS.
   */
  async renegotiate(slots: (Participant | null)[]): Promise<void> {
    // Someone new learns at once what this side sends (a screen shared before they joined).
    if (!this.again) this.sendMediaState();
    this.slots = slots;
    this.again = false;
    if (this.extra.length >= slots.length - 1 || this.closed) return this.o.changed();
    // An offer of ours is still out: once its answer is in, this runs again.
    if (this.pc.signalingState !== 'stable') return void (this.again = true);
    const add = (k: string) => this.pc.addTransceiver(k, { direction: 'recvonly' }).receiver;
    const s = (r: RTCRtpReceiver) => this.o.deps.createStream([r.track]);
    while (this.extra.length < slots.length - 1) {
      const [audio, camera, screen] = [add('audio'), add('video'), add('video')];
      this.extra.push({ audio: s(audio), camera: s(camera), screen: s(screen) });
      this.watchRemote(screen, `screen${this.extra.length}`);
    }
    this.o.changed();
    await this.offer();
  }

  setMuted(muted: boolean): void {
    this.muted = muted;
    if (this.mic) this.mic.enabled = !muted;
    this.state = { ...this.state, audio: !muted && !!this.mic };
    this.sendMediaState();
    this.o.changed();
  }

  get isMuted(): boolean {
    return this.muted;
  }

  /** Camera on (asks for it now if needed) or off; throws CallMediaError when it cannot be had. */
  async setCamera(on: boolean): Promise<void> {
    if (!on) {
      await this.cameraT.sender.replaceTrack(null);
      this.camera?.stop();
      this.camera = null;
    } else if (!this.camera) {
      const track = await this.videoTrack(this.devices.videoinput);
      if (this.closed) return track.stop();
      this.camera = track;
      await this.cameraT.sender.replaceTrack(track);
    }
    this.state = { ...this.state, video: !!this.camera, cameraError: on ? null : this.state.cameraError };
    this.sendMediaState();
    this.o.changed();
  }

  /** Switches the microphone or camera with replaceTrack (the speaker is the audio element's sink). */
  async useDevice(kind: 'audioinput' | 'videoinput', deviceId: string): Promise<void> {
    this.devices[kind] = deviceId;
    if (kind === 'audioinput') {
      let stream: MediaStream;
      try {
        stream = await this.o.deps.getUserMedia({ audio: { deviceId: { exact: deviceId } } });
      } catch (e) {
        throw new CallMediaError(mediaErrorKey(e, 'mic'), e);
      }
      const track = stream.getAudioTracks()[0];
      if (!track || this.closed) return;
      track.enabled = !this.muted;
      await this.audioT.sender.replaceTrack(track);
      this.mic?.stop();
      this.mic = track;
    } else {
      if (!this.camera) return; // used the next time the camera is turned on
      const track = await this.videoTrack(deviceId);
      if (this.closed) return track.stop();
      await this.cameraT.sender.replaceTrack(track);
      this.camera.stop();
      this.camera = track;
    }
    this.o.changed();
  }

  /** Devices of a kind for the chooser (labels are empty before permission was granted). */
  async listDevices(kind: DeviceKind): Promise<{ id: string; label: string }[]> {
    try {
      const all = await this.o.deps.enumerateDevices();
      return all.filter((d) => d.kind === kind).map((d, i) => ({ id: d.deviceId, label: d.label || `${kind} ${i + 1}` }));
    } catch {
      return [];
    }
  }

  currentDevice(kind: 'audioinput' | 'videoinput'): string {
    const track = kind === 'audioinput' ? this.mic : this.camera;
    return this.devices[kind] ?? track?.getSettings?.().deviceId ?? '';
  }

  /** Screen share on the third transceiver; it stops by itself when the browser's "Stop sharing" is used. */
  async setScreen(on: boolean): Promise<void> {
    if (!on) {
      await this.screenT.sender.replaceTrack(null);
      this.screen?.stop();
      this.screen = null;
    } else if (!this.screen) {
      let stream: MediaStream;
      try {
        stream = await this.o.deps.getDisplayMedia({ video: true, audio: false });
      } catch (e) {
        throw new CallMediaError(mediaErrorKey(e, 'screen'), e);
      }
      const track = stream.getVideoTracks()[0];
      if (!track) return;
      if (this.closed) return track.stop();
      track.addEventListener('ended', () => {
        if (this.screen === track) void this.setScreen(false);
      });
      this.screen = track;
      await this.screenT.sender.replaceTrack(track);
    }
    this.state = { ...this.state, screen: !!this.screen };
    this.sendMediaState();  // the others learn who shares a screen
    this.o.changed();
  }

  getStats(): Promise<RTCStatsReport> {
    return this.pc.getStats();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of [this.mic, this.camera, this.screen]) t?.stop();
    this.mic = this.camera = this.screen = null;
    for (const h of this.watchers) clearInterval(h);
    this.watchers = [];
    this.pc.onicecandidate = null;
    this.pc.onconnectionstatechange = null;
    try {
      this.pc.close();
    } catch {
      /* already closed */
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private sendMediaState(): void {
    if (!this.closed) this.o.send(callFrames.media(this.o.call, this.state.audio, this.state.video, this.state.screen));
  }

  private async videoTrack(deviceId: string | undefined): Promise<MediaStreamTrack> {
    try {
      const stream = await this.o.deps.getUserMedia({ video: deviceId ? { deviceId: { exact: deviceId } } : true });
      const track = stream.getVideoTracks()[0];
      if (!track) throw new DOMException('no camera', 'NotFoundError');
      return track;
    } catch (e) {
      const key = mediaErrorKey(e, 'camera');
      this.state = { ...this.state, cameraError: key };
      this.o.changed();
      throw new CallMediaError(key, e);
    }
  }

  private watchRemote(receiver: RTCRtpReceiver, which: string): void {
    // Shown once frames decode beyond those counted when it last went quiet (Chromium unmutes a
    // track on a lone probe packet of an idle sender: not a picture yet); hidden when the track
    // mutes or no new frame came for kStillMs.
    const track = receiver.track;
    let quietAt = 0;
    let last = -1;
    let lastChange = 0;
    let checking = false;
    const set = (live: boolean) => {
      if (this.remoteLive[which] === live) return;
      this.remoteLive = { ...this.remoteLive, [which]: live };
      this.o.changed();
    };
    const decoded = async (): Promise<number | null> => {
      if (typeof receiver.getStats !== 'function') return null;
      const stats = await receiver.getStats();
      let n = 0;
      stats.forEach((r: { type?: string; framesDecoded?: number }) => {
        if (r.type === 'inbound-rtp') n += r.framesDecoded ?? 0;
      });
      return n;
    };
    const check = async (unmuted: boolean) => {
      if (checking || this.closed) return;
      checking = true;
      try {
        const n = await decoded().catch(() => null);
        if (this.closed || track.muted) return;
        // Without stats (older browsers) an unmuted track is all there is to go by.
        if (n === null) {
          if (unmuted) set(true);
          return;
        }
        const now = Date.now();
        if (n !== last) {
          last = n;
          lastChange = now;
        }
        if (!this.remoteLive[which]) {
          if (n > quietAt) set(true);
        } else if (now - lastChange >= kStillMs) {
          quietAt = n;
          set(false);
        }
      } finally {
        checking = false;
      }
    };
    track.addEventListener('unmute', () => void check(true));
    const quiet = () => {
      set(false);
      void decoded()
        .then((n) => {
          if (n !== null) quietAt = last = n;
        })
        .catch(() => {});
    };
    track.addEventListener('mute', quiet);
    track.addEventListener('ended', quiet);
    const h = setInterval(() => void check(false), kWatchMs);
    // Node (unit tests) must not stay up for a session nobody closed.
    (h as unknown as { unref?: () => void }).unref?.();
    this.watchers.push(h);
  }
}
