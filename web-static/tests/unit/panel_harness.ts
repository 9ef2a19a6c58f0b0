// The operator client against a fake WebSocket, a fake clock (fake_socket.ts) and a fake dialog REST API.
import { OperatorClient, type OperatorEvent, type OperatorRest } from '../../src/panel/chat/operator_client.ts';
import { memoryStore, type KeyValueStore } from '../../src/shared/storage.ts';
import type { DialogSummary, StoredMessage } from '../../src/panel/panel_api.ts';

export { FakeSocket } from './fake_socket.ts';
import { FakeLinkEnv } from './fake_socket.ts';

/** A REST fake whose answers can be held back to test races. */
export class FakeRest implements OperatorRest {
  open: DialogSummary[] = [];
  history = new Map<number, StoredMessage[]>();
  calls: string[] = [];
  hold = false;
  private held: (() => void)[] = [];
  openDialogs(): Promise<DialogSummary[]> {
    this.calls.push('dialogs');
    return this.answer(() => this.open.map((d) => ({ ...d })));
  }
  messages(dialog: number, after: number, limit: number): Promise<{ messages: StoredMessage[]; last_seq: number }> {
    this.calls.push(`messages ${dialog} ${after}`);
    return this.answer(() => {
      const all = this.history.get(dialog) ?? [];
      return { messages: all.filter((m) => m.seq > after).slice(0, limit), last_seq: all.length ? all[all.length - 1]!.seq : 0 };
    });
  }
  release() {
    const h = this.held;
    this.held = [];
    for (const fn of h) fn();
  }
  private answer<T>(make: () => T): Promise<T> {
    if (!this.hold) return Promise.resolve(make());
    return new Promise((resolve) => this.held.push(() => resolve(make())));
  }
}

export const flush = () => new Promise<void>((r) => setImmediate(r));

export class Harness extends FakeLinkEnv {
  events: OperatorEvent[] = [];
  cids = 0;
  rest = new FakeRest();
  client: OperatorClient;
  constructor(readonly store: KeyValueStore = memoryStore()) {
    super();
    this.client = new OperatorClient({
      ...this.linkDeps('ws://panel/ws/operator'),
      newId: () => 'c' + ++this.cids,
      store,
      rest: this.rest,
    });
    this.client.onEvent((e) => this.events.push(e));
  }
  get state() {
    return this.client.snapshot;
  }
  /** Starts (if needed), opens the socket and answers the hello. */
  async welcome(status = 'online') {
    if (this.sockets.length === 0) this.client.start();
    this.sock.open();
    this.sock.push({ t: 'welcome', v: 1, user: { id: 3, name: 'Anna' }, sites: [{ id: 'shop', role: 'owner' }], status });
    await flush();
  }
  /** Drops the connection and lets the backoff run out; the new socket is not open yet. */
  reconnect() {
    this.sock.drop();
    this.advance(60_000);
  }
  texts(dialog: number) {
    return (this.state.chats[dialog]?.messages ?? []).map((m) => m.text);
  }
  eventKinds() {
    return this.events.map((e) => e.kind);
  }
}

export function visitorFrame(id: number, extra: Record<string, unknown> = {}) {
  return {
    t: 'visitor',
    site: 'shop',
    visitor: {
      id,
      name: '',
      contact: { name: '', email: '', phone: '' },
      state: 'focused',
      widget_open: false,
      page: { url: 'https://shop.example/p', title: 'Product' },
      device: 'pc',
      user_agent: 'Mozilla/5.0 (X11; Linux x86_64)',
      dialog: null,
      since: 1,
      ...extra,
    },
  };
}

export const visitorMsg = (dialog: number, seq: number, text: string, extra: Record<string, unknown> = {}) => ({
  t: 'msg',
  dialog,
  seq,
  id: 100 + seq,
  cid: 'v' + seq,
  author: { kind: 'visitor', id: 42 },
  text,
  ts: 5000 + seq,
  ...extra,
});

export const stored = (seq: number, text: string, kind: 'visitor' | 'operator' = 'visitor'): StoredMessage => ({
  id: 100 + seq,
  seq,
  author: kind === 'visitor' ? { kind, id: 42 } : { kind, id: 3, name: 'Anna' },
  kind: 'text',
  text,
  ts: 5000 + seq,
  cid: kind === 'visitor' ? 'v' + seq : 'o' + seq,
});

export const summary = (id: number, extra: Partial<DialogSummary> = {}): DialogSummary => ({
  id,
  site: 'shop',
  visitor: 42,
  visitor_name: '',
  status: 'open',
  last_seq: 0,
  last_message: '',
  last_message_at: 0,
  important: false,
  assignee: null,
  ...extra,
});
