// One dialog's messages as a client holds them: acknowledged ones keyed by their per-dialog
// seq (so duplicates from resume overlaps or fan-out to several tabs collapse, and the
// order is the server's), plus the sender's own unacknowledged ones keyed by cid (the
// outbox, shown after the acknowledged ones). Shared by the widget and the panel.
import type { Delivery } from './realtime.ts';

export interface LogEntry {
  cid: string | null;
  seq: number | null;
  delivery: Delivery;
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
