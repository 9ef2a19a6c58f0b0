// The widget's protocol client against a fake WebSocket and a fake clock, shared by the
// widget's client test files.
import { ChatClient, type ChatState } from '../../src/widget/client.ts';
import { memoryStore, type KeyValueStore } from '../../src/widget/storage.ts';

export { FakeSocket } from './fake_socket.ts';
import { FakeSocket } from './fake_socket.ts';

export class Harness {
  time = 1_000_000;
  timers: { at: number; fn: () => void; id: number }[] = [];
  nextId = 1;
  sockets: FakeSocket[] = [];
  states: ChatState[] = [];
  incoming: string[] = [];
  cids = 0;
  client: ChatClient;
  constructor(readonly store: KeyValueStore = memoryStore(), random = () => 0.5) {
    this.client = new ChatClient({
      url: 'ws://daemon/ws/visitor?key=k',
      createSocket: (url) => {
        const s = new FakeSocket(url);
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
      newId: () => 'c' + ++this.cids,
      store,
      tab: 'tab1',
      page: () => ({ url: 'https://shop.example/p', title: 'Shop', referrer: '' }),
      lang: 'ru',
    });
    this.client.subscribe((s) => this.states.push(s));
    this.client.onIncoming((m) => this.incoming.push(m.text));
  }
  get sock(): FakeSocket {
    return this.sockets[this.sockets.length - 1]!;
  }
  get state() {
    return this.client.snapshot;
  }
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
  welcome(dialog: { id: number; seq: number } | null = null, extra: Record<string, unknown> = {}) {
    this.sock.open();
    this.sock.push({
      t: 'welcome',
      v: 1,
      visitor: { id: 42, ...extra },
      site: { name: 'Shop', language: 'ru', open: true, operators_online: 1, typing_preview: false },
      dialog,
    });
  }
  texts() {
    return this.state.messages.map((m) => m.text);
  }
}

export const opMsg = (seq: number, text: string, dialog = 7) => ({
  t: 'msg',
  dialog,
  seq,
  id: 100 + seq,
  author: { kind: 'operator', id: 3, name: 'Anna' },
  text,
  ts: 1,
});
