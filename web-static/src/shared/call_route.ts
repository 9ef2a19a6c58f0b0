// Where the chat clients put call frames (protocol.md "## Calls"): the call code may load later
// than the first frame (the widget fetches it on demand), so the latest `call` frame of each live
// call is kept and replayed to it. Small on purpose: it is part of the widget's chat.js.
import { isObj, type Json } from './realtime.ts';

/** What the chat UI needs to know about calls before the call code is there. */
export interface CallSummary {
  id: string;
  state: string;
  from: string;
}

const kMaxLive = 8;

export class CallRouter {
  private sink: ((f: Json) => void) | null = null;
  private live = new Map<string, Json>();

  constructor(private readonly changed: (c: CallSummary | null) => void) {}

  /** True when the frame was a call frame (and is handled here only). */
  route(j: Json): boolean {
    const t = j.t;
    // A call_start/accept refused comes back as an err without cid; messages' errors carry one.
    if (t === 'err') {
      if (typeof j.cid !== 'string') this.sink?.(j);
      return false;
    }
    if (typeof t !== 'string' || !t.startsWith('call')) return false;
    const c = j.call;
    if (t === 'call' && isObj(c) && typeof c.id === 'string') {
      this.live.delete(c.id);
      if (c.state !== 'ended') this.live.set(c.id, j);
      while (this.live.size > kMaxLive) this.live.delete(this.live.keys().next().value!);
      this.changed(this.summary());
    }
    this.sink?.(j);
    return true;
  }

  /** The call code is ready: it gets every live call's latest state, then the frames as they come. */
  attach(sink: (f: Json) => void): void {
    this.sink = sink;
    for (const j of this.live.values()) sink(j);
  }

  /** The newest live call. */
  summary(): CallSummary | null {
    let last: CallSummary | null = null;
    for (const j of this.live.values()) {
      const c = j.call as Json;
      last = { id: c.id as string, state: String(c.state), from: String(c.from) };
    }
    return last;
  }
}
