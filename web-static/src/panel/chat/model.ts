// What the operator client exposes to the pages: the state snapshot and the events.
import type { ConnState } from '../../shared/realtime.ts';
import type { FileInfo } from '../../shared/files.ts';
import type { ChatMessage } from '../../shared/message_log.ts';
import type { DialogSummary } from '../panel_api.ts';
import { parseParticipants, parseRating, type OperatorStatus, type Participant, type TeamMember, type VisitorInfo } from './protocol.ts';
import type { ControlsState } from './dialog_controls.ts';

export interface OperatorMessage extends ChatMessage {
  dialog: number;
}

export interface DialogEntry {
  id: number;
  site: string;
  visitor: number;
  visitorName: string;
  status: 'open' | 'closed';
  lastSeq: number;
  lastMessage: string;
  lastMessageAt: number;
  important: boolean;
  assignee: number | null;
  /** The visitor's rating 1–5 (F17), null when not rated. */
  rating: number | null;
  ratingComment: string;
  /** Operators taking part (F17 group dialogs): the assignee and invited colleagues. */
  participants: Participant[];
  /** The dialog's department id (F17 transfer to a department), null when none. */
  department: number | null;
  /** Visitor messages that arrived live while the dialog was not on screen. */
  unread: number;
}

export interface ChatView {
  loaded: boolean;
  loading: boolean;
  error: string | null;
  messages: OperatorMessage[];
  /** What the visitor is typing: text with the typing preview, '' when only "is typing" is known. */
  typing: string | null;
}

export interface OperatorState {
  conn: ConnState;
  everConnected: boolean;
  attempt: number;
  retryAt: number | null;
  user: { id: number; name: string } | null;
  sites: { id: string; role: string }[];
  status: OperatorStatus;
  /** Visitors online now, newest first. */
  visitors: VisitorInfo[];
  /** Visitors without a dialog the operator has not looked at yet (the nav counter). */
  newVisitors: number;
  /** Dialogs known this session (open ones from the list, closed ones seen closing), latest first. */
  dialogs: DialogEntry[];
  chats: Readonly<Record<number, ChatView>>;
  /** Every enabled operator of each of my sites, from the `team` frames (F17 transfer). */
  team: Readonly<Record<string, TeamMember[]>>;
  /** The last transfer the server refused (an `err` while one was pending), until the next try. */
  transferError: { dialog: number; code: string } | null;
  /** Dialog controls (F17): pending requests, the last outcome, live blocked visitors (chat/dialog_controls.ts). */
  controls: ControlsState;
  /** Dialogs nobody answered in the site's first-response time, offered to me to take (§4). */
  offers: number[];
}

export type OperatorEvent =
  | { kind: 'visitor_arrived'; visitor: VisitorInfo }
  | { kind: 'dialog_opened'; dialog: DialogEntry }
  | { kind: 'dialog_offered'; dialog: DialogEntry }
  | { kind: 'visitor_message'; dialog: DialogEntry; message: OperatorMessage; onScreen: boolean }
  /** Someone else handed a dialog over to me (F17). */
  | { kind: 'transferred_to_me'; dialog: DialogEntry };

/** Display name parts of a visitor: the given name, the contact name, or null for "Visitor #id". */
export function visitorDisplayName(v: Pick<VisitorInfo, 'name' | 'contact'> | undefined): string | null {
  if (!v) return null;
  return v.name.trim() || v.contact.name.trim() || null;
}

/** An outbox entry as kept in storage (survives a reload until acked). */
export interface StoredOutboxItem {
  cid: string;
  dialog: number;
  text: string;
  ts: number;
  file?: FileInfo;
}

/** The stored outbox; anything malformed (another version, a hand edit) is dropped. */
export function parseOutbox(raw: string | null): StoredOutboxItem[] {
  try {
    const v: unknown = JSON.parse(raw ?? '[]');
    if (!Array.isArray(v)) return [];
    return v.filter(
      (i): i is StoredOutboxItem =>
        typeof i === 'object' &&
        i !== null &&
        typeof i.cid === 'string' &&
        Number.isInteger(i.dialog) &&
        typeof i.text === 'string' &&
        typeof i.ts === 'number',
    );
  } catch {
    return [];
  }
}

/**
 * Merges the REST list of open dialogs into the known ones: live data newer than the list
 * (a message that arrived after the query) wins; open dialogs missing from the list were
 * closed while we were not listening.
 */
export function mergeOpenDialogs(known: Map<number, DialogEntry>, list: DialogSummary[]): void {
  const open = new Set<number>();
  for (const s of list) {
    open.add(s.id);
    const prev = known.get(s.id);
    const liveNewer = prev !== undefined && prev.lastSeq > s.last_seq;
    // The list may predate a rating that came live; a rating is never taken back.
    const rating = parseRating(s.rating) ?? prev?.rating ?? null;
    const ratingComment = typeof s.rating_comment === 'string' ? s.rating_comment : prev?.rating === rating ? prev.ratingComment : '';
    known.set(s.id, {
      id: s.id,
      site: s.site,
      visitor: s.visitor,
      visitorName: s.visitor_name || prev?.visitorName || '',
      status: s.status,
      lastSeq: Math.max(s.last_seq, prev?.lastSeq ?? 0),
      lastMessage: liveNewer ? prev.lastMessage : s.last_message,
      lastMessageAt: liveNewer ? prev.lastMessageAt : s.last_message_at,
      important: s.important,
      assignee: s.assignee,
      rating,
      ratingComment,
      participants: s.participants !== undefined ? parseParticipants(s.participants) : (prev?.participants ?? []),
      department: s.department !== undefined ? (s.department ?? null) : (prev?.department ?? null),
      unread: prev?.unread ?? 0,
    });
  }
  for (const e of known.values()) {
    if (e.status === 'open' && !open.has(e.id)) known.set(e.id, { ...e, status: 'closed' });
  }
}
