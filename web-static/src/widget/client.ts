// The visitor's side of the realtime protocol as a state machine, with no DOM in it:
// the socket, timers, clock, randomness and storage are injected, so unit tests drive it
// with a fake WebSocket and a fake clock.
//
// Guarantees it keeps: a message typed by the visitor stays in the outbox (also in
// storage, so a reload keeps it) until the server acks it; after any reconnect it is
// re-sent with the SAME cid (the server dedups); missed messages are fetched with
// `resume`; messages are shown once each (dedup by seq/cid) and in seq order.
import { LinkClient, type LinkDeps } from '../shared/link.ts';
import { MessageLog, receivedMessage, type ChatMessage } from '../shared/message_log.ts';
import type { ConnState, TimerHandle } from '../shared/realtime.ts';
import { kProtocolVersion, parseServerFrame, type PageInfo, type ServerFrame, type SiteInfo } from './protocol.ts';
import { OfflineRequest, type OfflineFields, type OfflineState } from './offline_request.ts';
import { RatingRequest, type RatingState } from './rating.ts';
import { departmentForMessage } from './prechat.ts';
import { kKeyOutbox, kKeyToken, type KeyValueStore } from './storage.ts';
import { parseFileInfo, type FileInfo } from '../shared/files.ts';
import { parseJsonFrame } from '../shared/realtime.ts';
import { CallRouter, type CallSummary } from '../shared/call_route.ts';

export type { ConnState, Delivery, SocketLike, TimerHandle } from '../shared/realtime.ts';
export type { ChatMessage } from '../shared/message_log.ts';
export type { OfflineField, OfflineFields, OfflineState } from './offline_request.ts';
export type { RatingPhase, RatingState } from './rating.ts';
export { kAckTimeoutMs, kHandshakeTimeoutMs, kStableConnectionMs } from '../shared/link.ts';

export interface ClientDeps extends LinkDeps {
  newId(): string;
  store: KeyValueStore;
  tab: string;
  page(): PageInfo;
  lang: string;
}

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
  /** The offline request (F7) and its delivery. */
  offline: OfflineState;
  /** The rating an operator asked for (F17), of `rating.dialog`. */
  rating: RatingState;
  /** From Callpy.setContactInfo: pre-fills the offline form. */
  contact: { name: string; email: string; phone: string } | null;
  /** The department the visitor chose before the first message (prechat.ts), if any. */
  department: number | null;
  /** Blocked by the site's operators (F17): the window shows a notice and no composer. */
  blocked: boolean;
  /** The call going on or ringing (shared/call_route.ts), null when none. */
  call: CallSummary | null;
}

export const kTypingExpiryMs = 6_000;
export const kTypingThrottleMs = 250;
export const kTypingRefreshMs = 3_000;

interface StoredOutboxItem {
  cid: string;
  text: string;
  ts: number;
  file?: FileInfo;
}

export class ChatClient extends LinkClient<ChatState> {
  private typingTimer: TimerHandle | null = null;
  private draftTimer: TimerHandle | null = null;
  private log = new MessageLog<ChatMessage>();
  private resuming = false;
  private draft = '';
  private token: string | null = null;
  private draftSentAt = 0;
  private draftActiveSent = false;
  private persistent: Record<string, Record<string, unknown>> = {};
  private incoming = new Set<(m: ChatMessage) => void>();
  private offline: OfflineRequest;
  private rating: RatingRequest;
  /** Call frames, held for the call code that loads on demand (shared/call_route.ts). */
  readonly calls = new CallRouter((call) => this.update({ call }));

  constructor(private readonly d: ClientDeps) {
    super(d, {
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
      offline: { phase: 'idle', cid: null, fields: null, dialog: null, error: null },
      rating: { phase: 'none', dialog: null, cid: null, stars: 0, comment: '', error: null },
      contact: null,
      department: null,
      blocked: false,
      call: null,
    });
    const requestHooks = {
      newId: d.newId,
      send: (frame: Record<string, unknown>) => {
        this.raw(frame);
        this.link.expectAck();
      },
      connected: () => this.link.welcomed,
      changed: () => this.emit(),
    };
    this.offline = new OfflineRequest(d.store, requestHooks);
    this.rating = new RatingRequest(d.store, requestHooks);
    this.state.offline = this.offline.state;
    this.state.rating = this.rating.state;
    for (const item of this.loadOutbox()) {
      this.log.addPending(this.ownMessage(item.cid, item.text, item.ts, parseFileInfo(item.file) ?? undefined));
    }
    this.state.messages = this.sorted();
  }

  /** Called for operator/system messages that arrived live (not the history load). */
  onIncoming(fn: (m: ChatMessage) => void): () => void {
    this.incoming.add(fn);
    return () => this.incoming.delete(fn);
  }

  /** Another tab may have stored a different visitor token: if so, reconnect as that visitor. */
  tokenChanged(): void {
    if (!this.link.running || this.d.store.get(kKeyToken) === this.token) return;
    this.link.restart();
  }

  /** The pre-chat department choice (one of welcome.site.departments); null to choose again. */
  chooseDepartment(id: number | null): void {
    if (id !== null && !this.state.site?.departments.some((d) => d.id === id)) return;
    this.update({ department: id });
  }

  /** Queues a message; returns its cid, or null for blank text. */
  send(text: string): string | null {
    if (text.trim() === '') return null;
    const cid = this.d.newId();
    const m = this.ownMessage(cid, text, this.d.now());
    this.log.addPending(m);
    this.saveOutbox();
    if (this.link.welcomed) this.transmit(m);
    this.sendTyping('', true);
    this.emit();
    return cid;
  }

  /** F16: posts an uploaded file (kept in the outbox like text until acked); returns its cid. */
  sendFile(file: FileInfo): string {
    const cid = this.d.newId();
    const m = this.ownMessage(cid, file.name, this.d.now(), file);
    this.log.addPending(m);
    this.saveOutbox();
    if (this.link.welcomed) this.transmit(m);
    this.emit();
    return cid;
  }

  /** The visitor's token, for the file endpoints (null before the first welcome). */
  get visitorToken(): string | null {
    return this.token;
  }

  /** Sends a failed message again with the same cid. */
  retry(cid: string): void {
    const m = this.log.pending(cid);
    if (!m || m.delivery !== 'failed') return;
    const fresh = this.log.patchPending(m, { delivery: 'queued', error: undefined });
    this.saveOutbox();
    if (this.link.welcomed) this.transmit(fresh);
    this.emit();
  }

  /** Sends the offline form (validated again here); returns its cid, or null for invalid input. */
  submitOffline(fields: OfflineFields): string | null {
    return this.offline.submit(fields);
  }

  /** Leaves the thank-you for a fresh form. */
  resetOffline(): void {
    this.offline.reset();
  }

  /** Rates the dialog the operator asked about; returns the cid, or null when there is nothing to rate. */
  rate(stars: number, comment: string): string | null {
    return this.rating.submit(stars, comment);
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
    if (this.link.welcomed) this.raw(full);
    if (type === 'contact') {
      const v = (k: string) => (typeof frame[k] === 'string' ? (frame[k] as string) : '');
      this.update({ contact: { name: v('name'), email: v('email'), phone: v('phone') } });
    }
  }

  // --- connection ---------------------------------------------------------------

  protected hello(): Record<string, unknown> {
    this.token = this.d.store.get(kKeyToken);
    return { t: 'hello', v: kProtocolVersion, token: this.token, tab: this.d.tab, page: this.d.page(), lang: this.d.lang };
  }

  protected onFrame(data: unknown): void {
    const j = parseJsonFrame(data);
    if (j && this.calls.route(j)) return;
    const f = j && parseServerFrame(j);
    if (f) this.handle(f);
  }

  /** Sends a call frame (widget/call/); false while not connected. */
  sendCall(frame: Record<string, unknown>): boolean {
    if (!this.link.welcomed) return false;
    this.raw(frame);
    return true;
  }

  protected onGone(): void {
    this.resuming = false;
    this.clear('typingTimer');
    this.clear('draftTimer');
    this.log.requeue();
    this.offline.gone();
    this.rating.gone();
    this.state.operatorTyping = false;
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
      case 'offline_ack':
        if (this.offline.ack(f.cid, f.dialog)) this.rearmAck();
        return;
      case 'rating_request':
        // A tab that has not learnt its dialog yet still shows the card.
        if (this.state.dialogId === null || this.state.dialogId === f.dialog) this.rating.asked(f.dialog);
        return;
      case 'rated':
        if (this.rating.rated(f.cid, f.dialog, f.stars)) this.rearmAck();
        return;
      case 'blocked':
        this.update({ blocked: f.blocked });
        return;
      case 'err': {
        if (this.offline.rejected(f.cid, f.code, f.message, f.field)) return this.rearmAck();
        if (this.rating.rejected(f.cid, f.code, f.message, f.field)) return this.rearmAck();
        const m = f.cid ? this.log.pending(f.cid) : undefined;
        if (m) {
          this.log.patchPending(m, { delivery: 'failed', error: f.code });
          this.saveOutbox();
          this.rearmAck();
          this.emit();
        }
        return;
      }
    }
  }

  private onWelcome(f: Extract<ServerFrame, { t: 'welcome' }>): void {
    if (f.token) this.d.store.set(kKeyToken, (this.token = f.token));
    this.state.visitorId = f.visitorId;
    this.state.site = f.site;
    this.state.blocked = f.blocked;
    this.state.everConnected = true;
    this.link.welcome();
    if (f.dialog) {
      if (this.state.dialogId !== f.dialog.id) this.switchDialog(f.dialog.id);
      if (this.log.lastSeq < f.dialog.seq) this.resume();
      else this.state.historyLoaded = true;
    } else {
      // No open dialog: a previous one was closed meanwhile; the window starts empty.
      if (this.state.dialogId !== null) this.switchDialog(null);
      this.state.historyLoaded = true;
    }
    for (const frame of Object.values(this.persistent)) this.raw(frame);
    for (const m of this.log.pendingItems) {
      if (m.delivery !== 'failed') this.transmit(m);
    }
    this.offline.connected();
    this.rating.connected();
    this.emit();
  }

  private onAck(f: Extract<ServerFrame, { t: 'ack' }>): void {
    const m = this.log.pending(f.cid);
    if (!m) return; // a late duplicate ack
    this.enterDialog(f.dialog);
    this.log.removePending(f.cid);
    this.saveOutbox();
    this.place({ ...m, id: f.id, seq: f.seq, ts: f.ts || m.ts, delivery: 'sent', error: undefined });
    this.rearmAck();
    this.emit();
  }

  private onMsg(f: Extract<ServerFrame, { t: 'msg' }>): void {
    this.enterDialog(f.dialog);
    if (this.log.has(f.seq)) return; // already have it (resume overlap, duplicate fan-out)
    const own = f.cid ? this.log.pending(f.cid) : undefined;
    if (own && f.author.kind === 'visitor') {
      // Our own message echoed (e.g. to this tab) before its ack: it is committed.
      this.log.removePending(f.cid!);
      this.saveOutbox();
    }
    const m = receivedMessage(f, f.author.kind === 'visitor');
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
    this.log.reset();
    this.resuming = false;
    this.state.dialogId = id;
    this.rating.dialogChanged(id);
  }

  private place(m: ChatMessage): void {
    if (this.log.place(m) && this.link.welcomed) this.resume();
  }

  private resume(): void {
    if (this.resuming || this.state.dialogId === null || !this.link.welcomed) return;
    this.resuming = true;
    this.raw({ t: 'resume', dialog: this.state.dialogId, after: this.log.lastSeq });
  }

  private transmit(m: ChatMessage): void {
    this.log.patchPending(m, { delivery: 'sending' });
    const frame: Record<string, unknown> = m.file ? { t: 'msg', cid: m.cid, file: m.file.id } : { t: 'msg', cid: m.cid, text: m.text };
    // The message that opens the dialog carries the pre-chat choice (routing).
    const department = departmentForMessage(this.state);
    if (department !== null) frame.department = department;
    this.raw(frame);
    this.link.expectAck();
  }

  /** Restarts the ack deadline while something is in flight; clears it otherwise. */
  private rearmAck(): void {
    this.link.settleAck(this.log.hasInFlight() || this.offline.inFlight || this.rating.inFlight);
  }

  private sendTyping(text: string, immediate: boolean): void {
    this.draft = text;
    if (!this.link.welcomed) return;
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
    this.link.send(frame);
  }

  // --- helpers ------------------------------------------------------------------

  private ownMessage(cid: string, text: string, ts: number, file?: FileInfo): ChatMessage {
    const m: ChatMessage = { key: cid, cid, id: null, seq: null, author: { kind: 'visitor' }, mine: true, text, ts, delivery: 'queued' };
    if (file) m.file = file;
    return m;
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
    for (const m of this.log.pendingItems) {
      if (m.delivery !== 'failed') items.push(m.file ? { cid: m.cid!, text: m.text, ts: m.ts, file: m.file } : { cid: m.cid!, text: m.text, ts: m.ts });
    }
    if (items.length) this.d.store.set(kKeyOutbox, JSON.stringify(items));
    else this.d.store.remove(kKeyOutbox);
  }

  private sorted(): ChatMessage[] {
    return this.log.messages();
  }

  private arm(name: 'typingTimer', ms: number, fn: () => void): void {
    this.clear(name);
    this[name] = this.d.setTimer(() => {
      this[name] = null;
      fn();
    }, ms);
  }

  private clear(name: 'typingTimer' | 'draftTimer'): void {
    const h = this[name];
    if (h !== null) this.d.clearTimer(h);
    this[name] = null;
  }

  protected emit(): void {
    this.state = { ...this.state, messages: this.sorted(), offline: this.offline.state, rating: this.rating.state };
    super.emit();
  }
}
