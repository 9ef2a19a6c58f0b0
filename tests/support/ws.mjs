// Test WebSocket clients that queue JSON frames and wait for the one a test expects, with a
// deadline. FrameQueue is the waiting part, shared by WsClient (Node's built-in WebSocket, run
// node with --experimental-websocket on Node 20) and RawWsClient (raw_ws.mjs, over net.Socket).

// Received frames in arrival order, the close event once the socket is gone, and waiters woken
// by either. Subclasses push parsed frames to `frames`, set `closeEvent` and call wake().
export class FrameQueue {
  constructor() {
    this.frames = [];
    this.waiters = [];
    this.closeEvent = null;
  }

  wake() {
    for (const w of this.waiters.splice(0)) w();
  }

  // Removes and returns the first queued frame matching `predicate`, waiting up to timeoutMs.
  async next(predicate, { timeoutMs = 10000, what = 'a frame' } = {}) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.frames.findIndex(predicate);
      if (i >= 0) return this.frames.splice(i, 1)[0];
      if (this.closeEvent) throw new Error(`socket closed (${this.closeEvent.code}) while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.frames)}`);
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  // The next frame of type `t` (that also passes `extra`).
  type(t, extra = () => true) {
    return this.next((f) => f.t === t && extra(f), { what: `"${t}"` });
  }

  // The close event ({ code, reason }), or null if the socket is still open after timeoutMs.
  async closed(timeoutMs = 10000) {
    const deadline = Date.now() + timeoutMs;
    while (!this.closeEvent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.closeEvent;
  }
}

export class WsClient extends FrameQueue {
  static async open(url, { headers = {}, timeoutMs = 10000 } = {}) {
    const c = new WsClient(url, headers);
    await c.opened(timeoutMs);
    return c;
  }

  constructor(url, headers) {
    super();
    this.ws = new WebSocket(url, { headers });
    this.ws.onmessage = (e) => {
      const frame = JSON.parse(e.data);
      this.frames.push(frame);
      this.wake();
    };
    this.ws.onclose = (e) => {
      this.closeEvent = { code: e.code, reason: e.reason };
      this.wake();
    };
    this.ws.onerror = () => {};
  }

  opened(timeoutMs) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('WebSocket did not open')), timeoutMs);
      this.ws.onopen = () => { clearTimeout(timer); resolve(); };
      const previous = this.ws.onclose;
      this.ws.onclose = (e) => {
        previous(e);
        clearTimeout(timer);
        reject(new Error(`WebSocket closed before opening (${e.code})`));
      };
    });
  }

  send(frame) {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  close() {
    this.ws.close();
  }
}
