// The rating (F17): an operator asks, the visitor gives 1–5 stars and an optional comment,
// stored on the dialog. Same delivery rules as chat messages: queued until connected,
// re-sent with the SAME cid after any reconnect, kept in storage until `rated`. The record
// is per dialog and survives reloads, so a reload shows the thank-you (or the card still
// waiting for an answer), not a fresh card. No DOM here: ChatClient feeds it frames.
import { kKeyRating, type KeyValueStore } from './storage.ts';

/** asked: the card; queued/sending: submitted, waiting for `rated`; done: stored server-side. */
export type RatingPhase = 'none' | 'asked' | 'queued' | 'sending' | 'done';

export interface RatingState {
  phase: RatingPhase;
  dialog: number | null;
  cid: string | null;
  stars: number;
  comment: string;
  /** The server rejected the last submit. */
  error: { code: string; message: string; field: string | null } | null;
}

export const kRatingCommentMax = 1000;

const kNone: RatingState = { phase: 'none', dialog: null, cid: null, stars: 0, comment: '', error: null };

export const validStars = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 1 && (n as number) <= 5;

/**
 * Whether the card (or the thank-you) is shown: it belongs to the dialog on screen; with
 * none (the dialog was closed meanwhile) an unanswered card stays so the visitor can still rate.
 */
export function ratingVisible(s: { rating: RatingState; dialogId: number | null }): boolean {
  const r = s.rating;
  if (r.phase === 'none' || r.dialog === null) return false;
  return r.dialog === s.dialogId || (s.dialogId === null && r.phase !== 'done');
}

interface Stored {
  phase: 'asked' | 'pending' | 'done';
  dialog: number;
  cid?: string;
  stars?: number;
  comment?: string;
}

function load(store: KeyValueStore): RatingState {
  try {
    const v = JSON.parse(store.get(kKeyRating) ?? 'null') as Stored | null;
    if (!v || !Number.isInteger(v.dialog)) return kNone;
    const base = { ...kNone, dialog: v.dialog, comment: typeof v.comment === 'string' ? v.comment : '' };
    if (v.phase === 'asked') return { ...base, phase: 'asked' };
    if (!validStars(v.stars)) return kNone;
    if (v.phase === 'done') return { ...base, phase: 'done', stars: v.stars, cid: v.cid ?? null };
    if (v.phase === 'pending' && typeof v.cid === 'string') return { ...base, phase: 'queued', stars: v.stars, cid: v.cid };
  } catch {
    // unreadable: forget it
  }
  return kNone;
}

export class RatingRequest {
  private st: RatingState;

  constructor(
    private readonly store: KeyValueStore,
    private readonly hooks: { newId(): string; send(frame: Record<string, unknown>): void; connected(): boolean; changed(): void },
  ) {
    this.st = load(store);
  }

  get state(): RatingState {
    return this.st;
  }

  get inFlight(): boolean {
    return this.st.phase === 'sending';
  }

  /** An operator asked (`rating_request`). A rating on its way is left alone. */
  asked(dialog: number): void {
    const p = this.st.phase;
    if (this.st.dialog === dialog && (p === 'queued' || p === 'sending' || p === 'asked')) return;
    this.set({ ...kNone, phase: 'asked', dialog });
    this.hooks.changed();
  }

  /** Queues the rating; returns its cid, or null when there is nothing to rate or stars are not 1–5. */
  submit(stars: number, comment: string): string | null {
    const p = this.st.phase;
    if (p === 'queued' || p === 'sending') return this.st.cid;
    if (p !== 'asked' || !validStars(stars)) return null;
    // A new cid every submit: a rejected rating was not stored, a corrected one is new.
    const cid = this.hooks.newId();
    this.set({ ...this.st, phase: 'queued', cid, stars, comment: comment.trim().slice(0, kRatingCommentMax), error: null });
    if (this.hooks.connected()) this.transmit();
    this.hooks.changed();
    return cid;
  }

  /** Welcomed on a fresh connection: a queued rating goes (again) with its cid. */
  connected(): void {
    if (this.st.phase === 'queued') this.transmit();
  }

  /** The socket is gone: what was on the wire goes back to the queue. */
  gone(): void {
    if (this.st.phase === 'sending') this.st = { ...this.st, phase: 'queued' };
  }

  /**
   * `rated` reaches every tab of the visitor: whichever tab rated, the dialog is done.
   * Returns true when it was our own rating in flight.
   */
  rated(cid: string, dialog: number, stars: number): boolean {
    if (this.st.dialog !== dialog) return false;
    const ours = cid === this.st.cid && (this.st.phase === 'queued' || this.st.phase === 'sending');
    this.set({ ...this.st, phase: 'done', cid, stars, comment: ours ? this.st.comment : '', error: null });
    this.hooks.changed();
    return ours;
  }

  /** Returns true when the error was about our rating. */
  rejected(cid: string | null, code: string, message: string, field: string | null): boolean {
    if (cid === null || cid !== this.st.cid || (this.st.phase !== 'queued' && this.st.phase !== 'sending')) return false;
    this.set({ ...this.st, phase: 'asked', cid: null, error: { code, message, field } });
    this.hooks.changed();
    return true;
  }

  /** Another dialog started: the old one's card or thank-you is not shown any more. */
  dialogChanged(dialog: number | null): void {
    if (dialog === null || this.st.dialog === null || this.st.dialog === dialog) return;
    this.set(kNone);
  }

  private transmit(): void {
    this.st = { ...this.st, phase: 'sending' };
    const frame: Record<string, unknown> = { t: 'rate', cid: this.st.cid, dialog: this.st.dialog, stars: this.st.stars };
    if (this.st.comment) frame.comment = this.st.comment;
    this.hooks.send(frame);
  }

  private set(next: RatingState): void {
    this.st = next;
    const { phase, dialog, cid, stars, comment } = next;
    if (phase === 'none' || dialog === null) {
      this.store.remove(kKeyRating);
      return;
    }
    const s: Stored =
      phase === 'asked'
        ? { phase: 'asked', dialog }
        : { phase: phase === 'done' ? 'done' : 'pending', dialog, cid: cid ?? undefined, stars, comment };
    this.store.set(kKeyRating, JSON.stringify(s));
  }
}
