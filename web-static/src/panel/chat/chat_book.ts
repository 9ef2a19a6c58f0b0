// Per-dialog conversation state of the operator client: the message log (pending + committed),
// typing preview, draft edge, history loading flags, the cid → dialog index and the outbox
// kept in storage so a reload does not lose unsent messages.
import { MessageLog } from '../../shared/message_log.ts';
import type { Author, TimerHandle } from '../../shared/realtime.ts';
import type { KeyValueStore } from '../../shared/storage.ts';
import type { StoredMessage } from '../panel_api.ts';
import { parseOutbox, type ChatView, type OperatorMessage, type StoredOutboxItem } from './model.ts';
import { parseFileInfo } from '../../shared/files.ts';

export const kKeyOutbox = 'outbox';

export interface Chat {
  id: number;
  log: MessageLog<OperatorMessage>;
  loaded: boolean;
  loading: boolean;
  error: string | null;
  resuming: boolean;
  typing: string | null;
  typingTimer: TimerHandle | null;
  draftActive: boolean;
  draftSentAt: number;
  /** The cached ChatView; null when the chat changed since the last snapshot. */
  view: ChatView | null;
}

export type Me = { id: number; name: string } | null;

export function ownMessage(dialog: number, cid: string, text: string, ts: number, me: Me): OperatorMessage {
  const author: Author = { kind: 'operator' };
  if (me) {
    author.id = me.id;
    author.name = me.name;
  }
  return { key: cid, dialog, cid, id: null, seq: null, author, mine: true, text, ts, delivery: 'queued' };
}

export function fromStored(dialog: number, s: StoredMessage, me: number | undefined): OperatorMessage {
  return {
    key: s.cid ?? 'id:' + s.id,
    dialog,
    cid: s.cid,
    id: s.id,
    seq: s.seq,
    author: s.author,
    mine: s.author.kind === 'operator' && me !== undefined && s.author.id === me,
    text: s.text,
    ts: s.ts,
    delivery: 'sent',
    ...(s.file ? { file: s.file } : {}),
  };
}

export class ChatBook {
  readonly chats = new Map<number, Chat>();
  private cidDialog = new Map<string, number>();

  constructor(private readonly store: KeyValueStore) {}

  /** The dialog's chat, created empty on first use. */
  get(id: number): Chat {
    let chat = this.chats.get(id);
    if (!chat) {
      chat = {
        id,
        log: new MessageLog<OperatorMessage>(),
        loaded: false,
        loading: false,
        error: null,
        resuming: false,
        typing: null,
        typingTimer: null,
        draftActive: false,
        draftSentAt: 0,
        view: null,
      };
      this.chats.set(id, chat);
    }
    return chat;
  }

  find(id: number): Chat | undefined {
    return this.chats.get(id);
  }

  ofCid(cid: string): Chat | undefined {
    const id = this.cidDialog.get(cid);
    return id === undefined ? undefined : this.chats.get(id);
  }

  bindCid(cid: string, dialog: number): void {
    this.cidDialog.set(cid, dialog);
  }

  dropCid(cid: string): void {
    this.cidDialog.delete(cid);
  }

  /** Restores the stored outbox into the chats (before the first welcome). */
  restoreOutbox(me: Me): void {
    for (const item of parseOutbox(this.store.get(kKeyOutbox))) {
      const own = ownMessage(item.dialog, item.cid, item.text, item.ts, me);
      const file = parseFileInfo(item.file);
      if (file) own.file = file;
      this.get(item.dialog).log.addPending(own);
      this.bindCid(item.cid, item.dialog);
    }
  }

  saveOutbox(): void {
    const items: StoredOutboxItem[] = [];
    for (const chat of this.chats.values()) {
      for (const m of chat.log.pendingItems) {
        if (m.delivery !== 'failed') items.push({ cid: m.cid!, dialog: chat.id, text: m.text, ts: m.ts, ...(m.file ? { file: m.file } : {}) });
      }
    }
    if (items.length) this.store.set(kKeyOutbox, JSON.stringify(items));
    else this.store.remove(kKeyOutbox);
  }

  hasInFlight(): boolean {
    for (const chat of this.chats.values()) if (chat.log.hasInFlight()) return true;
    return false;
  }

  /** Snapshot views; only chats that changed are recomputed. */
  views(me: number | undefined): Record<number, ChatView> {
    const out: Record<number, ChatView> = {};
    for (const chat of this.chats.values()) {
      chat.view ??= {
        loaded: chat.loaded,
        loading: chat.loading,
        error: chat.error,
        messages: chat.log
          .messages()
          .map((m) => (m.mine || m.author.kind !== 'operator' || me === undefined || m.author.id !== me ? m : { ...m, mine: true })),
        typing: chat.typing,
      };
      out[chat.id] = chat.view;
    }
    return out;
  }
}
