// Calls (F18–F20; daemon/realtime/protocol.md "## Calls"): the pure part shared by the widget
// and the panel — parsing the server's call frames, building the client's frames, the call
// state reducer (what this tab shows), duration formatting and media error mapping. No DOM,
// no WebRTC here, so tests/unit/call_model.test.ts drives it directly.
import { isInt, isObj, str, type Json } from './realtime.ts';

export type CallState = 'ringing' | 'active' | 'ended';
export type PartyKind = 'visitor' | 'operator';
export type EndReason = 'hangup' | 'declined' | 'no_answer' | 'failed' | 'left' | 'busy' | 'closed';

export interface Participant {
  kind: PartyKind;
  id: number;
  name?: string;
}

export interface CallInfo {
  id: string;
  dialog: number;
  site: string;
  visitor: number;
  from: PartyKind;
  video: boolean;
  state: CallState;
  recording: boolean;
  participants: Participant[];
  started: number;
  answered: number | null;
  ended: number | null;
  reason: EndReason | null;
  /** TURN servers with short-lived credentials (rtc.turn), when the daemon has any. */
  iceServers?: RTCIceServer[];
}

export type MediaLegState = 'connecting' | 'connected' | 'failed';

export type CallFrame =
  | { t: 'call'; call: CallInfo }
  | { t: 'call_answer'; call: string; sdp: string }
  | { t: 'call_media_state'; call: string; state: MediaLegState; reason: string }
  /** `screen`: whether `who` shares a screen (absent from older servers: the picture decides). */
  | { t: 'call_media'; call: string; who: { kind: PartyKind; id: number }; audio: boolean; video: boolean; screen?: boolean }
  | { t: 'err'; code: string; message: string; field: string | null; cid?: string }
  /** This participant's call went on on another of its devices (F23): this tab stops its leg. */
  | { t: 'call_moved'; call: string }
  /** A one-time link (shown as a QR code) that moves this operator's side to a phone. */
  | { t: 'call_device_link'; call: string; url: string; expires: number }
  /** An operator asks the visitor to share a screen (F25); nothing is shared without consent. */
  | { t: 'call_screen_request'; call: string; from: string }
  /** The visitor refused the screen request, or cancelled the browser's picker (F25). */
  | { t: 'call_screen_declined'; call: string }
  /** Multi-party (F18): who each receive slot shows; fewer slots here → add them and offer again. */
  | { t: 'call_renegotiate'; call: string; slots: (Participant | null)[] }
  /** F18: another operator invites this one into a running call (rings like an incoming call). */
  | { t: 'call_invite'; call: CallInfo; from: string }
  | { t: 'call_invitable'; call: string; operators: { id: number; name: string }[] }
  | { t: 'call_invite_state'; call: string; operator: number; state: string }
  /** This operator left a call that goes on. */
  | { t: 'call_left'; call: string };

const kCallId = /^[0-9a-f]{32}$/;
const kReasons: readonly EndReason[] = ['hangup', 'declined', 'no_answer', 'failed', 'left', 'busy', 'closed'];
const isKind = (v: unknown): v is PartyKind => v === 'visitor' || v === 'operator';
const intOrNull = (v: unknown): number | null => (isInt(v) ? v : null);

/** True for frames the call code handles (the chat clients route them here unparsed). */
export function isCallFrameType(t: unknown): boolean {
  return typeof t === 'string' && t.startsWith('call');
}

/** `ice_servers` of a call frame: turn:/turns: URLs with a user name and credential each. */
function iceServersOf(v: unknown): { iceServers?: RTCIceServer[] } {
  if (!Array.isArray(v)) return {};
  const out: RTCIceServer[] = [];
  for (const s of v.slice(0, 4)) {
    if (!isObj(s) || !Array.isArray(s.urls) || typeof s.username !== 'string' || typeof s.credential !== 'string') continue;
    const urls = s.urls.filter((u): u is string => typeof u === 'string' && /^turns?:/.test(u)).slice(0, 8);
    if (urls.length) out.push({ urls, username: s.username, credential: s.credential });
  }
  return out.length ? { iceServers: out } : {};
}

/** Validates the `call` object of a `call` frame; null when anything the UI relies on is off. */
export function parseCallInfo(v: unknown): CallInfo | null {
  if (!isObj(v) || typeof v.id !== 'string' || !kCallId.test(v.id) || !isInt(v.dialog) || !isInt(v.visitor)) return null;
  if (!isKind(v.from) || (v.state !== 'ringing' && v.state !== 'active' && v.state !== 'ended')) return null;
  const participants: Participant[] = [];
  if (Array.isArray(v.participants)) {
    for (const p of v.participants.slice(0, 16)) {
      if (!isObj(p) || !isKind(p.kind) || !isInt(p.id)) continue;
      const item: Participant = { kind: p.kind, id: p.id };
      if (typeof p.name === 'string' && p.name !== '') item.name = p.name.slice(0, 200);
      participants.push(item);
    }
  }
  return {
    id: v.id,
    dialog: v.dialog,
    site: str(v.site).slice(0, 200),
    visitor: v.visitor,
    from: v.from,
    video: v.video === true,
    state: v.state,
    recording: v.recording === true,
    participants,
    started: isInt(v.started) ? v.started : 0,
    answered: intOrNull(v.answered),
    ended: intOrNull(v.ended),
    reason: kReasons.includes(v.reason as EndReason) ? (v.reason as EndReason) : null,
    ...iceServersOf(v.ice_servers),
  };
}

/** Parses a frame the chat client routed to the call code (object or JSON text); null when malformed. */
export function parseCallFrame(data: unknown): CallFrame | null {
  let f: unknown = data;
  if (typeof data === 'string') {
    try {
      f = JSON.parse(data);
    } catch {
      return null;
    }
  }
  if (!isObj(f)) return null;
  switch (f.t) {
    case 'call': {
      const call = parseCallInfo(f.call);
      return call ? { t: 'call', call } : null;
    }
    case 'call_answer':
      return typeof f.call === 'string' && typeof f.sdp === 'string' && f.sdp !== '' ? { t: 'call_answer', call: f.call, sdp: f.sdp } : null;
    case 'call_media_state':
      if (typeof f.call !== 'string' || (f.state !== 'connecting' && f.state !== 'connected' && f.state !== 'failed')) return null;
      return { t: 'call_media_state', call: f.call, state: f.state, reason: str(f.reason) };
    case 'call_media': {
      const who = f.who;
      if (typeof f.call !== 'string' || !isObj(who) || !isKind(who.kind) || !isInt(who.id)) return null;
      const m = { t: 'call_media' as const, call: f.call, who: { kind: who.kind, id: who.id }, audio: f.audio !== false, video: f.video === true };
      return typeof f.screen === 'boolean' ? { ...m, screen: f.screen } : m;
    }
    case 'err':
      return { t: 'err', code: str(f.code, 'error'), message: str(f.message), field: typeof f.field === 'string' ? f.field : null, ...(typeof f.cid === 'string' ? { cid: f.cid } : {}) };
    case 'call_moved':
      return typeof f.call === 'string' ? { t: 'call_moved', call: f.call } : null;
    case 'call_device_link':
      if (typeof f.call !== 'string' || typeof f.url !== 'string' || !/^https?:\/\//.test(f.url) || !isInt(f.expires)) return null;
      return { t: 'call_device_link', call: f.call, url: f.url, expires: f.expires };
    case 'call_screen_declined':
      return typeof f.call === 'string' ? { t: 'call_screen_declined', call: f.call } : null;
    case 'call_invite': {
      const call = parseCallInfo(f.call);
      return call && isObj(f.from) ? { t: 'call_invite', call, from: str(f.from.name) } : null;
    }
    case 'call_invitable':
      if (typeof f.call !== 'string' || !Array.isArray(f.operators)) return null;
      return { t: 'call_invitable', call: f.call, operators: f.operators.filter((o): o is Json => isObj(o) && isInt(o.id)).map((o) => ({ id: o.id as number, name: str(o.name) })) };
    case 'call_invite_state':
      return typeof f.call === 'string' && isInt(f.operator) ? { t: 'call_invite_state', call: f.call, operator: f.operator, state: str(f.state) } : null;
    case 'call_left':
      return typeof f.call === 'string' ? { t: 'call_left', call: f.call } : null;
    case 'call_renegotiate':
      if (typeof f.call !== 'string' || !Array.isArray(f.slots) || f.slots.length > 3) return null;
      return { t: 'call_renegotiate', call: f.call, slots: f.slots.map((p) => (isObj(p) && isKind(p.kind) && isInt(p.id) ? { kind: p.kind, id: p.id, name: str(p.name) } : null)) };
    case 'call_screen_request':
      if (typeof f.call !== 'string') return null;
      return { t: 'call_screen_request', call: f.call, from: isObj(f.from) ? str(f.from.name).slice(0, 200) : '' };
    default:
      return null;
  }
}

// --- frames this side sends -----------------------------------------------------------------

export const callFrames = {
  /** The operator names the dialog; the visitor's call goes to its open dialog. */
  start: (video: boolean, dialog?: number): Json => (dialog === undefined ? { t: 'call_start', video } : { t: 'call_start', dialog, video }),
  accept: (call: string): Json => ({ t: 'call_accept', call }),
  decline: (call: string): Json => ({ t: 'call_decline', call }),
  offer: (call: string, sdp: string): Json => ({ t: 'call_offer', call, sdp }),
  /** An empty candidate means the end of candidates. */
  ice: (call: string, candidate: string): Json => ({ t: 'call_ice', call, candidate }),
  /** `screen`: whether this side shares a screen (the others learn who shares). */
  media: (call: string, audio: boolean, video: boolean, screen?: boolean): Json =>
    screen === undefined ? { t: 'call_media', call, audio, video } : { t: 'call_media', call, audio, video, screen },
  hangup: (call: string): Json => ({ t: 'call_hangup', call }),
  record: (call: string, on: boolean): Json => ({ t: 'call_record', call, on }),
  deviceLink: (call: string): Json => ({ t: 'call_device_link', call }),
  screenRequest: (call: string): Json => ({ t: 'call_screen_request', call }),
  screenDecline: (call: string): Json => ({ t: 'call_screen_decline', call }),
};

// --- what this tab shows ---------------------------------------------------------------------

/** `elsewhere`: this participant's call goes on on another of its devices (a phone, F23). */
export type CallPhase = 'idle' | 'ringing-in' | 'ringing-out' | 'connecting' | 'active' | 'ended' | 'elsewhere';

/** Who this tab is: the visitor (any of its tabs) or one operator. */
export type Me = { kind: 'visitor' } | { kind: 'operator'; id: number };

export interface CallView {
  phase: CallPhase;
  call: CallInfo | null;
  /** This tab started or accepted the call: it is the one holding the media leg. */
  leg: boolean;
  /** The media leg's state as the daemon sees it. */
  media: MediaLegState | null;
  /** The other participants' microphone/camera (and screen share, once said), by "kind:id". */
  remote: Record<string, { audio: boolean; video: boolean; screen?: boolean }>;
  /** An i18n key (call.err.*) for the last problem, shown until the next action. */
  error: string | null;
  /** A start or accept was sent and no `call` frame has confirmed it yet. */
  pending: 'start' | 'accept' | null;
  /** Other calls ringing here while one is on screen, by id. */
  waiting: Record<string, CallInfo>;
  /** The call moved from this tab to another device of the same participant (F23). */
  elsewhere: boolean;
  /** The phone link this tab asked for, until it is used or closed. */
  deviceLink: { url: string; expires: number } | null;
  /** An operator asked this (visitor) tab to share a screen: the name shown in the consent prompt. */
  screenAsk: { from: string } | null;
  /** F18: this operator is invited into the call by this operator (the ring says so). */
  invitedBy?: string | null;
  /** F18: operators who can be invited now (after asking call_invitable). */
  invitable?: { id: number; name: string }[] | null;
  /** F18: the invitations this tab sent in this call and how each went (call_invite_state). */
  invites?: InviteStatus[];
}

/** `sent` until the daemon says `ringing`; `failed` when it refused the invitation (an err). */
export type InviteState = 'sent' | 'ringing' | 'accepted' | 'declined' | 'expired' | 'offline' | 'failed';
export interface InviteStatus {
  id: number;
  name: string;
  state: InviteState;
}
const kInviteStates: readonly string[] = ['ringing', 'accepted', 'declined', 'expired', 'offline'];
/** The cid of a call_invite (followed by the operator's id): the daemon's err for it carries it back. */
export const kInviteCid = 'invite-';

export const kIdleCall: CallView = { phase: 'idle', call: null, leg: false, media: null, remote: {}, error: null, pending: null, waiting: {}, elsewhere: false, deviceLink: null, screenAsk: null };

export type CallEvent =
  | CallFrame
  | { t: 'local_start' }
  | { t: 'local_accept' }
  | { t: 'local_decline' }
  | { t: 'local_error'; key: string }
  /** This tab takes the call over from another device of the same participant (F23). */
  | { t: 'local_takeover' }
  /** A device that learns of this participant's running call (the phone page): it is elsewhere. */
  | { t: 'local_elsewhere'; call: CallInfo }
  | { t: 'local_close_link' }
  /** The visitor answered the screen-share request (shared or refused): the prompt goes. */
  | { t: 'local_screen_answered' }
  /** F18: this tab invited an operator (the invitable list closes; its state is shown). */
  | { t: 'local_invite'; operator: number; name: string }
  | { t: 'local_invite_dismiss'; operator: number }
  | { t: 'dismiss' };

export function isMe(me: Me, p: { kind: PartyKind; id: number }, visitor: number): boolean {
  return me.kind === 'visitor' ? p.kind === 'visitor' && p.id === visitor : p.kind === 'operator' && p.id === me.id;
}

/** The phase a call frame means for this tab. */
export function phaseFor(call: CallInfo, me: Me, leg: boolean, media: MediaLegState | null): CallPhase {
  if (call.state === 'ended') return 'ended';
  const inCall = call.participants.some((p) => isMe(me, p, call.visitor));
  if (call.state === 'ringing') {
    if (leg || (inCall && call.from === me.kind)) return 'ringing-out';
    // The visitor's call rings every operator of the site; an operator's call rings the visitor.
    return call.from !== me.kind ? 'ringing-in' : 'idle';
  }
  // Active: only the tab holding the leg shows the call; other tabs and operators see nothing.
  if (!leg || !inCall) return 'idle';
  return media === 'connected' ? 'active' : 'connecting';
}

/** The call state reducer: frames from the server and this tab's own actions in, the view out. */
export function reduceCall(v: CallView, e: CallEvent, me: Me): CallView {
  switch (e.t) {
    case 'call': {
      const call = e.call;
      const same = v.call?.id === call.id;
      if (!same && v.call && v.phase !== 'idle' && v.phase !== 'ended') {
        // Another call while one is on screen (a second visitor rings): keep it aside.
        const waiting = { ...v.waiting };
        if (phaseFor(call, me, false, null) === 'ringing-in') waiting[call.id] = call;
        else delete waiting[call.id];
        return { ...v, waiting };
      }
      // An invitation (F18) keeps ringing while the call it is for changes.
      if (same && v.invitedBy && v.phase === 'ringing-in' && call.state === 'active') return { ...v, call };
      const leg = same ? v.leg || v.pending !== null : v.pending === 'start' && call.from === me.kind;
      const media = same ? v.media : null;
      const phase = phaseFor(call, me, leg, media);
      const waiting = { ...v.waiting };
      delete waiting[call.id];
      // A call this tab has no part in (ended, or taken by someone else) is not shown.
      if (!same && (phase === 'ended' || phase === 'idle')) return { ...v, waiting };
      if (same && v.elsewhere && call.state === 'active') return { ...v, call, phase: 'elsewhere', waiting };
      // Answered on the phone from this tab's QR code (F18, F20): the call goes on there.
      if (same && v.deviceLink && v.phase === 'ringing-in' && phase === 'idle' && call.state === 'active') return { ...kIdleCall, waiting, call, phase: 'elsewhere', elsewhere: true };
      if (same && phase === 'idle') return nextWaiting({ ...kIdleCall, waiting }, me);
      // A start's own problem (the camera was refused: audio only) outlives its first frame.
      const error = same || v.pending === 'start' ? v.error : null;
      return { ...v, call, leg, media, phase, pending: null, remote: same ? v.remote : {}, error, waiting };
    }
    case 'call_media_state': {
      if (!v.call || v.call.id !== e.call) return v;
      const media = e.state;
      return { ...v, media, phase: phaseFor(v.call, me, v.leg, media), error: media === 'failed' ? 'call.err.media' : v.error };
    }
    case 'call_media':
      if (!v.call || v.call.id !== e.call) return v;
      return { ...v, remote: { ...v.remote, [`${e.who.kind}:${e.who.id}`]: e.screen === undefined ? { audio: e.audio, video: e.video } : { audio: e.audio, video: e.video, screen: e.screen } } };
    case 'call_answer':
    case 'call_renegotiate':
      return v;
    case 'call_invite':
      return v.phase === 'idle' || v.phase === 'ended' ? { ...kIdleCall, waiting: v.waiting, call: e.call, phase: 'ringing-in', invitedBy: e.from } : v;
    case 'call_invitable':
      return v.call?.id === e.call ? { ...v, invitable: e.operators } : v;
    case 'call_invite_state':
      // The invitation ran out, or this operator went away/offline meanwhile: the ring stops.
      if (v.invitedBy && v.phase === 'ringing-in' && v.call?.id === e.call && (e.state === 'expired' || e.state === 'offline')) return nextWaiting({ ...kIdleCall, waiting: v.waiting }, me);
      return inviteStateOf(v, e.call, e.operator, e.state);
    case 'local_invite':
      if (!v.call) return v;
      return { ...v, invitable: null, invites: [...(v.invites ?? []).filter((i) => i.id !== e.operator), { id: e.operator, name: e.name, state: 'sent' }] };
    case 'local_invite_dismiss':
      return v.invites ? { ...v, invites: v.invites.filter((i) => i.id !== e.operator) } : v;
    case 'call_left':
      return v.call?.id === e.call ? nextWaiting({ ...kIdleCall, waiting: v.waiting }, me) : v;
    case 'call_moved':
      if (!v.call || v.call.id !== e.call) return v;
      return { ...v, leg: false, media: null, elsewhere: true, deviceLink: null, screenAsk: null, phase: v.call.state === 'active' ? 'elsewhere' : v.phase };
    case 'call_device_link':
      return v.call && v.call.id === e.call ? { ...v, deviceLink: { url: e.url, expires: e.expires } } : v;
    case 'local_takeover':
      return v.call && v.call.state === 'active' ? { ...v, leg: true, elsewhere: false, media: null, phase: 'connecting', error: null } : v;
    case 'local_elsewhere':
      return e.call.state === 'active' ? { ...kIdleCall, waiting: v.waiting, call: e.call, phase: 'elsewhere', elsewhere: true } : v;
    case 'local_close_link':
      return { ...v, deviceLink: null };
    case 'call_screen_request':
      // Only the tab carrying the visitor's side of a running call asks its visitor.
      if (!v.call || v.call.id !== e.call || !v.leg || me.kind !== 'visitor' || v.call.state !== 'active') return v;
      return { ...v, screenAsk: { from: e.from } };
    case 'call_screen_declined':
      // Told to the operator who asked: no screen is coming.
      return v.call && v.call.id === e.call && v.leg ? { ...v, error: 'call.screenDeclined' } : v;
    case 'local_screen_answered':
      return v.screenAsk ? { ...v, screenAsk: null } : v;
    case 'err':
      // Errors of a start/accept in flight (or of our SDP) belong to the call; others are not ours.
      if (v.pending !== null) return nextWaiting({ ...kIdleCall, waiting: v.waiting, error: e.code === 'conflict' ? 'call.err.conflict' : 'call.err.failed' }, me);
      if (e.field === 'sdp' && v.leg) return { ...v, error: 'call.err.media' };
      // An invitation the daemon refused (busy, full, gone offline): the err carries its cid.
      if (e.cid?.startsWith(kInviteCid) && v.invites) {
        const id = Number(e.cid.slice(kInviteCid.length));
        return { ...v, invites: v.invites.map((i) => (i.id === id && i.state === 'sent' ? { ...i, state: 'failed' } : i)) };
      }
      return v;
    case 'local_start':
      return { ...kIdleCall, waiting: v.waiting, phase: 'ringing-out', pending: 'start', leg: true };
    case 'local_accept':
      return v.phase === 'ringing-in' ? { ...v, pending: 'accept', leg: true, phase: 'connecting', error: null } : v;
    case 'local_decline':
      return v.phase === 'ringing-in' ? nextWaiting({ ...kIdleCall, waiting: v.waiting }, me) : v;
    case 'local_error':
      return { ...v, error: e.key };
    case 'dismiss':
      return v.phase === 'ended' || v.phase === 'idle' ? nextWaiting({ ...kIdleCall, waiting: v.waiting }, me) : { ...v, error: null };
  }
}

/** The inviter's view of one of its invitations (F18); other operators' invitations are not shown. */
function inviteStateOf(v: CallView, call: string, operator: number, state: string): CallView {
  if (v.call?.id !== call || !v.invites || !kInviteStates.includes(state)) return v;
  const at = v.invites.findIndex((i) => i.id === operator);
  const was = v.invites[at];
  // `ringing` never overtakes an answer (the frames of one invitation come in order anyway).
  if (!was || (state === 'ringing' && was.state !== 'sent')) return v;
  const invites = [...v.invites];
  invites[at] = { ...was, state: state as InviteState };
  return { ...v, invites };
}

/** Shows the next call still ringing here, if any. */
function nextWaiting(v: CallView, me: Me): CallView {
  const first = Object.values(v.waiting)[0];
  if (!first) return v;
  const waiting = { ...v.waiting };
  delete waiting[first.id];
  return { ...v, call: first, phase: phaseFor(first, me, false, null), waiting };
}

// --- formatting ------------------------------------------------------------------------------

/** "0:07", "2:35", "1:02:09". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** The i18n key (call.err.*) for a getUserMedia/getDisplayMedia failure. */
export function mediaErrorKey(err: unknown, what: 'mic' | 'camera' | 'screen'): string {
  const name = isObj(err) || err instanceof Error ? str((err as { name?: unknown }).name) : '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return `call.err.${what}Denied`;
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return `call.err.${what}Missing`;
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return `call.err.${what}Busy`;
    case 'TypeError':
      // navigator.mediaDevices is missing on plain-http pages.
      return 'call.err.insecure';
    default:
      return 'call.err.failed';
  }
}

/** The reason key of an ended call (call.end.*). */
export function endReasonKey(reason: EndReason | null): string {
  return `call.end.${reason ?? 'hangup'}`;
}

/** The other participants have turned their microphone off (their last call_media said so). */
export function remoteMuted(v: CallView): boolean {
  const states = Object.values(v.remote);
  return states.length > 0 && states.every((r) => !r.audio);
}

/** The other participants have said their camera is off: their last picture is not shown frozen. */
export function remoteCameraOff(v: CallView): boolean {
  const states = Object.values(v.remote);
  return states.length > 0 && states.every((r) => !r.video);
}

/**
 * Whether `who` shares a screen as its last call_media said: that shows and hides its screen
 * tile at once. null until it said (it shared before this tab joined): the picture decides.
 */
export function sharesScreen(v: CallView, who: { kind: PartyKind; id: number } | null | undefined): boolean | null {
  const r = who && v.remote[`${who.kind}:${who.id}`];
  return typeof r?.screen === 'boolean' ? r.screen : null;
}

/** The other participant of a two-party call (whose screen slot 0 shows). */
export function peerOf(call: CallInfo, me: Me): Participant | undefined {
  return call.participants.find((p) => !isMe(me, p, call.visitor));
}

/** The other side's display name for the call screens. */
export function peerName(call: CallInfo, me: Me): string {
  const other = call.participants.find((p) => !isMe(me, p, call.visitor) && p.kind !== me.kind);
  return other?.name ?? '';
}
