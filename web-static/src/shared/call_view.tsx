// The call screens, the same in the widget (compact above the messages) and in the panel
// (a floating panel): incoming call, calling, in call (remote video and screen, own preview,
// controls, timer, recording badge), ended. State comes from a CallController; names and
// other server text are rendered as text.
import { useEffect, useRef, useState } from 'preact/hooks';

import type { CallController } from './call_controller.ts';
import { endReasonKey, formatDuration, peerName, peerOf, remoteCameraOff, remoteMuted, sharesScreen, type Me, type Participant } from './call_model.ts';
import type { CallT } from './call_i18n.ts';

export interface CallViewProps {
  c: CallController;
  t: CallT;
  me: Me;
  /** The other side's label when the call carries no name (the panel's visitor label). */
  fallbackName: string;
  /** Operators may record (call_record) and ask the visitor to share a screen (call_screen_request). */
  canRecord?: boolean;
  /** Extra line under the name on the incoming screen (the panel shows the site). */
  subtitle?: string;
}

export function useCall(c: CallController): number {
  const [rev, setRev] = useState(c.revision);
  useEffect(() => {
    setRev(c.revision);
    return c.subscribe(() => setRev(c.revision));
  }, [c]);
  return rev;
}

const P = {
  phone: 'M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2a1 1 0 0 1 1-.25 11.4 11.4 0 0 0 3.6.57 1 1 0 0 1 1 1V20a1 1 0 0 1-1 1A17 17 0 0 1 3 4a1 1 0 0 1 1-1h3.5a1 1 0 0 1 1 1c0 1.25.2 2.45.57 3.57a1 1 0 0 1-.25 1z',
  hang: 'M12 9c-1.6 0-3.15.25-4.6.72v3.1a1 1 0 0 1-.56.9 11.5 11.5 0 0 0-2.66 1.85 1 1 0 0 1-1.4 0L.3 13.1a1 1 0 0 1 0-1.42A16.9 16.9 0 0 1 12 7c4.55 0 8.7 1.8 11.7 4.68a1 1 0 0 1 0 1.42l-2.48 2.48a1 1 0 0 1-1.4 0 11.3 11.3 0 0 0-2.67-1.85 1 1 0 0 1-.56-.9v-3.1A15 15 0 0 0 12 9z',
  mic: 'M12 14a3 3 0 0 0 3-3V5a3 3 0 1 0-6 0v6a3 3 0 0 0 3 3zm5.3-3a5.3 5.3 0 0 1-10.6 0H5a7 7 0 0 0 6 6.9V21h2v-3.1a7 7 0 0 0 6-6.9z',
  cam: 'M17 10.5V7a1 1 0 0 0-1-1H4a1 1 0 0 0-1 1v10a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1v-3.5l4 4v-11z',
  screen: 'M20 18a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2H4a2 2 0 0 0-2 2v10a2 2 0 0 0 2 2H0v2h24v-2zM4 6h16v10H4z',
  gear: 'M19.4 13a7.7 7.7 0 0 0 0-2l2.1-1.6-2-3.5-2.5 1a7.3 7.3 0 0 0-1.7-1L15 3h-4l-.4 2.9a7.3 7.3 0 0 0-1.7 1l-2.5-1-2 3.5L6.6 11a7.7 7.7 0 0 0 0 2l-2.1 1.6 2 3.5 2.5-1a7.3 7.3 0 0 0 1.7 1L11 21h4l.4-2.9a7.3 7.3 0 0 0 1.7-1l2.5 1 2-3.5zM13 15.5a3.5 3.5 0 1 1 0-7 3.5 3.5 0 0 1 0 7z',
  rec: 'M12 7a5 5 0 1 0 0 10 5 5 0 0 0 0-10z',
  expand: 'M7 14H5v5h5v-2H7zm-2-4h2V7h3V5H5zm12 7h-3v2h5v-5h-2zM14 5v2h3v3h2V5z',
  speaker: 'M3 9v6h4l5 5V4L7 9zm13.5 3A4.5 4.5 0 0 0 14 8v8a4.5 4.5 0 0 0 2.5-4z',
  /** A screen with an arrow into it: ask the other side for its screen. */
  ask: 'M20 18a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2H4a2 2 0 0 0-2 2v10a2 2 0 0 0 2 2H0v2h24v-2zM4 6h16v10H4zm7 1h2v4h2.5L12 14.5 8.5 11H11z',
};

export function CallIcon({ d, off }: { d: keyof typeof P; off?: boolean }) {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true" width="20" height="20">
      <path d={P[d]} fill="currentColor" />
      {off && <path d="M3 3 21 21" stroke="currentColor" stroke-width="2" />}
    </svg>
  );
}

function Btn(props: { label: string; testid: string; icon: keyof typeof P; onClick: () => void; off?: boolean; pressed?: boolean; kind?: 'ok' | 'end' | 'on'; text?: boolean }) {
  return (
    <button
      type="button"
      class={'cv-b' + (props.kind ? ' cv-' + props.kind : '')}
      aria-label={props.label}
      title={props.label}
      aria-pressed={props.pressed}
      data-testid={props.testid}
      onClick={props.onClick}
    >
      <CallIcon d={props.icon} off={props.off ?? false} />
      {props.text && <span>{props.label}</span>}
    </button>
  );
}

function Media({ stream, track, muted, label, cls }: { stream?: MediaStream | null; track?: MediaStreamTrack | null; muted?: boolean; label: string; cls: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const src = stream ?? (track ? new MediaStream([track]) : null);
    if (el.srcObject !== src) el.srcObject = src;
  }, [stream, track]);
  return <video ref={ref} class={cls} autoplay playsInline muted={muted ?? false} aria-label={label} />;
}

/** The remote audio: an <audio> element (volume, output device) outside the layout. */
function RemoteAudio({ stream, volume, sink, n = 0 }: { stream: MediaStream; volume: number; sink: string; n?: number }) {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    if (ref.current && ref.current.srcObject !== stream) ref.current.srcObject = stream;
  }, [stream]);
  useEffect(() => {
    if (ref.current) ref.current.volume = volume;
  }, [volume]);
  useEffect(() => {
    const el = ref.current as (HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> }) | null;
    if (el?.setSinkId && sink) el.setSinkId(sink).catch(() => {});
  }, [sink]);
  return <audio ref={ref} autoplay data-testid={n ? `call-remote-audio-${n}` : 'call-remote-audio'} />;
}

function Timer({ since }: { since: number | null }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  return (
    <span class="cv-time" data-testid="call-timer" role="timer">
      {formatDuration(since === null ? 0 : now - since)}
    </span>
  );
}

function Devices({ c, t, sink, setSink }: { c: CallController; t: CallT; sink: string; setSink: (id: string) => void }) {
  const s = c.session;
  const [lists, setLists] = useState<Record<string, { id: string; label: string }[]>>({});
  useEffect(() => {
    if (!s) return;
    let live = true;
    void Promise.all([s.listDevices('audioinput'), s.listDevices('videoinput'), s.listDevices('audiooutput')]).then(([a, v, o]) => {
      if (live) setLists({ audioinput: a, videoinput: v, audiooutput: o });
    });
    return () => {
      live = false;
    };
  }, [s]);
  if (!s) return null;
  const canSink = typeof (HTMLMediaElement.prototype as { setSinkId?: unknown }).setSinkId === 'function';
  const select = (kind: 'audioinput' | 'videoinput' | 'audiooutput', label: string, value: string, on: (id: string) => void) =>
    (lists[kind]?.length ?? 0) > 0 && (
      <label class="cv-dev">
        <span>{label}</span>
        <select value={value} data-testid={`call-device-${kind}`} onChange={(e) => on((e.currentTarget as HTMLSelectElement).value)}>
          {lists[kind]!.map((d) => (
            <option key={d.id} value={d.id}>
              {d.label}
            </option>
          ))}
        </select>
      </label>
    );
  return (
    <div class="cv-devs" data-testid="call-devices">
      {select('audioinput', t('call.mic'), s.currentDevice('audioinput'), (id) => void c.useDevice('audioinput', id))}
      {select('videoinput', t('call.camera'), s.currentDevice('videoinput'), (id) => void c.useDevice('videoinput', id))}
      {canSink && select('audiooutput', t('call.speaker'), sink, setSink)}
    </div>
  );
}

/** F25: the operator asked for the visitor's screen; sharing starts only from «Показать». */
function ScreenAsk({ c, t, from }: { c: CallController; t: CallT; from: string }) {
  return (
    <div class="cv-ask" role="alertdialog" aria-label={t('call.screenAsk')} data-testid="call-screen-ask">
      <CallIcon d="ask" />
      <div class="cv-ask-t">
        <div>{t('call.screenAsk')}</div>
        {from && <div class="cv-sub">{from}</div>}
      </div>
      <div class="cv-row">
        <Btn label={t('call.screenAskShare')} testid="call-screen-ask-share" icon="screen" kind="ok" text onClick={() => void c.answerScreenRequest(true)} />
        <Btn label={t('call.screenAskRefuse')} testid="call-screen-ask-refuse" icon="hang" text onClick={() => void c.answerScreenRequest(false)} />
      </div>
    </div>
  );
}

export function CallView({ c, t, me, fallbackName, canRecord, subtitle }: CallViewProps) {
  useCall(c);
  const v = c.view;
  const s = c.session;
  const [expanded, setExpanded] = useState(false);
  const [volume, setVolume] = useState(1);
  const [sink, setSink] = useState('');
  const [devices, setDevices] = useState(false);
  const call = v.call;
  const name = (call && peerName(call, me)) || fallbackName;
  const error = v.error && (
    <div class="cv-err" role="alert" data-testid="call-error" data-key={v.error}>
      {t(v.error)}
      <button type="button" class="cv-x" aria-label={t('call.close')} onClick={() => c.dismiss()}>
        ×
      </button>
    </div>
  );
  if (v.phase === 'idle') return error || null;

  if (v.phase === 'ringing-in' && call) {
    return (
      <div class="cv cv-ring" role="alertdialog" aria-label={t(call.video ? 'call.incomingVideo' : 'call.incoming')} data-testid="call-incoming" data-call-id={call.id}>
        <div class="cv-who">
          <CallIcon d={call.video ? 'cam' : 'phone'} />
          <div>
            <div class="cv-nm">{name}</div>
            <div class="cv-sub">{v.invitedBy ? `${t('call.invitedBy')} ${v.invitedBy}` : subtitle ? `${t(call.video ? 'call.incomingVideo' : 'call.incoming')} · ${subtitle}` : t(call.video ? 'call.incomingVideo' : 'call.incoming')}</div>
          </div>
        </div>
        {error}
        <div class="cv-row">
          <Btn label={t('call.accept')} testid="call-accept" icon="phone" kind="ok" text onClick={() => void c.accept(false)} />
          <Btn label={t('call.acceptVideo')} testid="call-accept-video" icon="cam" kind="ok" text onClick={() => void c.accept(true)} />
          <Btn label={t('call.decline')} testid="call-decline" icon="hang" kind="end" text onClick={() => c.decline()} />
        </div>
      </div>
    );
  }

  if (v.phase === 'elsewhere') {
    return (
      <div class="cv cv-ended" role="status" data-testid="call-elsewhere">
        <span>{t('call.elsewhere')}</span>
        <Btn label={t('call.return')} testid="call-return" icon="phone" kind="ok" text onClick={() => void c.takeOver(!!call?.video)} />
        <Btn label={t('call.hangup')} testid="call-hangup" icon="hang" kind="end" onClick={() => c.hangup()} />
      </div>
    );
  }

  if (v.phase === 'ended') {
    return (
      <div class="cv cv-ended" role="status" data-testid="call-ended" data-reason={call?.reason ?? ''}>
        <span>{t(endReasonKey(call?.reason ?? null))}</span>
        {c.activeSince !== null && call?.ended != null && call.answered != null && <span class="cv-time">{formatDuration(call.ended - call.answered)}</span>}
        <button type="button" class="cv-x" aria-label={t('call.close')} onClick={() => c.dismiss()}>
          ×
        </button>
        {error}
      </div>
    );
  }

  // ringing-out, connecting, active: the call itself.
  const st = s?.state;
  const multi = !!s && s.extra.length > 0;  // F18 (once more than two): a named tile per other participant
  const remoteVideo = !multi && !!s?.remoteLive.camera && !remoteCameraOff(v);
  // A screen shows while its sharer's call_media says so (else while its frames decode); with
  // more than two, every participant's screen gets a tile of its own next to their camera.
  const screenOf = (p: Participant | null | undefined, slot: number) => !!s && (sharesScreen(v, p) ?? !!s.remoteLive[slot ? `screen${slot}` : 'screen']);
  const remoteScreen = !multi && !!call && screenOf(peerOf(call, me), 0);
  const visitorShares = !!call && screenOf(call.participants.find((p) => p.kind === 'visitor'), multi ? s!.slots.findIndex((p) => p?.kind === 'visitor') : 0);
  const canShare = typeof navigator !== 'undefined' && !!navigator.mediaDevices && 'getDisplayMedia' in navigator.mediaDevices;
  const status = v.phase === 'ringing-out' ? t('call.calling') : v.phase === 'connecting' ? t('call.connecting') : null;
  return (
    <div class={'cv cv-call' + (expanded ? ' cv-big' : '')} role="region" aria-label={t('call.title')} data-testid="call-view" data-phase={v.phase} data-call-id={call?.id ?? ''}>
      <div class="cv-top">
        <span class="cv-nm">{name}</span>
        {status ? <span class="cv-sub">{status}</span> : <Timer since={c.activeSince} />}
        {v.phase === 'active' && remoteMuted(v) && (
          <span class="cv-flag" data-testid="call-remote-muted" role="status" title={t('call.remoteMuted')}>
            <CallIcon d="mic" off />
            <span>{t('call.remoteMuted')}</span>
          </span>
        )}
        {call?.recording && (
          <span class="cv-recb" data-testid="call-recording" role="status">
            <i />
            {t('call.recording')}
          </span>
        )}
        <button type="button" class="cv-b cv-sm" aria-label={t(expanded ? 'call.collapse' : 'call.expand')} title={t(expanded ? 'call.collapse' : 'call.expand')} aria-pressed={expanded} data-testid="call-expand" onClick={() => setExpanded(!expanded)}>
          <CallIcon d="expand" />
        </button>
      </div>
      {s && (remoteVideo || remoteScreen || st?.video || st?.screen) && (
        <div class="cv-stage">
          {remoteScreen && <Media stream={s.remoteScreen} label={t('call.remoteScreen')} cls="cv-v cv-rs" muted />}
          {remoteVideo && <Media stream={s.remoteCamera} label={t('call.remoteVideo')} cls={'cv-v' + (remoteScreen ? ' cv-pip' : ' cv-rc')} muted />}
          {st?.video && <Media track={s.localVideo} label={t('call.self')} cls="cv-v cv-self" muted />}
        </div>
      )}
      {multi && (
        <div class="cv-tiles" data-testid="call-tiles">
          {s.slots.map((p, i) => p && [
            <figure key={`${p.kind}:${p.id}`} class="cv-tile" data-testid="call-tile">
              <Media stream={i ? s.extra[i - 1]?.camera : s.remoteCamera} label={p.name || name} cls="cv-v" muted />
              <figcaption>{p.name || name}</figcaption>
            </figure>,
            screenOf(p, i) && (
              <figure key={`s${p.kind}:${p.id}`} class="cv-tile cv-st" data-testid="call-screen-tile" data-who={`${p.kind}:${p.id}`}>
                <Media stream={i ? s.extra[i - 1]?.screen : s.remoteScreen} label={`${t('call.remoteScreen')}: ${p.name || name}`} cls="cv-v" muted />
                <figcaption>
                  <CallIcon d="screen" /> {p.name || name}
                </figcaption>
              </figure>
            ),
          ])}
        </div>
      )}
      {s && <RemoteAudio stream={s.remoteAudio} volume={volume} sink={sink} />}
      {s?.extra.map((x, i) => <RemoteAudio key={i} n={i + 1} stream={x.audio} volume={volume} sink={sink} />)}
      {s && v.screenAsk && <ScreenAsk c={c} t={t} from={v.screenAsk.from} />}
      {error}
      <div class="cv-row">
        {s && (
          <>
            <Btn label={t(s.isMuted ? 'call.micUnmute' : 'call.micMute')} testid="call-mute" icon="mic" off={s.isMuted} pressed={s.isMuted} onClick={() => c.setMuted(!s.isMuted)} />
            <Btn label={t(st?.video ? 'call.camOff' : 'call.camOn')} testid="call-camera" icon="cam" off={!st?.video} pressed={!!st?.video} onClick={() => void c.setCamera(!st?.video)} />
            {canShare && <Btn label={t(st?.screen ? 'call.screenOff' : 'call.screenOn')} testid="call-screen" icon="screen" pressed={!!st?.screen} kind={st?.screen ? 'on' : undefined} onClick={() => void c.setScreen(!st?.screen)} />}
            {canRecord && canShare && v.leg && call?.state === 'active' && !visitorShares && (
              <Btn label={t('call.screenRequest')} testid="call-screen-request" icon="ask" onClick={() => c.requestScreen()} />
            )}
            {canRecord && v.leg && call?.state === 'active' && (
              <Btn label={t(call.recording ? 'call.recordOff' : 'call.recordOn')} testid="call-record" icon="rec" pressed={call.recording} kind={call.recording ? 'on' : undefined} onClick={() => c.setRecording(!call.recording)} />
            )}
            <label class="cv-vol" title={t('call.volume')}>
              <CallIcon d="speaker" />
              <input type="range" min="0" max="1" step="0.05" value={volume} aria-label={t('call.volume')} data-testid="call-volume" onInput={(e) => setVolume(Number((e.currentTarget as HTMLInputElement).value))} />
            </label>
            <Btn label={t('call.devices')} testid="call-devices-toggle" icon="gear" pressed={devices} onClick={() => setDevices(!devices)} />
          </>
        )}
        <Btn label={t('call.hangup')} testid="call-hangup" icon="hang" kind="end" onClick={() => c.hangup()} />
      </div>
      {devices && <Devices c={c} t={t} sink={sink} setSink={setSink} />}
    </div>
  );
}

