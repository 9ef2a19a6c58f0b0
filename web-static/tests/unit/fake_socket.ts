// A fake WebSocket for the realtime clients' unit tests: records what the client sends and lets
// the test play the server (open, push frames, drop the connection). FakeLinkEnv adds the fake
// clock and timers, the base of the widget's and the panel's test harnesses.
import type { LinkDeps } from '../../src/shared/link.ts';
import type { SocketLike } from '../../src/shared/realtime.ts';

export class FakeSocket implements SocketLike {
  sent: Record<string, unknown>[] = [];
  closed: number | null = null;
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string) {
    if (this.closed !== null) throw new Error('send on a closed socket');
    this.sent.push(JSON.parse(data));
  }
  close(code = 1000) {
    this.closed = code;
  }
  open() {
    this.onopen?.({});
  }
  push(frame: unknown) {
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
  }
  drop(code = 1006) {
    this.closed = code;
    this.onclose?.({ code });
  }
  ofType(t: string) {
    return this.sent.filter((f) => f.t === t);
  }
}

/** A fake clock and timer queue plus every socket the client opened: the LinkDeps of a test client. */
export class FakeLinkEnv {
  time = 1_000_000;
  timers: { at: number; fn: () => void; id: number }[] = [];
  nextId = 1;
  sockets: FakeSocket[] = [];

  linkDeps(url: string, random: () => number = () => 0.5): LinkDeps {
    return {
      url,
      createSocket: (u) => {
        const s = new FakeSocket(u);
        this.sockets.push(s);
        return s;
      },
      setTimer: (fn, ms) => {
        const t = { at: this.time + ms, fn, id: this.nextId++ };
        this.timers.push(t);
        return t.id;
      },
      clearTimer: (h) => {
        this.timers = this.timers.filter((t) => t.id !== h);
      },
      now: () => this.time,
      random,
    };
  }

  /** The socket opened last. */
  get sock(): FakeSocket {
    return this.sockets[this.sockets.length - 1]!;
  }

  /** Moves the clock on by ms, running the timers that fall due in order. */
  advance(ms: number) {
    const end = this.time + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const t = this.timers[0];
      if (!t || t.at > end) break;
      this.timers.shift();
      this.time = t.at;
      t.fn();
    }
    this.time = end;
  }
}
