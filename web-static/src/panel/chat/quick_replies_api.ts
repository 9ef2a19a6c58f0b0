// Quick replies (F15): REST wrappers (daemon/http/api.md) and the small pure helpers the
// composer's picker uses.
import type { ApiClient } from '../../shared/api.ts';

export interface QuickReply {
  id: number;
  site: string;
  /** Shared with every operator of the site (managed by admins) or the operator's own. */
  shared: boolean;
  title: string;
  body: string;
  created_at: number;
}

const P = '/api/panel/quick-replies';

export async function listQuickReplies(client: ApiClient, site: string): Promise<QuickReply[]> {
  const q = new URLSearchParams({ site });
  return (await client.get<{ quick_replies: QuickReply[] }>(`${P}?${q.toString()}`)).quick_replies;
}

export async function createQuickReply(
  client: ApiClient,
  reply: { site: string; title?: string; body: string; shared?: boolean },
): Promise<QuickReply> {
  return (await client.post<{ quick_reply: QuickReply }>(P, reply)).quick_reply;
}

export async function deleteQuickReply(client: ApiClient, id: number): Promise<void> {
  await client.delete(`${P}/${id}`);
}

/** Replies whose title or body contains every word of `query` (case-insensitive), in order. */
export function filterQuickReplies(replies: QuickReply[], query: string): QuickReply[] {
  const words = query.toLocaleLowerCase().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return replies;
  return replies.filter((r) => {
    const hay = `${r.title}\n${r.body}`.toLocaleLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/**
 * The composer text after inserting `body` for editing: at the caret when the draft has text,
 * separated by a space; the caret lands after the inserted text.
 */
export function insertReply(draft: string, start: number, end: number, body: string): { text: string; caret: number } {
  const before = draft.slice(0, start);
  const after = draft.slice(end);
  const pad = before !== '' && !/\s$/.test(before) ? ' ' : '';
  const text = before + pad + body + after;
  return { text, caret: before.length + pad.length + body.length };
}
