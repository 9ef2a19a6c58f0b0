// Frames of the realtime protocol v1 as the visitor side sees them
// (daemon/realtime/protocol.md). Incoming JSON is untrusted: parseServerFrame() checks
// the fields the client relies on and drops anything malformed instead of throwing.

import { isInt, isObj, parseJsonFrame, str } from '../shared/realtime.ts';
import { kDefaultUploadMax } from '../shared/files.ts';
import { parseAckFrame, parseMsgFrame, type AckFrame, type MsgFrame } from '../shared/message_log.ts';
import { parseDepartments, type DepartmentOption } from './prechat.ts';

export { kProtocolVersion, type Author, type AuthorKind } from '../shared/realtime.ts';

export interface SiteInfo {
  name: string;
  language: string;
  open: boolean;
  operatorsOnline: number;
  typingPreview: boolean;
  /** Pre-chat department choice: empty unless the visitor should choose (prechat.ts). */
  departments: DepartmentOption[];
  /** The daemon's limits.max_upload_bytes (F16). */
  uploadMaxBytes: number;
  /** F21: call buttons shown at all, and what replaces calls outside working hours. */
  calls: { enabled: boolean; afterHours: 'offline_form' | 'callback' };
}

export interface PageInfo {
  url: string;
  title: string;
  referrer: string;
  /** The page load's time in ms: identifies the page view across reconnects (F4). */
  ts?: number;
  /** Pages this tab opened earlier, oldest first (page_views.ts). */
  earlier?: { url: string; title: string; referrer: string; ts: number }[];
}

export type ServerFrame =
  | {
      t: 'welcome';
      visitorId: number;
      token: string | null;
      site: SiteInfo;
      dialog: { id: number; seq: number } | null;
      /** The operators blocked this visitor (F17): a notice instead of the composer. */
      blocked: boolean;
    }
  | { t: 'blocked'; blocked: boolean }
  | AckFrame
  | MsgFrame
  | { t: 'resumed'; dialog: number; seq: number }
  | { t: 'typing'; active: boolean }
  | { t: 'status'; open: boolean; operatorsOnline: number }
  | { t: 'offline_ack'; cid: string; dialog: number }
  | { t: 'rating_request'; dialog: number }
  | { t: 'rated'; cid: string; dialog: number; stars: number }
  | { t: 'err'; cid: string | null; code: string; message: string; field: string | null };

/** Parses one text frame; null for malformed JSON, unknown types or missing fields. */
export function parseServerFrame(data: unknown): ServerFrame | null {
  const f = isObj(data) ? data : parseJsonFrame(data);
  if (!f) return null;
  switch (f.t) {
    case 'welcome': {
      const visitor = f.visitor;
      const site = f.site;
      if (!isObj(visitor) || !isInt(visitor.id) || !isObj(site)) return null;
      let dialog: { id: number; seq: number } | null = null;
      if (isObj(f.dialog) && isInt(f.dialog.id) && isInt(f.dialog.seq)) dialog = { id: f.dialog.id, seq: f.dialog.seq };
      return {
        t: 'welcome',
        visitorId: visitor.id,
        token: typeof visitor.token === 'string' && visitor.token !== '' ? visitor.token : null,
        site: {
          name: str(site.name),
          language: str(site.language, 'en'),
          open: site.open !== false,
          operatorsOnline: isInt(site.operators_online) ? site.operators_online : 0,
          typingPreview: site.typing_preview === true,
          departments: parseDepartments(site.departments),
          uploadMaxBytes: isInt(site.upload_max_bytes) ? site.upload_max_bytes : kDefaultUploadMax,
          calls: {
            enabled: !isObj(site.calls) || site.calls.enabled !== false,
            afterHours: isObj(site.calls) && site.calls.after_hours === 'callback' ? 'callback' : 'offline_form',
          },
        },
        dialog,
        blocked: visitor.blocked === true,
      };
    }
    case 'blocked':
      return typeof f.blocked === 'boolean' ? { t: 'blocked', blocked: f.blocked } : null;
    case 'ack':
      return parseAckFrame(f);
    case 'msg':
      return parseMsgFrame(f);
    case 'resumed':
      if (!isInt(f.dialog) || !isInt(f.seq)) return null;
      return { t: 'resumed', dialog: f.dialog, seq: f.seq };
    case 'typing':
      return { t: 'typing', active: f.active === true || (typeof f.text === 'string' && f.text !== '') };
    case 'status':
      return {
        t: 'status',
        open: f.open !== false,
        operatorsOnline: isInt(f.operators_online) ? f.operators_online : 0,
      };
    case 'offline_ack':
      if (typeof f.cid !== 'string' || !isInt(f.dialog)) return null;
      return { t: 'offline_ack', cid: f.cid, dialog: f.dialog };
    case 'rating_request':
      return isInt(f.dialog) ? { t: 'rating_request', dialog: f.dialog } : null;
    case 'rated':
      if (!isInt(f.dialog) || !isInt(f.stars) || f.stars < 1 || f.stars > 5) return null;
      return { t: 'rated', cid: str(f.cid), dialog: f.dialog, stars: f.stars };
    case 'err':
      return {
        t: 'err',
        cid: typeof f.cid === 'string' ? f.cid : null,
        code: str(f.code, 'error'),
        message: str(f.message),
        field: typeof f.field === 'string' ? f.field : null,
      };
    default:
      return null;
  }
}
