// The operator's side of the realtime protocol (/ws/operator) plus the dialog REST calls,
// as one store with no DOM in it: socket, timers, clock, randomness, storage and REST are
// injected, so unit tests drive it with a fake WebSocket, a fake clock and a fake API.
//
// It keeps: the visitors on the operator's sites (snapshot + live updates), the dialogs
// (REST list, refreshed on every welcome, + live `dialog` frames), each dialog's messages
// (REST history once the operator opens it, then live `msg` frames; after a reconnect a
// `resume` per loaded dialog), the visitors' typing previews and the operator's status.
// Messages typed by the operator stay in an outbox (also in storage, so a reload keeps
// them) until acked and are re-sent with the SAME cid after any reconnect, as the widget does.
import { Link, type LinkDeps } from '../../shared/link.ts';
import { MessageLog } from '../../shared/message_log.ts';
import { kProtocolVersion, type Author, type TimerHandle } from '../../shared/realtime.ts';
import type { KeyValueStore } from '../../shared/storage.ts';
import type { DialogSummary, StoredMessage } from '../panel_api.ts';
import { mergeOpenDialogs, parseOutbox, visitorDisplayName, type ChatView, type DialogEntry, type OperatorEvent, type OperatorMessage, type OperatorState, type StoredOutboxItem } from './model.ts';
import { parseOperatorFrame, type DialogInfo, type OperatorFrame, type OperatorStatus, type TeamMember, type VisitorInfo } from './protocol.ts';

export type { TeamMember } from './protocol.ts';
export { visitorDisplayName, type ChatView, type DialogEntry, type OperatorEvent, type OperatorMessage, type OperatorState } from './model.ts';

export const kAckTimeoutMs = 15_000;
export const kTypingExpiryMs = 6_000;
export const kTypingRefreshMs = 3_000;
export const kStartTimeoutMs = 10_000;
/** Visitors that connected this long before our welcome are part of the snapshot, not arrivals. */
export const kSnapshotSkewMs = 3_000;
export const kHistoryPage = 500;
/** A visitor who left stays listed (marked "left") this long. */
export const kLeftLingerMs = 60_000;
export const kKeyOutbox = 'outbox';

export interface OperatorRest {
  openDialogs(): Promise<DialogSummary[]>;
  messages(dialog: number, after: number, limit: number): Promise<{ messages: StoredMessage[]; last_seq: number }>;
}

export interface OperatorDeps extends LinkDeps {
  newId(): string;
  store: KeyValueStore;
  rest: OperatorRest;
}

interface Chat {
  id: number;
  log: MessageLog<OperatorMessage>;
  loaded: boolean;
  loading: boolean;
  error: string | null;
  resuming: boolean;
  typing: string | null;
  typingTimer: TimerHandle | null;
  draftActive: boolean;
  draftSentAt: number;
  view: ChatView | null;
}

interface StartWaiter {
  resolve(dialog: number): void;
  reject(e: Error): void;
  timer: TimerHandle;
}

export class OperatorClient {
  private link: Link;
  private visitors = new Map<number, VisitorInfo>();
  private known = new Set<number>();
  private seen = new Set<number>();
  private leftStamp = new Map<number, number>();
  private leaveCount = 0;
  private dialogs = new Map<number, DialogEntry>();
  private chats = new Map<number, Chat>();
  private cidDialog = new Map<string, number>();
  private active: number | null = null;
  private desiredStatus: OperatorStatus | null = null;
  private welcomedAt = 0;
  private ackTimer: TimerHandle | null = null;
  private starts = new Map<number, StartWaiter[]>();
  private listeners = new Set<(s: OperatorState) => void>();
  private events = new Set<(e: OperatorEvent) => void>();
  private refreshing: Promise<void> | null = null;
  /** The dialog of a transfer sent and not yet confirmed by a `dialog` frame. */
  private transferring: number | null = null;
  private state: OperatorState = {
    conn: 'stopped',
    everConnected: false,
    attempt: 0,
    retryAt: null,
    user: null,
    sites: [],
    status: 'online',
    visitors: [],
    newVisitors: 0,
    dialogs: [],
    chats: {},
    team: {},
    transferError: null,
  };

  constructor(private readonly d: OperatorDeps) {
    this.link = new Link(d, {
      hello: () => ({ t: 'hello', v: kProtocolVersion }),
      frame: (data) => {
        const f = parseOperatorFrame(data);
        if (f) this.handle(f);
      },
      gone: () => this.onGone(),
      status: (s) => {
        this.state = { ...this.state, ...s };
        this.emit();
      },
    });
    for (const item of this.loadOutbox()) {
      const chat = this.chat(item.dialog);
      chat.log.addPending(this.ownMessage(item.dialog, item.cid, item.text, item.ts));
      this.cidDialog.set(item.cid, item.dialog);
    }
    this.rebuild();
  }

  get snapshot(): OperatorState {
    return this.state;
  }

  subscribe(fn: (s: OperatorState) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** New visitors, new dialogs and new visitor messages as they arrive live. */
  onEvent(fn: (e: OperatorEvent) => void): () => void {
    this.events.add(fn);
    return () => this.events.delete(fn);
  }

  start(): void {
    this.link.start();
  }

  stop(): void {
    this.link.stop();
  }

  reconnectNow(): void {
    this.link.reconnectNow();
  }

  // --- operator actions ------------------------------------------------------------

  setStatus(status: OperatorStatus): void {
    this.desiredStatus = status;
    if (this.link.welcomed) this.link.send({ t: 'status', state: status });
  }

  /** The Visitors page is on screen: everyone listed stops being "new". */
  markVisitorsSeen(): void {
    let changed = false;
    for (const id of this.visitors.keys()) {
      if (!this.seen.has(id)) {
        this.seen.add(id);
        changed = true;
      }
    }
    if (changed) this.rebuild();
  }

  /** Opens (or finds) the visitor's dialog; resolves with its id once the server announces it. */
  startChat(visitor: number): Promise<number> {
    if (!this.link.welcomed) return Promise.reject(new Error('offline'));
    return new Promise((resolve, reject) => {
      const waiter: StartWaiter = {
        resolve,
        reject,
        timer: this.d.setTimer(() => {
          this.starts.set(visitor, (this.starts.get(visitor) ?? []).filter((w) => w !== waiter));
          reject(new Error('timeout'));
        }, kStartTimeoutMs),
      };
      this.starts.set(visitor, [...(this.starts.get(visitor) ?? []), waiter]);
      this.link.send({ t: 'start', visitor });
    });
  }

  /** The dialog is on screen: load its history once, and count nothing in it as unread. */
  openChat(id: number): void {
    this.setActive(id);
    const chat = this.chat(id);
    if (!chat.loaded && !chat.loading) void this.loadHistory(chat);
  }

  setActive(id: number | null): void {
    this.active = id;
    const entry = id === null ? undefined : this.dialogs.get(id);
    if (entry && entry.unread !== 0) {
      this.dialogs.set(entry.id, { ...entry, unread: 0 });
      this.rebuild();
    }
  }

  /** Queues a message; returns its cid, or null for blank text. */
  send(dialog: number, text: string): string | null {
    if (text.trim() === '') return null;
    const cid = this.d.newId();
    const chat = this.chat(dialog);
    const m = this.ownMessage(dialog, cid, text, this.d.now());
    chat.log.addPending(m);
    this.cidDialog.set(cid, dialog);
    this.saveOutbox();
    if (this.link.welcomed) this.transmit(chat, m);
    this.setDraft(dialog, '');
    this.touch(chat);
    return cid;
  }

  /** Sends a failed message again with the same cid. */
  retry(cid: string): void {
    const chat = this.chatOfCid(cid);
    const m = chat?.log.pending(cid);
    if (!chat || !m || m.delivery !== 'failed') return;
    const fresh = chat.log.patchPending(m, { delivery: 'queued', error: undefined });
    this.saveOutbox();
    if (this.link.welcomed) this.transmit(chat, fresh);
    this.touch(chat);
  }

  /** The operator's draft: only the typing on/off edge goes out, refreshed now and then. */
  setDraft(dialog: number, text: string): void {
    const chat = this.chat(dialog);
    const active = text.trim() !== '';
    const now = this.d.now();
    if (!this.link.welcomed) return;
    if (active === chat.draftActive && (!active || now - chat.draftSentAt < kTypingRefreshMs)) return;
    chat.draftActive = active;
    chat.draftSentAt = now;
    this.link.send({ t: 'typing', dialog, active });
  }

  /** Asks the visitor to rate the dialog (F17); false while disconnected (nothing is queued). */
  requestRating(dialog: number): boolean {
    if (!this.link.welcomed) return false;
    this.link.send({ t: 'rate_request', dialog });
    return true;
  }

  /** Hands the dialog over to another operator (F17); false while disconnected (nothing is queued). */
  transfer(dialog: number, user: number): boolean {
    if (!this.link.welcomed) return false;
    this.transferring = dialog;
    this.state = { ...this.state, transferError: null };
    this.link.send({ t: 'transfer', dialog, user });
    this.emit();
    return true;
  }

  /** The site's operators other than me who are online now: whom a dialog can go to. */
  transferTargets(site: string): TeamMember[] {
    const me = this.state.user?.id;
    return (this.state.team[site] ?? []).filter((o) => o.online && o.id !== me);
  }

  /** After a successful REST close/important call: reflect it at once. */
  patchDialog(id: number, patch: Partial<Pick<DialogEntry, 'status' | 'important'>>): void {
    const entry = this.dialogs.get(id);
    if (!entry) return;
    this.dialogs.set(id, { ...entry, ...patch });
    this.rebuild();
  }

  /** Re-reads the open dialogs (done on every welcome). */
  refreshDialogs(): Promise<void> {
    this.refreshing ??= this.d.rest
      .openDialogs()
      .then((list) => this.mergeDialogs(list))
      .catch(() => {
        /* the live frames still keep the list current; the next welcome retries */
      })
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }

  // --- frames ----------------------------------------------------------------------

  private handle(f: OperatorFrame): void {
    switch (f.t) {
      case 'welcome':
        return this.onWelcome(f);
      case 'visitor':
        return this.onVisitor(f.visitor, f.snapshot);
      case 'visitor_left':
        return this.onVisitorLeft(f.visitor);
      case 'dialog':
        return this.onDialog(f.dialog);
      case 'ack':
        return this.onAck(f);
      case 'msg':
        return this.onMsg(f);
      case 'resumed': {
        const chat = this.chats.get(f.dialog);
        if (chat) chat.resuming = false;
        return;
      }
      case 'typing':
        return this.onTyping(f.dialog, f.text, f.active);
      case 'status':
        this.state = { ...this.state, status: f.state };
        this.emit();
        return;
      case 'team':
        this.state = { ...this.state, team: { ...this.state.team, [f.site]: f.operators } };
        this.emit();
        return;
      case 'err': {
        if (!f.cid && this.transferring !== null) {
          // Errors of non-message frames carry no cid; the pending transfer is the one refused.
          this.state = { ...this.state, transferError: { dialog: this.transferring, code: f.code } };
          this.transferring = null;
          this.emit();
          return;
        }
        const chat = f.cid ? this.chatOfCid(f.cid) : undefined;
        const m = f.cid ? chat?.log.pending(f.cid) : undefined;
        if (chat && m) {
          chat.log.patchPending(m, { delivery: 'failed', error: f.code });
          this.saveOutbox();
          this.rearmAck();
          this.touch(chat);
        }
        return;
      }
    }
  }

  private onWelcome(f: Extract<OperatorFrame, { t: 'welcome' }>): void {
    this.link.welcome();
    this.welcomedAt = this.d.now();
    // The snapshot that follows lists everyone still here; visitors who left while we
    // were away would otherwise linger.
    this.visitors.clear();
    // Rosters follow in `team` frames; drop those of sites we no longer belong to.
    const team: Record<string, TeamMember[]> = {};
    for (const site of f.sites) if (this.state.team[site.id]) team[site.id] = this.state.team[site.id]!;
    this.transferring = null;
    this.state = { ...this.state, user: f.user, sites: f.sites, status: f.status, everConnected: true, team };
    if (this.desiredStatus && this.desiredStatus !== f.status) this.link.send({ t: 'status', state: this.desiredStatus });
    for (const chat of this.chats.values()) {
      chat.resuming = false;
      if (chat.loaded) this.resume(chat);
      for (let m of chat.log.pendingItems) {
        // Typed before we knew who we are (right after a reload): sign them now.
        if (m.author.id === undefined) m = chat.log.patchPending(m, { author: { kind: 'operator', id: f.user.id, name: f.user.name } });
        if (m.delivery !== 'failed') this.transmit(chat, m);
      }
      chat.view = null;
    }
    this.rebuild();
    void this.refreshDialogs();
  }

  private onVisitor(v: VisitorInfo, snapshot: boolean): void {
    const arrival =
      !snapshot && !this.known.has(v.id) && (v.since === 0 || v.since >= this.welcomedAt - kSnapshotSkewMs);
    this.known.add(v.id);
    this.visitors.set(v.id, v);
    this.rebuild();
    if (arrival) this.fire({ kind: 'visitor_arrived', visitor: v });
  }

  private onVisitorLeft(id: number): void {
    const v = this.visitors.get(id);
    if (!v) return;
    this.visitors.set(id, { ...v, state: 'left' });
    const stamp = ++this.leaveCount;
    this.leftStamp.set(id, stamp);
    this.rebuild();
    this.d.setTimer(() => {
      // Unless the visitor came back meanwhile (and maybe left again later).
      if (this.visitors.get(id)?.state === 'left' && this.leftStamp.get(id) === stamp) {
        this.leftStamp.delete(id);
        this.visitors.delete(id);
        this.rebuild();
      }
    }, kLeftLingerMs);
  }

  private onDialog(d: DialogInfo): void {
    const prev = this.dialogs.get(d.id);
    const entry: DialogEntry = {
      id: d.id,
      site: d.site || prev?.site || '',
      visitor: d.visitor,
      visitorName: prev?.visitorName || visitorDisplayName(this.visitors.get(d.visitor)) || '',
      status: d.status,
      lastSeq: Math.max(d.lastSeq, prev?.lastSeq ?? 0),
      lastMessage: prev?.lastMessage ?? '',
      lastMessageAt: prev?.lastMessageAt ?? this.d.now(),
      important: prev?.important ?? false,
      assignee: d.assignee,
      rating: d.rating !== undefined ? d.rating : (prev?.rating ?? null),
      ratingComment: d.ratingComment !== undefined ? d.ratingComment : (prev?.ratingComment ?? ''),
      unread: prev?.unread ?? 0,
    };
    this.dialogs.set(d.id, entry);
    if (this.transferring === d.id) this.transferring = null;
    const v = this.visitors.get(d.visitor);
    if (v) {
      const dialog = d.status === 'open' ? d.id : v.dialog === d.id ? null : v.dialog;
      if (dialog !== v.dialog) this.visitors.set(v.id, { ...v, dialog });
    }
    this.rebuild();
    if (d.status === 'open') {
      const waiters = this.starts.get(d.visitor) ?? [];
      this.starts.delete(d.visitor);
      for (const w of waiters) {
        this.d.clearTimer(w.timer);
        w.resolve(d.id);
      }
      if (!prev || prev.status !== 'open') this.fire({ kind: 'dialog_opened', dialog: entry });
    }
  }

  private onAck(f: Extract<OperatorFrame, { t: 'ack' }>): void {
    const chat = this.chatOfCid(f.cid);
    const m = chat?.log.pending(f.cid);
    if (!chat || !m) return; // a late duplicate ack
    chat.log.removePending(f.cid);
    this.cidDialog.delete(f.cid);
    this.saveOutbox();
    const sent: OperatorMessage = { ...m, id: f.id, seq: f.seq, ts: f.ts || m.ts, delivery: 'sent', error: undefined };
    this.place(chat, sent);
    this.noteLast(chat.id, sent);
    this.rearmAck();
    this.touch(chat);
  }

  private onMsg(f: Extract<OperatorFrame, { t: 'msg' }>): void {
    const chat = this.chat(f.dialog);
    if (chat.log.has(f.seq)) return; // resume overlap, REST/live overlap, another tab's echo
    const me = this.state.user?.id;
    const mine = f.author.kind === 'operator' && me !== undefined && f.author.id === me;
    if (f.cid && mine && chat.log.pending(f.cid)) {
      // Our own message echoed (to this or another tab) before its ack: it is committed.
      chat.log.removePending(f.cid);
      this.cidDialog.delete(f.cid);
      this.saveOutbox();
    }
    const m: OperatorMessage = {
      key: f.cid ?? 'id:' + f.id,
      dialog: f.dialog,
      cid: f.cid,
      id: f.id,
      seq: f.seq,
      author: f.author,
      mine,
      text: f.text,
      ts: f.ts,
      delivery: 'sent',
    };
    const before = this.dialogs.get(f.dialog);
    const fresh = !before || f.seq > before.lastSeq;
    if (f.author.kind === 'visitor') this.setTyping(chat, null);
    this.place(chat, m);
    this.noteLast(f.dialog, m);
    if (f.author.kind === 'visitor' && fresh && this.active !== f.dialog) {
      const e = this.dialogs.get(f.dialog);
      if (e) this.dialogs.set(e.id, { ...e, unread: e.unread + 1 });
    }
    this.rearmAck();
    this.touch(chat);
    const entry = this.dialogs.get(f.dialog);
    if (!entry) void this.refreshDialogs(); // a dialog we have not heard of: fetch the list
    if (f.author.kind === 'visitor' && fresh && !chat.resuming && entry) this.fire({ kind: 'visitor_message', dialog: entry, message: m, onScreen: this.active === f.dialog });
  }

  private onTyping(dialog: number, text: string, active: boolean): void {
    const chat = this.chat(dialog);
    this.setTyping(chat, active ? text : null);
    this.touch(chat);
  }

  private setTyping(chat: Chat, text: string | null): void {
    if (chat.typingTimer !== null) this.d.clearTimer(chat.typingTimer);
    chat.typingTimer = null;
    chat.typing = text;
    chat.view = null;
    if (text !== null) {
      chat.typingTimer = this.d.setTimer(() => {
        chat.typingTimer = null;
        chat.typing = null;
        this.touch(chat);
      }, kTypingExpiryMs);
    }
  }

  private onGone(): void {
    if (this.ackTimer !== null) this.d.clearTimer(this.ackTimer);
    this.ackTimer = null;
    for (const chat of this.chats.values()) {
      chat.log.requeue();
      chat.resuming = false;
      chat.draftActive = false;
      if (chat.typing !== null) this.setTyping(chat, null);
      chat.view = null;
    }
    this.rebuild();
  }

  // --- history and resume -------------------------------------------------------------

  private async loadHistory(chat: Chat): Promise<void> {
    chat.loading = true;
    chat.error = null;
    this.touch(chat);
    try {
      let after = 0;
      for (let page = 0; page < 100; page++) {
        const res = await this.d.rest.messages(chat.id, after, kHistoryPage);
        for (const s of res.messages) {
          if (!chat.log.has(s.seq)) chat.log.place(this.fromStored(chat.id, s));
        }
        const last = res.messages[res.messages.length - 1];
        if (!last || res.messages.length < kHistoryPage || last.seq >= res.last_seq) break;
        after = last.seq;
      }
      chat.loaded = true;
      // Live frames may have arrived while the history was on its way; fill any hole.
      if (chat.log.lastSeq < chat.log.maxSeq) this.resume(chat);
    } catch (e) {
      chat.error = (e as { code?: string }).code ?? 'network';
    } finally {
      chat.loading = false;
      this.touch(chat);
    }
  }

  private place(chat: Chat, m: OperatorMessage): void {
    if (chat.log.place(m) && chat.loaded) this.resume(chat);
  }

  private resume(chat: Chat): void {
    if (chat.resuming || !this.link.welcomed) return;
    chat.resuming = true;
    this.link.send({ t: 'resume', dialog: chat.id, after: chat.log.lastSeq });
  }

  private transmit(chat: Chat, m: OperatorMessage): void {
    chat.log.patchPending(m, { delivery: 'sending' });
    this.link.send({ t: 'msg', dialog: chat.id, cid: m.cid, text: m.text });
    if (this.ackTimer === null) this.armAck();
    chat.view = null;
  }

  private armAck(): void {
    this.ackTimer = this.d.setTimer(() => {
      this.ackTimer = null;
      this.link.fail();
    }, kAckTimeoutMs);
  }

  /** Restarts the ack deadline while something is in flight; clears it otherwise. */
  private rearmAck(): void {
    if (this.ackTimer !== null) this.d.clearTimer(this.ackTimer);
    this.ackTimer = null;
    for (const chat of this.chats.values()) {
      if (chat.log.hasInFlight()) {
        this.armAck();
        return;
      }
    }
  }

  // --- dialogs list -------------------------------------------------------------------

  private mergeDialogs(list: DialogSummary[]): void {
    mergeOpenDialogs(this.dialogs, list);
    this.rebuild();
  }

  private noteLast(dialog: number, m: OperatorMessage): void {
    const e = this.dialogs.get(dialog);
    if (!e || (m.seq ?? 0) < e.lastSeq) return;
    this.dialogs.set(dialog, { ...e, lastSeq: m.seq ?? e.lastSeq, lastMessage: m.text, lastMessageAt: m.ts || e.lastMessageAt });
  }

  // --- helpers ----------------------------------------------------------------------

  private chat(id: number): Chat {
    let chat = this.chats.get(id);
    if (!chat) {
      chat = {
        id,
        log: new MessageLog<OperatorMessage>(),
        loaded: false,
        loading: false,
        error: null,
        resuming: false,
        typing: null,
        typingTimer: null,
        draftActive: false,
        draftSentAt: 0,
        view: null,
      };
      this.chats.set(id, chat);
    }
    return chat;
  }

  private chatOfCid(cid: string): Chat | undefined {
    const id = this.cidDialog.get(cid);
    return id === undefined ? undefined : this.chats.get(id);
  }

  private ownMessage(dialog: number, cid: string, text: string, ts: number): OperatorMessage {
    const author: Author = { kind: 'operator' };
    if (this.state.user) {
      author.id = this.state.user.id;
      author.name = this.state.user.name;
    }
    return { key: cid, dialog, cid, id: null, seq: null, author, mine: true, text, ts, delivery: 'queued' };
  }

  private fromStored(dialog: number, s: StoredMessage): OperatorMessage {
    const me = this.state.user?.id;
    return {
      key: s.cid ?? 'id:' + s.id,
      dialog,
      cid: s.cid,
      id: s.id,
      seq: s.seq,
      author: s.author,
      mine: s.author.kind === 'operator' && me !== undefined && s.author.id === me,
      text: s.text,
      ts: s.ts,
      delivery: 'sent',
    };
  }

  private loadOutbox(): StoredOutboxItem[] {
    return parseOutbox(this.d.store.get(kKeyOutbox));
  }

  private saveOutbox(): void {
    const items: StoredOutboxItem[] = [];
    for (const chat of this.chats.values()) {
      for (const m of chat.log.pendingItems) {
        if (m.delivery !== 'failed') items.push({ cid: m.cid!, dialog: chat.id, text: m.text, ts: m.ts });
      }
    }
    if (items.length) this.d.store.set(kKeyOutbox, JSON.stringify(items));
    else this.d.store.remove(kKeyOutbox);
  }

  private fire(e: OperatorEvent): void {
    for (const fn of this.events) fn(e);
  }

  private touch(chat: Chat): void {
    chat.view = null;
    this.rebuild();
  }

  /** Recomputes the derived snapshot (only the chats that changed) and notifies. */
  private rebuild(): void {
    const me = this.state.user?.id;
    const chats: Record<number, ChatView> = {};
    for (const chat of this.chats.values()) {
      chat.view ??= {
        loaded: chat.loaded,
        loading: chat.loading,
        error: chat.error,
        messages: chat.log
          .messages()
          .map((m) => (m.mine || m.author.kind !== 'operator' || me === undefined || m.author.id !== me ? m : { ...m, mine: true })),
        typing: chat.typing,
      };
      chats[chat.id] = chat.view;
    }
    const visitors = [...this.visitors.values()].sort((a, b) => b.since - a.since || b.id - a.id);
    let newVisitors = 0;
    for (const v of visitors) if (v.dialog === null && v.state !== 'left' && !this.seen.has(v.id)) newVisitors++;
    const dialogs = [...this.dialogs.values()].sort((a, b) => b.lastMessageAt - a.lastMessageAt || b.id - a.id);
    this.state = { ...this.state, visitors, newVisitors, dialogs, chats };
    this.emit();
  }

  private emit(): void {
    for (const fn of this.listeners) fn(this.state);
  }
}
