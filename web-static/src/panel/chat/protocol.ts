// Frames of the realtime protocol v1 as the operator side sees them (/ws/operator,
// notes: daemon/realtime/protocol.md). Incoming JSON is untrusted: parseOperatorFrame()
// checks the fields the panel relies on and drops anything malformed instead of throwing.
import { isInt, isObj, parseJsonFrame, str } from '../../shared/realtime.ts';
import { parseAckFrame, parseMsgFrame, type AckFrame, type MsgFrame } from '../../shared/message_log.ts';

export type OperatorStatus = 'online' | 'away' | 'offline';
export const kStatuses: readonly OperatorStatus[] = ['online', 'away', 'offline'];
export const isStatus = (v: unknown): v is OperatorStatus => v === 'online' || v === 'away' || v === 'offline';

/** 'left' is set by the client on visitor_left; the daemon sends only the first two. */
export type Presence = 'focused' | 'background' | 'left';
export type Device = 'pc' | 'phone' | 'tablet';

export interface VisitorInfo {
  id: number;
  site: string;
  name: string;
  contact: { name: string; email: string; phone: string };
  state: Presence;
  widgetOpen: boolean;
  page: { url: string; title: string };
  device: Device | null;
  userAgent: string;
  dialog: number | null;
  since: number;
  /** Visitor info (F4, F12): "" when unknown. */
  browser: string;
  os: string;
  location: string;
  referrer: string;
}

export type DialogStatus = 'open' | 'closed';

export interface DialogInfo {
  id: number;
  site: string;
  visitor: number;
  status: DialogStatus;
  lastSeq: number;
  assignee: number | null;
  /** 1–5, null when not rated; undefined when the frame did not say. */
  rating?: number | null;
  ratingComment?: string;
  /** Group dialogs (F17): who takes part; undefined when the frame did not say. */
  participants?: Participant[];
  /** The dialog's department id, null when none; undefined when the frame did not say. */
  department?: number | null;
}

/** An operator taking part in a dialog: its assignee or an invited colleague. */
export interface Participant {
  user: number;
  role: 'assignee' | 'invited';
}

/** A visitor as the block/unblock frames and GET /api/panel/blocked-visitors give it. */
export interface BlockedVisitor {
  id: number;
  site: string;
  name: string;
  email: string;
  /** Unix ms; null once unblocked. */
  blockedAt: number | null;
}

/** One operator of a site as the `team` frame lists them (F17 transfer). */
export interface TeamMember {
  id: number;
  name: string;
  /** Status online with a connected tab. */
  online: boolean;
}

/** A rating as sent by the daemon: 1–5, anything else is "not rated". */
export const parseRating = (v: unknown): number | null => (isInt(v) && v >= 1 && v <= 5 ? v : null);

export type OperatorFrame =
  | { t: 'welcome'; user: { id: number; name: string }; sites: { id: string; role: string }[]; status: OperatorStatus }
  | { t: 'visitor'; visitor: VisitorInfo; snapshot: boolean }
  | { t: 'visitor_left'; visitor: number }
  | { t: 'dialog'; dialog: DialogInfo }
  | AckFrame
  | MsgFrame
  | { t: 'resumed'; dialog: number; seq: number }
  | { t: 'typing'; dialog: number; visitor: number | null; text: string; active: boolean }
  | { t: 'status'; state: OperatorStatus }
  | { t: 'team'; site: string; operators: TeamMember[] }
  | { t: 'visitor_name'; site: string; visitor: number; name: string }
  | { t: 'visitor_blocked'; site: string; visitor: BlockedVisitor; blocked: boolean }
  | { t: 'done'; op: string; cid: string | null; email: string }
  | { t: 'offer'; dialog: number; site: string; visitor: number; since: number; assignee: number | null }
  | { t: 'offer_taken'; dialog: number; by: number }
  | { t: 'err'; cid: string | null; code: string; message: string; field?: string };

function parseVisitor(v: unknown, site: string): VisitorInfo | null {
  if (!isObj(v) || !isInt(v.id)) return null;
  const contact = isObj(v.contact) ? v.contact : {};
  const page = isObj(v.page) ? v.page : {};
  return {
    id: v.id,
    site: str(v.site, site),
    name: str(v.name),
    contact: { name: str(contact.name), email: str(contact.email), phone: str(contact.phone) },
    state: v.state === 'background' ? 'background' : 'focused',
    widgetOpen: v.widget_open === true,
    page: { url: str(page.url), title: str(page.title) },
    device: v.device === 'pc' || v.device === 'phone' || v.device === 'tablet' ? v.device : null,
    userAgent: str(v.user_agent),
    browser: str(v.browser),
    os: str(v.os),
    location: str(v.location),
    referrer: str(v.referrer),
    dialog: isInt(v.dialog) ? v.dialog : null,
    since: isInt(v.since) ? v.since : 0,
  };
}

export function parseDialog(d: unknown): DialogInfo | null {
  if (!isObj(d) || !isInt(d.id) || !isInt(d.visitor)) return null;
  const out: DialogInfo = {
    id: d.id,
    site: str(d.site),
    visitor: d.visitor,
    status: d.status === 'closed' ? 'closed' : 'open',
    lastSeq: isInt(d.last_seq) ? d.last_seq : 0,
    assignee: isInt(d.assignee) ? d.assignee : null,
  };
  if ('rating' in d) {
    out.rating = parseRating(d.rating);
    out.ratingComment = out.rating === null ? '' : str(d.rating_comment);
  }
  if (Array.isArray(d.participants)) out.participants = parseParticipants(d.participants);
  if ('department' in d) out.department = isInt(d.department) ? d.department : null;
  return out;
}

/** Participants of a dialog frame or REST row; malformed entries are dropped. */
export function parseParticipants(v: unknown): Participant[] {
  if (!Array.isArray(v)) return [];
  return v
    .filter((p) => isObj(p) && isInt(p.user) && (p.role === 'assignee' || p.role === 'invited'))
    .map((p) => ({ user: p.user as number, role: p.role as Participant['role'] }));
}

/** A visitor of the block frames / blocked list; null without an id. */
export function parseBlockedVisitor(v: unknown, site = ''): BlockedVisitor | null {
  if (!isObj(v) || !isInt(v.id)) return null;
  return { id: v.id, site: str(v.site, site), name: str(v.name), email: str(v.email), blockedAt: isInt(v.blocked_at) ? v.blocked_at : null };
}

/** Parses one text frame; null for malformed JSON, unknown types or missing fields. */
export function parseOperatorFrame(data: unknown): OperatorFrame | null {
  const f = isObj(data) ? data : parseJsonFrame(data);
  if (!f) return null;
  switch (f.t) {
    case 'welcome': {
      const user = f.user;
      if (!isObj(user) || !isInt(user.id)) return null;
      const sites = Array.isArray(f.sites)
        ? f.sites.filter(isObj).map((s) => ({ id: str(s.id), role: str(s.role) }))
        : [];
      return { t: 'welcome', user: { id: user.id, name: str(user.name) }, sites, status: isStatus(f.status) ? f.status : 'online' };
    }
    case 'visitor': {
      const visitor = parseVisitor(f.visitor, str(f.site));
      return visitor ? { t: 'visitor', visitor, snapshot: f.snapshot === true } : null;
    }
    case 'visitor_left':
      return isInt(f.visitor) ? { t: 'visitor_left', visitor: f.visitor } : null;
    case 'dialog': {
      const dialog = parseDialog(f.dialog);
      return dialog ? { t: 'dialog', dialog } : null;
    }
    case 'ack':
      return parseAckFrame(f);
    case 'msg':
      return parseMsgFrame(f);
    case 'resumed':
      return isInt(f.dialog) && isInt(f.seq) ? { t: 'resumed', dialog: f.dialog, seq: f.seq } : null;
    case 'typing':
      if (!isInt(f.dialog)) return null;
      // With the typing preview the draft text is the signal (empty: input cleared);
      // without it the visitor sends only {active}.
      return {
        t: 'typing',
        dialog: f.dialog,
        visitor: isInt(f.visitor) ? f.visitor : null,
        text: str(f.text),
        active: f.active === true || (typeof f.text === 'string' && f.text !== ''),
      };
    case 'status':
      return isStatus(f.state) ? { t: 'status', state: f.state } : null;
    case 'team': {
      if (typeof f.site !== 'string' || f.site === '' || !Array.isArray(f.operators)) return null;
      const operators = f.operators
        .filter((o) => isObj(o) && isInt(o.id))
        .map((o) => ({ id: o.id as number, name: str(o.name), online: o.online === true }));
      return { t: 'team', site: f.site, operators };
    }
    case 'offer':
      if (!isInt(f.dialog) || typeof f.site !== 'string') return null;
      return { t: 'offer', dialog: f.dialog, site: f.site, visitor: isInt(f.visitor) ? f.visitor : 0, since: isInt(f.since) ? f.since : 0,
        assignee: isInt(f.assignee) ? f.assignee : null };
    case 'offer_taken':
      return isInt(f.dialog) && isInt(f.by) ? { t: 'offer_taken', dialog: f.dialog, by: f.by } : null;
    case 'visitor_name':
      return isInt(f.visitor) && typeof f.name === 'string' ? { t: 'visitor_name', site: str(f.site), visitor: f.visitor, name: f.name } : null;
    case 'visitor_blocked': {
      const visitor = parseBlockedVisitor(f.visitor, str(f.site));
      return visitor && typeof f.blocked === 'boolean' ? { t: 'visitor_blocked', site: str(f.site), visitor, blocked: f.blocked } : null;
    }
    case 'done':
      return typeof f.op === 'string' ? { t: 'done', op: f.op, cid: typeof f.cid === 'string' ? f.cid : null, email: str(f.email) } : null;
    case 'err':
      return {
        t: 'err',
        cid: typeof f.cid === 'string' ? f.cid : null,
        code: str(f.code, 'error'),
        message: str(f.message),
        ...(typeof f.field === 'string' ? { field: f.field } : {}),
      };
    default:
      return null;
  }
}
