// The widget's protocol client against a fake WebSocket and a fake clock, shared by the
// widget's client test files.
import { ChatClient, type ChatState } from '../../src/widget/client.ts';
import { memoryStore, type KeyValueStore } from '../../src/widget/storage.ts';

export { FakeSocket } from './fake_socket.ts';
import { FakeLinkEnv } from './fake_socket.ts';

export class Harness extends FakeLinkEnv {
  states: ChatState[] = [];
  incoming: string[] = [];
  cids = 0;
  client: ChatClient;
  constructor(readonly store: KeyValueStore = memoryStore(), random = () => 0.5) {
    super();
    this.client = new ChatClient({
      ...this.linkDeps('ws://daemon/ws/visitor?key=k', random),
      newId: () => 'c' + ++this.cids,
      store,
      tab: 'tab1',
      page: () => ({ url: 'https://shop.example/p', title: 'Shop', referrer: '' }),
      lang: 'ru',
    });
    this.client.subscribe((s) => this.states.push(s));
    this.client.onIncoming((m) => this.incoming.push(m.text));
  }
  get state() {
    return this.client.snapshot;
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
