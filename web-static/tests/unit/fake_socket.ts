// A fake WebSocket for the realtime clients' unit tests: records what the client sends and lets
// the test play the server (open, push frames, drop the connection).
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
