// Pieces both realtime clients (the widget's visitor socket, the panel's operator socket)
// are built from: the injected socket/timer interfaces that let unit tests drive them with
// a fake WebSocket and a fake clock, JSON frame helpers, and cid generation.

/** The part of WebSocket the clients use. */
export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
}

export type TimerHandle = unknown;

export const kProtocolVersion = 1;

/** connecting: socket opening or handshake; open: welcomed; waiting: backoff before the next try. */
export type ConnState = 'connecting' | 'open' | 'waiting' | 'stopped';

/** queued: waiting for a connection; sending: on the wire, no ack yet; sent: acked (on disk). */
export type Delivery = 'queued' | 'sending' | 'sent' | 'failed';

export type AuthorKind = 'visitor' | 'operator' | 'system';

export interface Author {
  kind: AuthorKind;
  id?: number;
  name?: string;
  /** F6: the operator's avatar, a path on the daemon ("/api/avatars/ID"). */
  avatar?: string;
}

export type Json = Record<string, unknown>;

export const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
export const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);

export function parseAuthor(v: unknown): Author | null {
  if (!isObj(v)) return null;
  const kind = v.kind;
  if (kind !== 'visitor' && kind !== 'operator' && kind !== 'system') return null;
  const a: Author = { kind };
  if (isInt(v.id)) a.id = v.id;
  if (typeof v.name === 'string') a.name = v.name;
  // Only the daemon's own avatar paths: nothing else is ever loaded from a frame.
  if (typeof v.avatar === 'string' && /^\/api\/avatars\/\d{1,18}$/.test(v.avatar)) a.avatar = v.avatar;
  return a;
}

/** The JSON object of a text frame, or null for anything else (binary, malformed, array). */
export function parseJsonFrame(data: unknown): Json | null {
  if (typeof data !== 'string') return null;
  try {
    const f: unknown = JSON.parse(data);
    return isObj(f) ? f : null;
  } catch {
    return null;
  }
}

/** 128 random bits as hex: a client message id (cid) or tab id. */
export function randomId(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
