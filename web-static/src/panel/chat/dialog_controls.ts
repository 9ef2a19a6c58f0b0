// Dialog controls (F17) on the operator side: rename and block/unblock a visitor, invite a
// colleague into a group dialog, transfer to a department, e-mail the transcript. Each request
// goes out as an operator frame with a cid (daemon/realtime/protocol.md, "Dialog controls");
// the `done` or `err` carrying that cid settles it. No DOM here: the operator client feeds the
// frames in and the pages read ControlsState from the client's snapshot.
import type { TimerHandle } from '../../shared/realtime.ts';
import type { DialogEntry } from './model.ts';
import type { BlockedVisitor, TeamMember } from './protocol.ts';

export type ControlOp = 'rename' | 'block' | 'invite' | 'transfer' | 'transcript';

export interface ControlRequest {
  cid: string;
  op: ControlOp;
  dialog: number | null;
  visitor: number | null;
}

export interface ControlOutcome extends ControlRequest {
  ok: boolean;
  /** Error code from the server (`not_found`, `invalid`, `conflict`, `forbidden`), or `offline` / `timeout`. */
  code?: string;
  field?: string;
  /** transcript: the address the server used. */
  email?: string;
}

export interface ControlsState {
  pending: readonly ControlRequest[];
  /** The latest settled request, shown by the pane until the next one. */
  last: ControlOutcome | null;
  /** Blocked visitors of my sites as far as known (the REST list plus live frames), by id. */
  blocked: Readonly<Record<number, BlockedVisitor>>;
}

export const kNoControls: ControlsState = { pending: [], last: null, blocked: {} };
/** Cids of control frames start with this, so their errors never reach the message outbox. */
export const kControlCidPrefix = 'ctl-';
export const kControlTimeoutMs = 15_000;

export interface ControlsDeps {
  /** Sends a frame; false while disconnected (control requests are never queued). */
  send(frame: Record<string, unknown>): boolean;
  newId(): string;
  setTimer(fn: () => void, ms: number): TimerHandle;
  clearTimer(h: TimerHandle): void;
  changed(): void;
}

export class DialogControls {
  private value: ControlsState = kNoControls;
  private timers = new Map<string, TimerHandle>();

  constructor(private readonly d: ControlsDeps) {}

  get state(): ControlsState {
    return this.value;
  }

  isPending(op: ControlOp, target: { dialog?: number; visitor?: number }): boolean {
    return this.value.pending.some((p) => p.op === op && (target.dialog === undefined || p.dialog === target.dialog) && (target.visitor === undefined || p.visitor === target.visitor));
  }

  // --- actions: each returns the request's cid, or null when it could not be sent ------------

  /** Names the visitor for every operator of the site; "" resets to the contact name. */
  rename(visitor: number, name: string): string | null {
    return this.request({ op: 'rename', dialog: null, visitor }, { t: 'rename', visitor, name: name.trim() });
  }

  block(visitor: number, blocked: boolean): string | null {
    return this.request({ op: 'block', dialog: null, visitor }, { t: 'block', visitor, blocked });
  }

  invite(dialog: number, user: number): string | null {
    return this.request({ op: 'invite', dialog, visitor: null }, { t: 'invite', dialog, user });
  }

  transferToDepartment(dialog: number, department: number): string | null {
    return this.request({ op: 'transfer', dialog, visitor: null }, { t: 'transfer', dialog, department });
  }

  /** E-mails the transcript; without an address the server uses the visitor's contact e-mail. */
  transcript(dialog: number, email?: string): string | null {
    const to = email?.trim() ?? '';
    return this.request({ op: 'transcript', dialog, visitor: null }, to === '' ? { t: 'transcript', dialog } : { t: 'transcript', dialog, email: to });
  }

  /** Forgets the last outcome (the operator dismissed it or moved to another dialog). */
  dismiss(): void {
    if (this.value.last === null) return;
    this.set({ ...this.value, last: null });
  }

  // --- frames ---------------------------------------------------------------------------------

  /** A `done` frame; true when it settled one of our requests. */
  onDone(f: { op: string; cid: string | null; email: string }): boolean {
    const req = this.take(f.cid);
    if (!req) return false;
    this.settle({ ...req, ok: true, ...(f.email ? { email: f.email } : {}) });
    return true;
  }

  /** An `err` frame; true when its cid was one of our requests (the caller then ignores it). */
  onErr(f: { cid: string | null; code: string; field?: string }): boolean {
    if (!f.cid?.startsWith(kControlCidPrefix)) return false;
    const req = this.take(f.cid);
    if (req) this.settle({ ...req, ok: false, code: f.code, ...(f.field ? { field: f.field } : {}) });
    return true;
  }

  /** `visitor_blocked`: keeps the Blocked list live. */
  onBlocked(visitor: BlockedVisitor, blocked: boolean): void {
    const next = { ...this.value.blocked };
    if (blocked) next[visitor.id] = visitor;
    else delete next[visitor.id];
    this.set({ ...this.value, blocked: next });
  }

  /** GET /api/panel/blocked-visitors answered: it replaces what we knew. */
  setBlocked(list: BlockedVisitor[]): void {
    const next: Record<number, BlockedVisitor> = {};
    for (const v of list) next[v.id] = v;
    this.set({ ...this.value, blocked: next });
  }

  /** The socket went away: requests in flight may or may not have been done; say so. */
  linkLost(): void {
    const pending = this.value.pending;
    if (pending.length === 0) return;
    for (const h of this.timers.values()) this.d.clearTimer(h);
    this.timers.clear();
    const lastReq = pending[pending.length - 1]!;
    this.set({ ...this.value, pending: [], last: { ...lastReq, ok: false, code: 'offline' } });
  }

  // --- internals --------------------------------------------------------------------------------

  private request(req: Omit<ControlRequest, 'cid'>, frame: Record<string, unknown>): string | null {
    const cid = kControlCidPrefix + this.d.newId();
    if (!this.d.send({ ...frame, cid })) {
      this.set({ ...this.value, last: { ...req, cid, ok: false, code: 'offline' } });
      return null;
    }
    const full: ControlRequest = { ...req, cid };
    this.timers.set(
      cid,
      this.d.setTimer(() => {
        const r = this.take(cid);
        if (r) this.settle({ ...r, ok: false, code: 'timeout' });
      }, kControlTimeoutMs),
    );
    this.set({ ...this.value, pending: [...this.value.pending, full], last: null });
    return cid;
  }

  private take(cid: string | null): ControlRequest | undefined {
    if (!cid) return undefined;
    const req = this.value.pending.find((p) => p.cid === cid);
    if (!req) return undefined;
    const h = this.timers.get(cid);
    if (h !== undefined) this.d.clearTimer(h);
    this.timers.delete(cid);
    this.value = { ...this.value, pending: this.value.pending.filter((p) => p !== req) };
    return req;
  }

  private settle(outcome: ControlOutcome): void {
    this.set({ ...this.value, last: outcome });
  }

  private set(v: ControlsState): void {
    this.value = v;
    this.d.changed();
  }
}

/** Whom a dialog can be shared with: the site's online operators not already in it. */
export function inviteTargets(team: readonly TeamMember[], entry: Pick<DialogEntry, 'assignee' | 'participants'>, me: number | undefined): TeamMember[] {
  const inside = new Set<number>(entry.participants.map((p) => p.user));
  if (entry.assignee !== null) inside.add(entry.assignee);
  if (me !== undefined) inside.add(me);
  return team.filter((o) => o.online && !inside.has(o.id));
}

/** Open dialogs I was invited into (the «Групповые диалоги» section), latest first as given. */
export function groupDialogs(dialogs: readonly DialogEntry[], me: number | undefined): DialogEntry[] {
  if (me === undefined) return [];
  return dialogs.filter((d) => d.status === 'open' && d.participants.some((p) => p.user === me && p.role === 'invited'));
}

/** A quick e-mail check for the transcript field; the server has the final word. */
export function looksLikeEmail(s: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s.trim());
}
