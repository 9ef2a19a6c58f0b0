// The visitor's side of the realtime protocol as a state machine, with no DOM in it:
// the socket, timers, clock, randomness and storage are injected, so unit tests drive it
// with a fake WebSocket and a fake clock.
//
// Guarantees it keeps: a message typed by the visitor stays in the outbox (also in
// storage, so a reload keeps it) until the server acks it; after any reconnect it is
// re-sent with the SAME cid (the server dedups); missed messages are fetched with
// `resume`; messages are shown once each (dedup by seq/cid) and in seq order.
import { backoffDelay } from './backoff.ts';
import { kProtocolVersion, parseServerFrame, type Author, type PageInfo, type ServerFrame, type SiteInfo } from './protocol.ts';
import { kKeyOutbox, kKeyToken, type KeyValueStore } from './storage.ts';

/** The part of WebSocket the client uses. */
export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export type TimerHandle = unknown;

export interface ClientDeps {
  url: string;
  createSocket(url: string): SocketLike;
  setTimer(fn: () => void, ms: number): TimerHandle;
  clearTimer(h: TimerHandle): void;
  now(): number;
  random(): number;
  newId(): string;
  store: KeyValueStore;
  tab: string;
  page(): PageInfo;
  lang: string;
}

/** queued: waiting for a connection; sending: on the wire, no ack yet; sent: acked (on disk). */
export type Delivery = 'queued' | 'sending' | 'sent' | 'failed';

export interface ChatMessage {
  key: string;
  cid: string | null;
  id: number | null;
  seq: number | null;
  author: Author;
  mine: boolean;
  text: string;
  ts: number;
  delivery: Delivery;
  error?: string;
}

/** connecting: socket opening or handshake; open: welcomed; waiting: backoff before the next try. */
export type ConnState = 'connecting' | 'open' | 'waiting' | 'stopped';

export interface ChatState {
  conn: ConnState;
  everConnected: boolean;
  attempt: number;
  retryAt: number | null;
  visitorId: number | null;
  site: SiteInfo | null;
  dialogId: number | null;
  historyLoaded: boolean;
  messages: ChatMessage[];
  operatorTyping: boolean;
}

export const kHandshakeTimeoutMs = 10_000;
export const kAckTimeoutMs = 15_000;
export const kStableConnectionMs = 5_000;
export const kTypingExpiryMs = 6_000;
export const kTypingThrottleMs = 250;
export const kTypingRefreshMs = 3_000;

interface StoredOutboxItem {
  cid: string;
  text: string;
  ts: number;
}

export class ChatClient {
  private socket: SocketLike | null = null;
  private welcomed = false;
  private welcomedAt = 0;
  private stopped = true;
  private retryTimer: TimerHandle | null = null;
  private handshakeTimer: TimerHandle | null = null;
  private ackTimer: TimerHandle | null = null;
  private typingTimer: TimerHandle | null = null;
  private draftTimer: TimerHandle | null = null;
  private bySeq = new Map<number, ChatMessage>();
  private pending = new Map<string, ChatMessage>();
  private lastSeq = 0;
  private resuming = false;
  private draft = '';
  private token: string | null = null;
  private draftSentAt = 0;
  private draftActiveSent = false;
  private persistent: Record<string, Record<string, unknown>> = {};
  private listeners = new Set<(s: ChatState) => void>();
  private incoming = new Set<(m: ChatMessage) => void>();
  private state: ChatState = {
    conn: 'stopped',
    everConnected: false,
    attempt: 0,
    retryAt: null,
    visitorId: null,
    site: null,
    dialogId: null,
    historyLoaded: false,
    messages: [],
    operatorTyping: false,
  };

  constructor(private readonly d: ClientDeps) {
    for (const item of this.loadOutbox()) {
      this.pending.set(item.cid, this.ownMessage(item.cid, item.text, item.ts));
    }
    this.state.messages = this.sorted();
  }

  get snapshot(): ChatState {
    return this.state;
  }

  subscribe(fn: (s: ChatState) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Called for operator/system messages that arrived live (not the history load). */
  onIncoming(fn: (m: ChatMessage) => void): () => void {
    this.incoming.add(fn);
    return () => this.incoming.delete(fn);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.dropSocket();
    this.clear('retryTimer');
    this.update({ conn: 'stopped', retryAt: null });
  }

  /** Skips the rest of the backoff (the "retry now" button, the browser's `online` event). */
  reconnectNow(): void {
    if (this.stopped || this.state.conn !== 'waiting') return;
    this.clear('retryTimer');
    this.connect();
  }

  /** Another tab may have stored a different visitor token: if so, reconnect as that visitor. */
  tokenChanged(): void {
    if (this.stopped || this.d.store.get(kKeyToken) === this.token) return;
    this.dropSocket();
    this.clear('retryTimer');
    this.connect();
  }

  /** Queues a message; returns its cid, or null for blank text. */
  send(text: string): string | null {
    if (text.trim() === '') return null;
    const cid = this.d.newId();
    const m = this.ownMessage(cid, text, this.d.now());
    this.pending.set(cid, m);
    this.saveOutbox();
    if (this.welcomed) this.transmit(m);
    this.sendTyping('', true);
    this.emit();
    return cid;
  }

  /** Sends a failed message again with the same cid. */
  retry(cid: string): void {
    const m = this.pending.get(cid);
    if (!m || m.delivery !== 'failed') return;
    this.replace(m, { delivery: 'queued', error: undefined });
    this.saveOutbox();
    const fresh = this.pending.get(cid)!;
    if (this.welcomed) this.transmit(fresh);
    this.emit();
  }

  /** The visitor's draft; sent throttled as a typing frame (text only with the typing preview). */
  setDraft(text: string): void {
    this.sendTyping(text, false);
  }

  /**
   * Values that must reach the server on every connection (contact info, custom data,
   * presence, widget open): kept and re-sent after each welcome.
   */
  setPersistent(type: string, frame: Record<string, unknown>): void {
    const full = { t: type, ...frame };
    this.persistent[type] = full;
    if (this.welcomed) this.raw(full);
  }

  // --- connection ---------------------------------------------------------------

  private connect(): void {
    let s: SocketLike;
    try {
      s = this.d.createSocket(this.d.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = s;
    this.update({ conn: 'connecting', retryAt: null });
    s.onopen = () => {
      if (s !== this.socket) return;
      this.token = this.d.store.get(kKeyToken);
      this.raw({
        t: 'hello',
        v: kProtocolVersion,
        token: this.token,
        tab: this.d.tab,
        page: this.d.page(),
        lang: this.d.lang,
      });
      this.arm('handshakeTimer', kHandshakeTimeoutMs, () => this.fail());
    };
    s.onmessage = (ev) => {
      if (s !== this.socket) return;
      const f = parseServerFrame(ev.data);
      if (f) this.handle(f);
    };
    s.onclose = () => {
      if (s !== this.socket) return;
      this.socket = null;
      this.afterClose();
    };
    s.onerror = () => {};
  }

  /** The connection is considered dead (no welcome, no ack): close it and retry. */
  private fail(): void {
    this.dropSocket();
    this.afterClose();
  }

  private dropSocket(): void {
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.onopen = s.onmessage = s.onclose = s.onerror = null;
      try {
        s.close(4000, 'client reset');
      } catch {
        /* already closed */
      }
    }
    this.afterSocketGone();
  }

  private afterSocketGone(): void {
    const stable = this.welcomed && this.d.now() - this.welcomedAt >= kStableConnectionMs;
    if (stable) this.state.attempt = 0;
    this.welcomed = false;
    this.resuming = false;
    this.clear('handshakeTimer');
    this.clear('ackTimer');
    this.clear('typingTimer');
    this.clear('draftTimer');
    for (const m of this.pending.values()) {
      if (m.delivery === 'sending') this.replace(m, { delivery: 'queued' });
    }
    this.state.operatorTyping = false;
  }

  private afterClose(): void {
    this.afterSocketGone();
    if (this.stopped) return;
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const delay = backoffDelay(this.state.attempt, this.d.random);
    this.update({ conn: 'waiting', attempt: this.state.attempt + 1, retryAt: this.d.now() + delay });
    this.retryTimer = this.d.setTimer(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  // --- frames -------------------------------------------------------------------

  private handle(f: ServerFrame): void {
    switch (f.t) {
      case 'welcome':
        return this.onWelcome(f);
      case 'ack':
        return this.onAck(f);
      case 'msg':
        return this.onMsg(f);
      case 'resumed':
        this.resuming = false;
        this.update({ historyLoaded: true });
        return;
      case 'typing':
        this.clear('typingTimer');
        if (f.active) this.arm('typingTimer', kTypingExpiryMs, () => this.update({ operatorTyping: false }));
        this.update({ operatorTyping: f.active });
        return;
      case 'status':
        if (this.state.site) this.update({ site: { ...this.state.site, open: f.open, operatorsOnline: f.operatorsOnline } });
        return;
      case 'err': {
        const m = f.cid ? this.pending.get(f.cid) : undefined;
        if (m) {
          this.replace(m, { delivery: 'failed', error: f.code });
          this.saveOutbox();
          this.rearmAck();
          this.emit();
        }
        return;
      }
    }
  }

  private onWelcome(f: Extract<ServerFrame, { t: 'welcome' }>): void {
    this.clear('handshakeTimer');
    this.welcomed = true;
    this.welcomedAt = this.d.now();
    if (f.token) this.d.store.set(kKeyToken, (this.token = f.token));
    this.state.visitorId = f.visitorId;
    this.state.site = f.site;
    if (f.dialog) {
      if (this.state.dialogId !== f.dialog.id) this.switchDialog(f.dialog.id);
      if (this.lastSeq < f.dialog.seq) this.resume();
      else this.state.historyLoaded = true;
    } else {
      // No open dialog: a previous one was closed meanwhile; the window starts empty.
      if (this.state.dialogId !== null) this.switchDialog(null);
      this.state.historyLoaded = true;
    }
    this.update({ conn: 'open', everConnected: true, retryAt: null });
    for (const frame of Object.values(this.persistent)) this.raw(frame);
    for (const m of this.pending.values()) {
      if (m.delivery !== 'failed') this.transmit(m);
    }
    this.emit();
  }

  private onAck(f: Extract<ServerFrame, { t: 'ack' }>): void {
    const m = this.pending.get(f.cid);
    if (!m) return; // a late duplicate ack
    this.enterDialog(f.dialog);
    this.pending.delete(f.cid);
    this.saveOutbox();
    this.place({ ...m, id: f.id, seq: f.seq, ts: f.ts || m.ts, delivery: 'sent', error: undefined });
    this.rearmAck();
    this.emit();
  }

  private onMsg(f: Extract<ServerFrame, { t: 'msg' }>): void {
    this.enterDialog(f.dialog);
    if (this.bySeq.has(f.seq)) return; // already have it (resume overlap, duplicate fan-out)
    const own = f.cid ? this.pending.get(f.cid) : undefined;
    if (own && f.author.kind === 'visitor') {
      // Our own message echoed (e.g. to this tab) before its ack: it is committed.
      this.pending.delete(f.cid!);
      this.saveOutbox();
    }
    const m: ChatMessage = {
      key: f.cid ?? 'id:' + f.id,
      cid: f.cid,
      id: f.id,
      seq: f.seq,
      author: f.author,
      mine: f.author.kind === 'visitor',
      text: f.text,
      ts: f.ts,
      delivery: 'sent',
    };
    const live = this.state.historyLoaded;
    if (f.author.kind === 'operator') {
      this.clear('typingTimer');
      this.state.operatorTyping = false;
    }
    this.place(m);
    this.rearmAck();
    this.emit();
    if (!m.mine && live) for (const fn of this.incoming) fn(m);
  }

  /** A message of another dialog means a new one started (the old one was closed). */
  private enterDialog(id: number): void {
    if (this.state.dialogId !== id) this.switchDialog(id);
  }

  private switchDialog(id: number | null): void {
    this.bySeq.clear();
    this.lastSeq = 0;
    this.resuming = false;
    this.state.dialogId = id;
  }

  private place(m: ChatMessage): void {
    const seq = m.seq!;
    this.bySeq.set(seq, m);
    const gap = seq > this.lastSeq + 1;
    while (this.bySeq.has(this.lastSeq + 1)) this.lastSeq++;
    if (gap && this.welcomed) this.resume();
  }

  private resume(): void {
    if (this.resuming || this.state.dialogId === null || !this.welcomed) return;
    this.resuming = true;
    this.raw({ t: 'resume', dialog: this.state.dialogId, after: this.lastSeq });
  }

  private transmit(m: ChatMessage): void {
    this.replace(m, { delivery: 'sending' });
    this.raw({ t: 'msg', cid: m.cid, text: m.text });
    if (this.ackTimer === null) this.arm('ackTimer', kAckTimeoutMs, () => this.fail());
  }

  /** Restarts the ack deadline while something is in flight; clears it otherwise. */
  private rearmAck(): void {
    this.clear('ackTimer');
    for (const m of this.pending.values()) {
      if (m.delivery === 'sending') {
        this.arm('ackTimer', kAckTimeoutMs, () => this.fail());
        return;
      }
    }
  }

  private sendTyping(text: string, immediate: boolean): void {
    this.draft = text;
    if (!this.welcomed) return;
    const preview = this.state.site?.typingPreview === true;
    const now = this.d.now();
    const flush = () => {
      this.draftTimer = null;
      this.draftSentAt = this.d.now();
      const active = this.draft.trim() !== '';
      if (preview) this.raw({ t: 'typing', text: this.draft });
      else this.raw({ t: 'typing', active });
      this.draftActiveSent = active;
    };
    if (!preview) {
      const active = text.trim() !== '';
      // Without the preview only the on/off edge matters, refreshed now and then.
      if (active === this.draftActiveSent && (!active || now - this.draftSentAt < kTypingRefreshMs)) return;
      this.clear('draftTimer');
      flush();
      return;
    }
    if (immediate) {
      this.clear('draftTimer');
      flush();
      return;
    }
    if (this.draftTimer !== null) return; // the pending flush will take the latest draft
    const wait = Math.max(0, this.draftSentAt + kTypingThrottleMs - now);
    this.draftTimer = this.d.setTimer(flush, wait);
  }

  private raw(frame: Record<string, unknown>): void {
    try {
      this.socket?.send(JSON.stringify(frame));
    } catch {
      /* the close event follows */
    }
  }

  // --- helpers ------------------------------------------------------------------

  private ownMessage(cid: string, text: string, ts: number): ChatMessage {
    return { key: cid, cid, id: null, seq: null, author: { kind: 'visitor' }, mine: true, text, ts, delivery: 'queued' };
  }

  private replace(m: ChatMessage, patch: Partial<ChatMessage>): void {
    const next = { ...m, ...patch };
    if (m.cid && this.pending.get(m.cid) === m) this.pending.set(m.cid, next);
  }

  private loadOutbox(): StoredOutboxItem[] {
    try {
      const v: unknown = JSON.parse(this.d.store.get(kKeyOutbox) ?? '[]');
      if (!Array.isArray(v)) return [];
      return v.filter(
        (i): i is StoredOutboxItem =>
          typeof i === 'object' && i !== null && typeof i.cid === 'string' && typeof i.text === 'string' && typeof i.ts === 'number',
      );
    } catch {
      return [];
    }
  }

  private saveOutbox(): void {
    const items: StoredOutboxItem[] = [];
    for (const m of this.pending.values()) {
      if (m.delivery !== 'failed') items.push({ cid: m.cid!, text: m.text, ts: m.ts });
    }
    if (items.length) this.d.store.set(kKeyOutbox, JSON.stringify(items));
    else this.d.store.remove(kKeyOutbox);
  }

  private sorted(): ChatMessage[] {
    const acked = [...this.bySeq.values()].sort((a, b) => a.seq! - b.seq!);
    return acked.concat([...this.pending.values()]);
  }

  private arm(name: 'handshakeTimer' | 'ackTimer' | 'typingTimer', ms: number, fn: () => void): void {
    this.clear(name);
    this[name] = this.d.setTimer(() => {
      this[name] = null;
      fn();
    }, ms);
  }

  private clear(name: 'retryTimer' | 'handshakeTimer' | 'ackTimer' | 'typingTimer' | 'draftTimer'): void {
    const h = this[name];
    if (h !== null) this.d.clearTimer(h);
    this[name] = null;
  }

  private update(patch: Partial<ChatState>): void {
    this.state = { ...this.state, ...patch };
    this.emit();
  }

  private emit(): void {
    this.state = { ...this.state, messages: this.sorted() };
    for (const fn of this.listeners) fn(this.state);
  }
}
