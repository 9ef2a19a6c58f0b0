// One dialog's messages as a client holds them: acknowledged ones keyed by their per-dialog
// seq (so duplicates from resume overlaps or fan-out to several tabs collapse, and the
// order is the server's), plus the sender's own unacknowledged ones keyed by cid (the
// outbox, shown after the acknowledged ones). Shared by the widget and the panel, with the
// message type and the `msg`/`ack` frames both sockets carry.
import { parseFileInfo, type FileInfo } from './files.ts';
import { isInt, parseAuthor, type Author, type Delivery, type Json } from './realtime.ts';

export interface LogEntry {
  cid: string | null;
  seq: number | null;
  delivery: Delivery;
}

/** A chat message as both clients show it: acked by the server (id, seq) or still in the outbox. */
export interface ChatMessage extends LogEntry {
  key: string;
  id: number | null;
  author: Author;
  mine: boolean;
  text: string;
  ts: number;
  error?: string;
  /** F16: the upload a file message carries (`text` is its name). */
  file?: FileInfo;
}

/** What both protocols parse out of a `msg` frame. */
export interface MsgFrameFields {
  cid: string | null;
  id: number;
  seq: number;
  author: Author;
  text: string;
  ts: number;
  file: FileInfo | null;
}

/** A message of a dialog, live or resumed (the same frame on both sockets). */
export interface MsgFrame extends MsgFrameFields {
  t: 'msg';
  dialog: number;
}

/** The server stored the sender's message `cid` as `seq` of the dialog. */
export interface AckFrame {
  t: 'ack';
  cid: string;
  id: number;
  dialog: number;
  seq: number;
  ts: number;
}

export function parseMsgFrame(f: Json): MsgFrame | null {
  const author = parseAuthor(f.author);
  if (!author || !isInt(f.dialog) || !isInt(f.seq) || !isInt(f.id) || typeof f.text !== 'string') return null;
  const cid = typeof f.cid === 'string' ? f.cid : null;
  return { t: 'msg', dialog: f.dialog, seq: f.seq, id: f.id, cid, author, text: f.text, ts: isInt(f.ts) ? f.ts : 0, file: parseFileInfo(f.file) };
}

export function parseAckFrame(f: Json): AckFrame | null {
  if (typeof f.cid !== 'string' || !isInt(f.id) || !isInt(f.dialog) || !isInt(f.seq)) return null;
  return { t: 'ack', cid: f.cid, id: f.id, dialog: f.dialog, seq: f.seq, ts: isInt(f.ts) ? f.ts : 0 };
}

/** The message a `msg` frame delivers (committed, so `sent`). */
export function receivedMessage(f: MsgFrameFields, mine: boolean): ChatMessage {
  const m: ChatMessage = { key: f.cid ?? 'id:' + f.id, cid: f.cid, id: f.id, seq: f.seq, author: f.author, mine, text: f.text, ts: f.ts, delivery: 'sent' };
  if (f.file) m.file = f.file;
  return m;
}

export class MessageLog<M extends LogEntry> {
  private bySeq = new Map<number, M>();
  private outbox = new Map<string, M>();
  private contiguous = 0;

  /** The highest seq up to which nothing is missing: what `resume` asks after. */
  get lastSeq(): number {
    return this.contiguous;
  }

  /** The highest seq held at all (above lastSeq when there is a gap). */
  get maxSeq(): number {
    let max = 0;
    for (const s of this.bySeq.keys()) if (s > max) max = s;
    return max;
  }

  has(seq: number): boolean {
    return this.bySeq.has(seq);
  }

  /** Stores a message with a seq; true when it lies beyond a gap (time to resume). */
  place(m: M): boolean {
    const seq = m.seq!;
    this.bySeq.set(seq, m);
    const gap = seq > this.contiguous + 1;
    while (this.bySeq.has(this.contiguous + 1)) this.contiguous++;
    return gap && seq > this.contiguous;
  }

  /** Forgets the acknowledged messages (another dialog); the outbox stays. */
  reset(): void {
    this.bySeq.clear();
    this.contiguous = 0;
  }

  pending(cid: string): M | undefined {
    return this.outbox.get(cid);
  }

  get pendingItems(): M[] {
    return [...this.outbox.values()];
  }

  addPending(m: M): void {
    this.outbox.set(m.cid!, m);
  }

  /** Replaces an outbox entry with a patched copy, unless it was replaced or removed meanwhile. */
  patchPending(m: M, patch: Partial<M>): M {
    const next = { ...m, ...patch };
    if (m.cid && this.outbox.get(m.cid) === m) this.outbox.set(m.cid, next);
    return next;
  }

  removePending(cid: string): M | undefined {
    const m = this.outbox.get(cid);
    this.outbox.delete(cid);
    return m;
  }

  /** The connection went away: whatever was on the wire goes back to the queue. */
  requeue(): void {
    for (const m of this.outbox.values()) if (m.delivery === 'sending') this.patchPending(m, { delivery: 'queued' } as Partial<M>);
  }

  hasInFlight(): boolean {
    for (const m of this.outbox.values()) if (m.delivery === 'sending') return true;
    return false;
  }

  /** Acknowledged messages in seq order, then the outbox in the order it was typed. */
  messages(): M[] {
    const acked = [...this.bySeq.values()].sort((a, b) => a.seq! - b.seq!);
    return acked.concat([...this.outbox.values()]);
  }
}
