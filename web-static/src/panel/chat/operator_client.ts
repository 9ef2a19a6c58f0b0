// The operator's side of the realtime protocol (/ws/operator) plus the dialog REST calls,
// as one store with no DOM in it: socket, timers, clock, randomness, storage and REST are
// injected, so unit tests drive it with a fake WebSocket, a fake clock and a fake API.
//
// It keeps: the visitors on the operator's sites (VisitorRoster: snapshot + live updates),
// the dialogs (DialogList: REST list, refreshed on every welcome, + live `dialog` frames),
// each dialog's messages (ChatBook: REST history once the operator opens it, then live `msg`
// frames; after a reconnect a `resume` per loaded dialog), the visitors' typing previews and
// the operator's status. Messages typed by the operator stay in an outbox (also in storage,
// so a reload keeps them) until acked and are re-sent with the SAME cid after any reconnect,
// as the widget does. This file is the coordinator: frames in, actions out.
import { LinkClient, type LinkDeps } from '../../shared/link.ts';
import { receivedMessage } from '../../shared/message_log.ts';
import { kProtocolVersion, type TimerHandle } from '../../shared/realtime.ts';
import type { KeyValueStore } from '../../shared/storage.ts';
import type { FileInfo } from '../../shared/files.ts';
import type { DialogSummary, StoredMessage } from '../panel_api.ts';
import { ChatBook, fromStored, ownMessage, type Chat } from './chat_book.ts';
import { DialogList } from './dialog_list.ts';
import { DialogControls, kNoControls } from './dialog_controls.ts';
import { addOffer, removeOffer } from './offers.ts';
import { visitorDisplayName, type DialogEntry, type OperatorEvent, type OperatorMessage, type OperatorState } from './model.ts';
import { parseOperatorFrame, type DialogInfo, type OperatorFrame, type OperatorStatus, type TeamMember } from './protocol.ts';
import { VisitorRoster } from './visitor_roster.ts';
import { CallRouter } from '../../shared/call_route.ts';
import { parseJsonFrame } from '../../shared/realtime.ts';

export type { TeamMember } from './protocol.ts';
export { visitorDisplayName, type ChatView, type DialogEntry, type OperatorEvent, type OperatorMessage, type OperatorState } from './model.ts';
export { kKeyOutbox } from './chat_book.ts';
export { kLeftLingerMs, kSnapshotSkewMs } from './visitor_roster.ts';
export { kAckTimeoutMs } from '../../shared/link.ts';

export const kTypingExpiryMs = 6_000;
export const kTypingRefreshMs = 3_000;
export const kStartTimeoutMs = 10_000;
export const kHistoryPage = 500;

export interface OperatorRest {
  openDialogs(): Promise<DialogSummary[]>;
  messages(dialog: number, after: number, limit: number): Promise<{ messages: StoredMessage[]; last_seq: number }>;
}

export interface OperatorDeps extends LinkDeps {
  newId(): string;
  store: KeyValueStore;
  rest: OperatorRest;
}

interface StartWaiter {
  resolve(dialog: number): void;
  reject(e: Error): void;
  timer: TimerHandle;
}

export class OperatorClient extends LinkClient<OperatorState> {
  private roster: VisitorRoster;
  private dialogs = new DialogList();
  private book: ChatBook;
  private active: number | null = null;
  private desiredStatus: OperatorStatus | null = null;
  private welcomedAt = 0;
  private starts = new Map<number, StartWaiter[]>();
  private events = new Set<(e: OperatorEvent) => void>();
  private refreshing: Promise<void> | null = null;
  /** The dialog of a transfer sent and not yet confirmed by a `dialog` frame. */
  private transferring: number | null = null;
  /** Rename, block, invite, transfer to a department, transcript (F17; chat/dialog_controls.ts). */
  readonly controls: DialogControls;
  /** Call frames go to the call dock (panel/call/, shared/call_route.ts). */
  readonly calls = new CallRouter(() => {});

  constructor(private readonly d: OperatorDeps) {
    super(d, {
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
      offers: [],
      controls: kNoControls,
    });
    this.roster = new VisitorRoster(d, () => this.rebuild());
    this.book = new ChatBook(d.store);
    this.controls = new DialogControls({
      send: (frame) => {
        if (!this.link.welcomed) return false;
        this.link.send(frame);
        return true;
      },
      newId: d.newId,
      setTimer: d.setTimer,
      clearTimer: d.clearTimer,
      changed: () => this.update({ controls: this.controls.state }),
    });
    this.book.restoreOutbox(null);
    this.rebuild();
  }

  /** New visitors, new dialogs and new visitor messages as they arrive live. */
  onEvent(fn: (e: OperatorEvent) => void): () => void {
    this.events.add(fn);
    return () => this.events.delete(fn);
  }

  // --- operator actions ------------------------------------------------------------

  setStatus(status: OperatorStatus): void {
    this.desiredStatus = status;
    if (this.link.welcomed) this.link.send({ t: 'status', state: status });
  }

  /** The Visitors page is on screen: everyone listed stops being "new". */
  markVisitorsSeen(): void {
    if (this.roster.markSeen()) this.rebuild();
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
    const chat = this.book.get(id);
    if (!chat.loaded && !chat.loading) void this.loadHistory(chat);
  }

  setActive(id: number | null): void {
    this.active = id;
    if (id !== null && this.dialogs.markRead(id)) this.rebuild();
  }

  /** Queues a message; returns its cid, or null for blank text. */
  send(dialog: number, text: string): string | null {
    if (text.trim() === '') return null;
    const cid = this.d.newId();
    const chat = this.book.get(dialog);
    const m = ownMessage(dialog, cid, text, this.d.now(), this.state.user);
    chat.log.addPending(m);
    this.book.bindCid(cid, dialog);
    this.book.saveOutbox();
    if (this.link.welcomed) this.transmit(chat, m);
    this.setDraft(dialog, '');
    this.touch(chat);
    return cid;
  }

  /** F16: posts an upload (see chat/files.ts) into the dialog; kept in the outbox until acked. */
  sendFile(dialog: number, file: FileInfo): string {
    const cid = this.d.newId();
    const chat = this.book.get(dialog);
    const m = { ...ownMessage(dialog, cid, file.name, this.d.now(), this.state.user), file };
    chat.log.addPending(m);
    this.book.bindCid(cid, dialog);
    this.book.saveOutbox();
    if (this.link.welcomed) this.transmit(chat, m);
    this.touch(chat);
    return cid;
  }

  /** Sends a failed message again with the same cid. */
  retry(cid: string): void {
    const chat = this.book.ofCid(cid);
    const m = chat?.log.pending(cid);
    if (!chat || !m || m.delivery !== 'failed') return;
    const fresh = chat.log.patchPending(m, { delivery: 'queued', error: undefined });
    this.book.saveOutbox();
    if (this.link.welcomed) this.transmit(chat, fresh);
    this.touch(chat);
  }

  /** The operator's draft: only the typing on/off edge goes out, refreshed now and then. */
  setDraft(dialog: number, text: string): void {
    const chat = this.book.get(dialog);
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
    if (this.dialogs.patch(id, patch)) this.rebuild();
  }

  /** Re-reads the open dialogs (done on every welcome). */
  refreshDialogs(): Promise<void> {
    this.refreshing ??= this.d.rest
      .openDialogs()
      .then((list) => {
        this.dialogs.merge(list);
        this.rebuild();
      })
      .catch(() => {
        /* the live frames still keep the list current; the next welcome retries */
      })
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }

  // --- frames ----------------------------------------------------------------------

  protected hello(): Record<string, unknown> {
    return { t: 'hello', v: kProtocolVersion };
  }

  protected onFrame(data: unknown): void {
    const j = parseJsonFrame(data);
    if (j && this.calls.route(j)) return;
    const f = j && parseOperatorFrame(j);
    if (f) this.handle(f);
  }

  /** Sends a call frame (panel/call/); false while not connected. */
  sendCall(frame: Record<string, unknown>): boolean {
    if (!this.link.welcomed) return false;
    this.link.send(frame);
    return true;
  }

  private handle(f: OperatorFrame): void {
    switch (f.t) {
      case 'welcome':
        return this.onWelcome(f);
      case 'visitor': {
        const arrival = this.roster.upsert(f.visitor, f.snapshot, this.welcomedAt);
        this.rebuild();
        if (arrival) this.fire({ kind: 'visitor_arrived', visitor: f.visitor });
        return;
      }
      case 'visitor_left':
        if (this.roster.left(f.visitor)) this.rebuild();
        return;
      case 'dialog':
        return this.onDialog(f.dialog);
      case 'ack':
        return this.onAck(f);
      case 'msg':
        // An operator answered: the first-response offer is over.
        if (f.author.kind === 'operator' && this.state.offers.includes(f.dialog)) this.onOffer(f.dialog, false);
        return this.onMsg(f);
      case 'offer':
        return this.onOffer(f.dialog, true);
      case 'offer_taken':
        return this.onOffer(f.dialog, false);
      case 'resumed': {
        const chat = this.book.find(f.dialog);
        if (chat) chat.resuming = false;
        return;
      }
      case 'typing': {
        const chat = this.book.get(f.dialog);
        this.setTyping(chat, f.active ? f.text : null);
        this.touch(chat);
        return;
      }
      case 'status':
        this.update({ status: f.state });
        return;
      case 'team':
        this.update({ team: { ...this.state.team, [f.site]: f.operators } });
        return;
      case 'visitor_name': {
        // "" resets to the contact name (or "Visitor #id" in the pages).
        const v = this.roster.get(f.visitor);
        if (v) this.roster.patch(f.visitor, { name: f.name });
        this.dialogs.renameVisitor(f.visitor, f.name || v?.contact.name.trim() || '');
        this.rebuild();
        return;
      }
      case 'visitor_blocked':
        return this.controls.onBlocked(f.visitor, f.blocked);
      case 'done':
        this.controls.onDone(f);
        return;
      case 'err':
        return this.onErr(f);
    }
  }

  private onWelcome(f: Extract<OperatorFrame, { t: 'welcome' }>): void {
    this.link.welcome();
    this.welcomedAt = this.d.now();
    // The snapshot that follows lists everyone still here; visitors who left while we
    // were away would otherwise linger.
    this.roster.clear();
    // Rosters follow in `team` frames; drop those of sites we no longer belong to.
    const team: Record<string, TeamMember[]> = {};
    for (const site of f.sites) if (this.state.team[site.id]) team[site.id] = this.state.team[site.id]!;
    this.transferring = null;
    // Open offers are sent again after every welcome.
    this.state = { ...this.state, user: f.user, sites: f.sites, status: f.status, everConnected: true, team, offers: [] };
    if (this.desiredStatus && this.desiredStatus !== f.status) this.link.send({ t: 'status', state: this.desiredStatus });
    for (const chat of this.book.chats.values()) {
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

  private onDialog(d: DialogInfo): void {
    const me = this.state.user?.id;
    const { prev, entry } = this.dialogs.apply(d, visitorDisplayName(this.roster.get(d.visitor)) || '', this.d.now());
    if (this.transferring === d.id) this.transferring = null;
    const v = this.roster.get(d.visitor);
    if (v) {
      const dialog = d.status === 'open' ? d.id : v.dialog === d.id ? null : v.dialog;
      if (dialog !== v.dialog) this.roster.patch(v.id, { dialog });
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
      else if (me !== undefined && d.assignee === me && prev.assignee !== me) this.fire({ kind: 'transferred_to_me', dialog: entry });
    }
  }

  private onAck(f: Extract<OperatorFrame, { t: 'ack' }>): void {
    const chat = this.book.ofCid(f.cid);
    const m = chat?.log.pending(f.cid);
    if (!chat || !m) return; // a late duplicate ack
    chat.log.removePending(f.cid);
    this.book.dropCid(f.cid);
    this.book.saveOutbox();
    const sent: OperatorMessage = { ...m, id: f.id, seq: f.seq, ts: f.ts || m.ts, delivery: 'sent', error: undefined };
    this.place(chat, sent);
    this.dialogs.noteLast(chat.id, sent);
    this.rearmAck();
    this.touch(chat);
  }

  private onMsg(f: Extract<OperatorFrame, { t: 'msg' }>): void {
    const chat = this.book.get(f.dialog);
    if (chat.log.has(f.seq)) return; // resume overlap, REST/live overlap, another tab's echo
    const me = this.state.user?.id;
    const mine = f.author.kind === 'operator' && me !== undefined && f.author.id === me;
    if (f.cid && mine && chat.log.pending(f.cid)) {
      // Our own message echoed (to this or another tab) before its ack: it is committed.
      chat.log.removePending(f.cid);
      this.book.dropCid(f.cid);
      this.book.saveOutbox();
    }
    const m: OperatorMessage = { ...receivedMessage(f, mine), dialog: f.dialog };
    const before = this.dialogs.get(f.dialog);
    const fresh = !before || f.seq > before.lastSeq;
    if (f.author.kind === 'visitor') this.setTyping(chat, null);
    this.place(chat, m);
    this.dialogs.noteLast(f.dialog, m);
    if (f.author.kind === 'visitor' && fresh && this.active !== f.dialog) this.dialogs.bumpUnread(f.dialog);
    this.rearmAck();
    this.touch(chat);
    const entry = this.dialogs.get(f.dialog);
    if (!entry) void this.refreshDialogs(); // a dialog we have not heard of: fetch the list
    if (f.author.kind === 'visitor' && fresh && !chat.resuming && entry) this.fire({ kind: 'visitor_message', dialog: entry, message: m, onScreen: this.active === f.dialog });
  }

  /** Takes a dialog offered after the site's first-response time (`take`; §4 routing). */
  take(dialog: number): boolean {
    if (!this.link.welcomed || !this.state.offers.includes(dialog)) return false;
    this.link.send({ t: 'take', dialog });
    // The `dialog` and `offer_taken` frames confirm it; a conflict means someone was faster.
    this.onOffer(dialog, false);
    return true;
  }

  private onOffer(dialog: number, on: boolean): void {
    const offers = on ? addOffer(this.state.offers, dialog) : removeOffer(this.state.offers, dialog);
    if (offers === this.state.offers) return;
    this.update({ offers });
    const entry = on ? this.state.dialogs.find((d) => d.id === dialog) : undefined;
    if (entry) this.fire({ kind: 'dialog_offered', dialog: entry });
  }

  private onErr(f: Extract<OperatorFrame, { t: 'err' }>): void {
    if (this.controls.onErr(f)) return;
    if (!f.cid && this.transferring !== null) {
      // Errors of non-message frames carry no cid; the pending transfer is the one refused.
      this.state = { ...this.state, transferError: { dialog: this.transferring, code: f.code } };
      this.transferring = null;
      this.emit();
      return;
    }
    const chat = f.cid ? this.book.ofCid(f.cid) : undefined;
    const m = f.cid ? chat?.log.pending(f.cid) : undefined;
    if (chat && m) {
      chat.log.patchPending(m, { delivery: 'failed', error: f.code });
      this.book.saveOutbox();
      this.rearmAck();
      this.touch(chat);
    }
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

  protected onGone(): void {
    this.controls.linkLost();
    for (const chat of this.book.chats.values()) {
      chat.log.requeue();
      chat.resuming = false;
      chat.draftActive = false;
      if (chat.typing !== null) this.setTyping(chat, null);
      chat.view = null;
    }
    this.rebuild();
  }

  // --- history, resume and delivery ---------------------------------------------------

  private async loadHistory(chat: Chat): Promise<void> {
    chat.loading = true;
    chat.error = null;
    this.touch(chat);
    try {
      let after = 0;
      for (let page = 0; page < 100; page++) {
        const res = await this.d.rest.messages(chat.id, after, kHistoryPage);
        for (const s of res.messages) {
          if (!chat.log.has(s.seq)) chat.log.place(fromStored(chat.id, s, this.state.user?.id));
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
    this.link.send(m.file ? { t: 'msg', dialog: chat.id, cid: m.cid, file: m.file.id } : { t: 'msg', dialog: chat.id, cid: m.cid, text: m.text });
    this.link.expectAck();
    chat.view = null;
  }

  /** Restarts the ack deadline while something is in flight; clears it otherwise. */
  private rearmAck(): void {
    this.link.settleAck(this.book.hasInFlight());
  }

  // --- snapshot ---------------------------------------------------------------------

  private fire(e: OperatorEvent): void {
    for (const fn of this.events) fn(e);
  }

  private touch(chat: Chat): void {
    chat.view = null;
    this.rebuild();
  }

  /** Recomputes the derived snapshot (only the chats that changed) and notifies. */
  private rebuild(): void {
    const chats = this.book.views(this.state.user?.id);
    const { visitors, newVisitors } = this.roster.view();
    this.update({ visitors, newVisitors, dialogs: this.dialogs.view(), chats });
  }
}
