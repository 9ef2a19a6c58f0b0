// The offline request (F7): when nobody can answer, the visitor leaves contacts and a
// message; the server stores it as a dialog and e-mails the site's addresses. Same
// delivery rules as chat messages: queued until connected, re-sent with the SAME cid after
// any reconnect (the server dedups), kept in storage until acked; the thank-you survives
// reloads. No DOM here: ChatClient feeds it frames and connection events.
import { kKeyOffline, type KeyValueStore } from './storage.ts';

export interface OfflineFields {
  name: string;
  email: string;
  phone: string;
  text: string;
}

export type OfflineField = keyof OfflineFields;

/** idle: the form; queued/sending: submitted, waiting for the ack; done: stored server-side. */
export type OfflinePhase = 'idle' | 'queued' | 'sending' | 'done';

export interface OfflineState {
  phase: OfflinePhase;
  cid: string | null;
  /** What was submitted (also the pre-fill for the next request). */
  fields: OfflineFields | null;
  dialog: number | null;
  /** The server rejected the last submit: its message, and the field when it named one. */
  error: { code: string; message: string; field: OfflineField | null } | null;
}

export const kOfflineLimits = { name: 200, email: 254, phone: 64, text: 4000 } as const;

/** Client-side checks mirroring the server's; keys of the widget's i18n (offline.err.*). */
export type OfflineProblem = 'emailRequired' | 'emailInvalid' | 'textRequired' | 'textLong' | 'nameLong' | 'phoneLong';

export function trimFields(f: OfflineFields): OfflineFields {
  return { name: f.name.trim(), email: f.email.trim(), phone: f.phone.trim(), text: f.text.trim() };
}

export function validateOffline(raw: OfflineFields): Partial<Record<OfflineField, OfflineProblem>> {
  const f = trimFields(raw);
  const out: Partial<Record<OfflineField, OfflineProblem>> = {};
  if (f.name.length > kOfflineLimits.name) out.name = 'nameLong';
  if (f.email === '') out.email = 'emailRequired';
  else if (f.email.length > kOfflineLimits.email || !/^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/.test(f.email)) out.email = 'emailInvalid';
  if (f.phone.length > kOfflineLimits.phone) out.phone = 'phoneLong';
  if (f.text === '') out.text = 'textRequired';
  else if (f.text.length > kOfflineLimits.text) out.text = 'textLong';
  return out;
}

const kFields: OfflineField[] = ['name', 'email', 'phone', 'text'];
const isField = (v: unknown): v is OfflineField => kFields.includes(v as OfflineField);

interface Stored {
  phase: 'pending' | 'done';
  cid: string;
  fields: OfflineFields;
  dialog?: number;
}

function load(store: KeyValueStore): OfflineState {
  const idle: OfflineState = { phase: 'idle', cid: null, fields: null, dialog: null, error: null };
  try {
    const v = JSON.parse(store.get(kKeyOffline) ?? 'null') as Stored | null;
    if (!v || typeof v.cid !== 'string' || !v.fields || kFields.some((k) => typeof v.fields[k] !== 'string')) return idle;
    const fields = { name: v.fields.name, email: v.fields.email, phone: v.fields.phone, text: v.fields.text };
    if (v.phase === 'done') return { ...idle, phase: 'done', cid: v.cid, fields, dialog: typeof v.dialog === 'number' ? v.dialog : null };
    if (v.phase === 'pending') return { ...idle, phase: 'queued', cid: v.cid, fields };
  } catch {
    // unreadable: start over with the form
  }
  return idle;
}

export class OfflineRequest {
  private st: OfflineState;

  constructor(
    private readonly store: KeyValueStore,
    private readonly hooks: { newId(): string; send(frame: Record<string, unknown>): void; connected(): boolean; changed(): void },
  ) {
    this.st = load(store);
  }

  get state(): OfflineState {
    return this.st;
  }

  get inFlight(): boolean {
    return this.st.phase === 'sending';
  }

  /** Validates and queues the request; returns its cid, or null when the input is not valid. */
  submit(raw: OfflineFields): string | null {
    if (this.st.phase === 'queued' || this.st.phase === 'sending') return this.st.cid;
    if (Object.keys(validateOffline(raw)).length) return null;
    // A new cid every submit: a rejected request was not stored, a corrected one is new.
    const cid = this.hooks.newId();
    this.set({ phase: 'queued', cid, fields: trimFields(raw), dialog: null, error: null });
    if (this.hooks.connected()) this.transmit();
    this.hooks.changed();
    return cid;
  }

  /** Back to the form (after a thank-you), keeping the contacts for the pre-fill. */
  reset(): void {
    if (this.st.phase !== 'done') return;
    this.set({ ...this.st, phase: 'idle', cid: null, dialog: null, error: null });
    this.hooks.changed();
  }

  /** Welcomed on a fresh connection: a queued request goes (again) with its cid. */
  connected(): void {
    if (this.st.phase === 'queued') this.transmit();
  }

  /** The socket is gone: what was on the wire goes back to the queue. */
  gone(): void {
    if (this.st.phase === 'sending') this.st = { ...this.st, phase: 'queued' };
  }

  /** Returns true when the ack was ours. */
  ack(cid: string, dialog: number): boolean {
    if (cid !== this.st.cid || (this.st.phase !== 'queued' && this.st.phase !== 'sending')) return false;
    this.set({ ...this.st, phase: 'done', dialog });
    this.hooks.changed();
    return true;
  }

  /** Returns true when the error was about our request. */
  rejected(cid: string | null, code: string, message: string, field: string | null): boolean {
    if (cid === null || cid !== this.st.cid || (this.st.phase !== 'queued' && this.st.phase !== 'sending')) return false;
    this.set({ ...this.st, phase: 'idle', cid: null, error: { code, message, field: isField(field) ? field : null } });
    this.hooks.changed();
    return true;
  }

  private transmit(): void {
    const f = this.st.fields!;
    this.st = { ...this.st, phase: 'sending' };
    this.hooks.send({ t: 'offline', cid: this.st.cid, name: f.name, email: f.email, phone: f.phone, text: f.text });
  }

  private set(next: OfflineState): void {
    this.st = next;
    const { phase, cid, fields, dialog } = next;
    if (phase === 'idle' || !cid || !fields) {
      // An open form has nothing to keep across reloads.
      this.store.remove(kKeyOffline);
      return;
    }
    const s: Stored = { phase: phase === 'done' ? 'done' : 'pending', cid, fields };
    if (dialog !== null) s.dialog = dialog;
    this.store.set(kKeyOffline, JSON.stringify(s));
  }
}
