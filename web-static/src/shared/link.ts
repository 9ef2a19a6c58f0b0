// The connection half of a realtime client: opens the socket, sends the hello, waits for
// the welcome with a deadline, reconnects with backoff after any loss, and resets the
// backoff once a connection has proved stable, and fails a connection whose acks stop coming.
// What the frames mean is the owner's job; LinkClient is the store both owners build on.
import { backoffDelay } from './backoff.ts';
import type { ConnState, SocketLike, TimerHandle } from './realtime.ts';

export const kHandshakeTimeoutMs = 10_000;
export const kStableConnectionMs = 5_000;
/** How long a sent message, request or rating may wait for its ack before the link is dropped. */
export const kAckTimeoutMs = 15_000;

export interface LinkDeps {
  url: string;
  createSocket(url: string): SocketLike;
  setTimer(fn: () => void, ms: number): TimerHandle;
  clearTimer(h: TimerHandle): void;
  now(): number;
  random(): number;
}

export interface LinkStatus {
  conn: ConnState;
  attempt: number;
  retryAt: number | null;
}

export interface LinkHooks {
  /** The first frame on a fresh socket. */
  hello(): Record<string, unknown>;
  /** Every text frame after the hello (the owner calls welcomed() when it sees the welcome). */
  frame(data: unknown): void;
  /** The socket is gone (closed, failed, reset): in-flight work goes back to the queue. */
  gone(): void;
  status(s: LinkStatus): void;
}

/** The real browser behind LinkDeps: WebSocket, timers, clock and randomness. */
export function browserLinkDeps(url: string): LinkDeps {
  return {
    url,
    createSocket: (u) => new WebSocket(u) as unknown as SocketLike,
    setTimer: (fn, ms) => setTimeout(fn, ms),
    clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    now: () => Date.now(),
    random: Math.random,
  };
}

export class Link {
  private socket: SocketLike | null = null;
  private stopped = true;
  private isWelcomed = false;
  private welcomedAt = 0;
  private retryTimer: TimerHandle | null = null;
  private handshakeTimer: TimerHandle | null = null;
  private ackTimer: TimerHandle | null = null;
  private st: LinkStatus = { conn: 'stopped', attempt: 0, retryAt: null };

  constructor(
    private readonly d: LinkDeps,
    private readonly hooks: LinkHooks,
  ) {}

  get welcomed(): boolean {
    return this.isWelcomed;
  }

  get running(): boolean {
    return !this.stopped;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.dropSocket();
    this.clearRetry();
    this.set({ conn: 'stopped', retryAt: null });
  }

  /** Skips the rest of the backoff (a "retry now" button, the browser's `online` event). */
  reconnectNow(): void {
    if (this.stopped || this.st.conn !== 'waiting') return;
    this.clearRetry();
    this.connect();
  }

  /** Drops the current connection and opens a new one at once. */
  restart(): void {
    if (this.stopped) return;
    this.dropSocket();
    this.clearRetry();
    this.connect();
  }

  /** The owner saw the welcome. */
  welcome(): void {
    this.clearHandshake();
    this.isWelcomed = true;
    this.welcomedAt = this.d.now();
    this.set({ conn: 'open', retryAt: null });
  }

  /** The connection is considered dead (no ack in time, protocol breach): close and retry. */
  fail(): void {
    this.dropSocket();
    this.afterClose();
  }

  /** Something the server acks went out: start the ack deadline unless one is running. */
  expectAck(): void {
    if (this.ackTimer !== null) return;
    this.ackTimer = this.d.setTimer(() => {
      this.ackTimer = null;
      this.fail();
    }, kAckTimeoutMs);
  }

  /** An answer came: restart the ack deadline while anything is still in flight; clear it otherwise. */
  settleAck(inFlight: boolean): void {
    this.clearAck();
    if (inFlight) this.expectAck();
  }

  send(frame: Record<string, unknown>): void {
    try {
      this.socket?.send(JSON.stringify(frame));
    } catch {
      /* the close event follows */
    }
  }

  private connect(): void {
    let s: SocketLike;
    try {
      s = this.d.createSocket(this.d.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = s;
    this.set({ conn: 'connecting', retryAt: null });
    s.onopen = () => {
      if (s !== this.socket) return;
      this.send(this.hooks.hello());
      this.clearHandshake();
      this.handshakeTimer = this.d.setTimer(() => {
        this.handshakeTimer = null;
        this.fail();
      }, kHandshakeTimeoutMs);
    };
    s.onmessage = (ev) => {
      if (s === this.socket) this.hooks.frame(ev.data);
    };
    s.onclose = () => {
      if (s !== this.socket) return;
      this.socket = null;
      this.afterClose();
    };
    s.onerror = () => {};
  }

  private dropSocket(): void {
    const s = this.socket;
    this.socket = null;
    if (s) {
      s.onopen = s.onmessage = s.onclose = s.onerror = null;
      try {
        s.close(4000, 'client reset');
      } catch {
        /* already closed */
      }
    }
    this.afterSocketGone();
  }

  private afterSocketGone(): void {
    if (this.isWelcomed && this.d.now() - this.welcomedAt >= kStableConnectionMs) this.st = { ...this.st, attempt: 0 };
    this.isWelcomed = false;
    this.clearHandshake();
    this.clearAck();
    this.hooks.gone();
  }

  private afterClose(): void {
    this.afterSocketGone();
    if (!this.stopped) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    const delay = backoffDelay(this.st.attempt, this.d.random);
    this.set({ conn: 'waiting', attempt: this.st.attempt + 1, retryAt: this.d.now() + delay });
    this.retryTimer = this.d.setTimer(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) this.d.clearTimer(this.retryTimer);
    this.retryTimer = null;
  }

  private clearHandshake(): void {
    if (this.handshakeTimer !== null) this.d.clearTimer(this.handshakeTimer);
    this.handshakeTimer = null;
  }

  private clearAck(): void {
    if (this.ackTimer !== null) this.d.clearTimer(this.ackTimer);
    this.ackTimer = null;
  }

  private set(patch: Partial<LinkStatus>): void {
    this.st = { ...this.st, ...patch };
    this.hooks.status(this.st);
  }
}

/**
 * What both realtime clients (the widget's visitor client, the panel's operator client) are
 * around their Link: a state snapshot the UI subscribes to, with the link's status merged in,
 * and start/stop/reconnectNow passed through. The subclass says what its hello is, what the
 * frames mean and what a lost socket undoes.
 */
export abstract class LinkClient<S extends LinkStatus> {
  protected readonly link: Link;
  private readonly listeners = new Set<(s: S) => void>();

  constructor(
    d: LinkDeps,
    protected state: S,
  ) {
    this.link = new Link(d, {
      hello: () => this.hello(),
      frame: (data) => this.onFrame(data),
      gone: () => this.onGone(),
      status: (s) => this.update(s as Partial<S>),
    });
  }

  get snapshot(): S {
    return this.state;
  }

  subscribe(fn: (s: S) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  start(): void {
    this.link.start();
  }

  stop(): void {
    this.link.stop();
  }

  /** Skips the rest of the backoff (the "retry now" button, the browser's `online` event). */
  reconnectNow(): void {
    this.link.reconnectNow();
  }

  /** The first frame on a fresh socket. */
  protected abstract hello(): Record<string, unknown>;
  /** Every text frame after the hello, as it came off the socket. */
  protected abstract onFrame(data: unknown): void;
  /** The socket is gone: whatever was in flight goes back to the queue. */
  protected abstract onGone(): void;

  protected update(patch: Partial<S>): void {
    this.state = { ...this.state, ...patch };
    this.emit();
  }

  /** Tells the subscribers about the current state (a subclass may derive parts of it first). */
  protected emit(): void {
    for (const fn of this.listeners) fn(this.state);
  }
}
