// The dialogs the operator client knows this session: the REST list of open dialogs,
// refreshed on every welcome, merged with live `dialog` frames and message previews.
import type { DialogSummary } from '../panel_api.ts';
import { mergeOpenDialogs, type DialogEntry, type OperatorMessage } from './model.ts';
import type { DialogInfo } from './protocol.ts';

export class DialogList {
  private dialogs = new Map<number, DialogEntry>();

  get(id: number): DialogEntry | undefined {
    return this.dialogs.get(id);
  }

  /** Applies a `dialog` frame; returns the entry before and after. */
  apply(d: DialogInfo, visitorName: string, now: number): { prev: DialogEntry | undefined; entry: DialogEntry } {
    const prev = this.dialogs.get(d.id);
    const entry: DialogEntry = {
      id: d.id,
      site: d.site || prev?.site || '',
      visitor: d.visitor,
      visitorName: prev?.visitorName || visitorName,
      status: d.status,
      lastSeq: Math.max(d.lastSeq, prev?.lastSeq ?? 0),
      lastMessage: prev?.lastMessage ?? '',
      lastMessageAt: prev?.lastMessageAt ?? now,
      important: prev?.important ?? false,
      assignee: d.assignee,
      rating: d.rating !== undefined ? d.rating : (prev?.rating ?? null),
      ratingComment: d.ratingComment !== undefined ? d.ratingComment : (prev?.ratingComment ?? ''),
      participants: d.participants ?? prev?.participants ?? [],
      department: d.department !== undefined ? d.department : (prev?.department ?? null),
      unread: prev?.unread ?? 0,
    };
    this.dialogs.set(d.id, entry);
    return { prev, entry };
  }

  /** Merges the REST list of open dialogs (see mergeOpenDialogs). */
  merge(list: DialogSummary[]): void {
    mergeOpenDialogs(this.dialogs, list);
  }

  /** Shallow patch; false for an unknown dialog. */
  patch(id: number, patch: Partial<DialogEntry>): boolean {
    const entry = this.dialogs.get(id);
    if (!entry) return false;
    this.dialogs.set(id, { ...entry, ...patch });
    return true;
  }

  /** A visitor was renamed (F17): their dialogs show the new name; true when any changed. */
  renameVisitor(visitor: number, name: string): boolean {
    let changed = false;
    for (const e of this.dialogs.values()) {
      if (e.visitor !== visitor || e.visitorName === name) continue;
      this.dialogs.set(e.id, { ...e, visitorName: name });
      changed = true;
    }
    return changed;
  }

  /** The dialog is on screen: nothing in it is unread; true when that changed anything. */
  markRead(id: number): boolean {
    const entry = this.dialogs.get(id);
    if (!entry || entry.unread === 0) return false;
    this.dialogs.set(id, { ...entry, unread: 0 });
    return true;
  }

  bumpUnread(id: number): void {
    const e = this.dialogs.get(id);
    if (e) this.dialogs.set(id, { ...e, unread: e.unread + 1 });
  }

  /** The list preview follows the newest message. */
  noteLast(dialog: number, m: OperatorMessage): void {
    const e = this.dialogs.get(dialog);
    if (!e || (m.seq ?? 0) < e.lastSeq) return;
    this.dialogs.set(dialog, { ...e, lastSeq: m.seq ?? e.lastSeq, lastMessage: m.text, lastMessageAt: m.ts || e.lastMessageAt });
  }

  /** Every entry, latest activity first. */
  view(): DialogEntry[] {
    return [...this.dialogs.values()].sort((a, b) => b.lastMessageAt - a.lastMessageAt || b.id - a.id);
  }
}
