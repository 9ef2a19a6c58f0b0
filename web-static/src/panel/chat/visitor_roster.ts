// The visitors on the operator's sites as the operator client tracks them: the welcome
// snapshot plus live updates, who counts as an arrival, who the operator has already seen,
// and visitors who left lingering for a while. No socket or DOM here.
import type { TimerHandle } from '../../shared/realtime.ts';
import type { VisitorInfo } from './protocol.ts';

/** Visitors that connected this long before our welcome are part of the snapshot, not arrivals. */
export const kSnapshotSkewMs = 3_000;
/** A visitor who left stays listed (marked "left") this long. */
export const kLeftLingerMs = 60_000;

export interface RosterTimers {
  setTimer(fn: () => void, ms: number): TimerHandle;
}

export class VisitorRoster {
  private visitors = new Map<number, VisitorInfo>();
  private known = new Set<number>();
  private seen = new Set<number>();
  private leftStamp = new Map<number, number>();
  private leaveCount = 0;

  constructor(
    private readonly timers: RosterTimers,
    private readonly changed: () => void,
  ) {}

  get(id: number): VisitorInfo | undefined {
    return this.visitors.get(id);
  }

  /** The snapshot after a welcome lists everyone still here; those who left meanwhile would linger. */
  clear(): void {
    this.visitors.clear();
  }

  /** Records a `visitor` frame; true when it is a live arrival (not part of a snapshot). */
  upsert(v: VisitorInfo, snapshot: boolean, welcomedAt: number): boolean {
    const arrival = !snapshot && !this.known.has(v.id) && (v.since === 0 || v.since >= welcomedAt - kSnapshotSkewMs);
    this.known.add(v.id);
    this.visitors.set(v.id, v);
    return arrival;
  }

  /** Marks the visitor left; they drop off the list after kLeftLingerMs unless they return. */
  left(id: number): boolean {
    const v = this.visitors.get(id);
    if (!v) return false;
    this.visitors.set(id, { ...v, state: 'left' });
    const stamp = ++this.leaveCount;
    this.leftStamp.set(id, stamp);
    this.timers.setTimer(() => {
      // Unless the visitor came back meanwhile (and maybe left again later).
      if (this.visitors.get(id)?.state === 'left' && this.leftStamp.get(id) === stamp) {
        this.leftStamp.delete(id);
        this.visitors.delete(id);
        this.changed();
      }
    }, kLeftLingerMs);
    return true;
  }

  patch(id: number, patch: Partial<VisitorInfo>): boolean {
    const v = this.visitors.get(id);
    if (!v) return false;
    this.visitors.set(id, { ...v, ...patch });
    return true;
  }

  /** Everyone listed stops being "new"; true when anything changed. */
  markSeen(): boolean {
    let changed = false;
    for (const id of this.visitors.keys()) {
      if (!this.seen.has(id)) {
        this.seen.add(id);
        changed = true;
      }
    }
    return changed;
  }

  /** Newest first, plus the count of unseen visitors without a dialog (the nav counter). */
  view(): { visitors: VisitorInfo[]; newVisitors: number } {
    const visitors = [...this.visitors.values()].sort((a, b) => b.since - a.since || b.id - a.id);
    let newVisitors = 0;
    for (const v of visitors) if (v.dialog === null && v.state !== 'left' && !this.seen.has(v.id)) newVisitors++;
    return { visitors, newVisitors };
  }
}
