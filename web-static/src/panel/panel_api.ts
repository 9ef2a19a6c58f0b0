// Typed wrappers for the panel endpoints of daemon/http/api.md.
import { ApiClient, seg } from '../shared/api.ts';
import type { Language } from '../shared/i18n.ts';
import type { Hours } from './hours_model.ts';

export type Role = 'owner' | 'admin' | 'operator';
export const kRoles: readonly Role[] = ['owner', 'admin', 'operator'];

export interface User {
  id: number;
  email: string;
  name: string;
  language: Language;
}

export interface SiteRef {
  id: string;
  name: string;
  role: Role;
}

export interface Me {
  user: User;
  csrf: string;
  sites: SiteRef[];
}

export interface Site {
  id: string;
  name: string;
  language: Language;
  timezone: string;
  origins: string[];
  widget_key: string;
  role: Role;
  managed_by_config: boolean;
  /** Where offline-form requests (F7) are e-mailed. */
  offline_emails: string[];
  /** Chat settings (routing, typing preview, pre-chat departments). */
  chat?: ChatSettings;
  /** Incoming call settings (F21). */
  calls?: CallSettings;
}

export interface CallSettings {
  enabled: boolean;
  ring_mode: 'all' | 'sequential';
  /** Per operator in sequential mode, 5…120. */
  ring_timeout_seconds: number;
  after_hours: 'offline_form' | 'callback';
}

export interface ChatSettings {
  typing_preview: boolean;
  first_response_seconds: number;
  dialog_limit: number;
  prechat_departments: boolean;
  default_department_id: number | null;
}

export interface Operator {
  user_id: number;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  pending: boolean;
  managed_by_config: boolean;
}

export interface Department {
  id: number;
  slug: string;
  name: string;
  operators: number[];
  managed_by_config: boolean;
}

export interface Invite {
  email: string;
  site: { id: string; name: string };
  role: Role;
}

export interface Snippet {
  body_start: string;
  anywhere: string;
}

export type DialogFolder = 'open' | 'history' | 'important';

/** A row of GET /api/panel/dialogs. */
export interface DialogSummary {
  id: number;
  site: string;
  visitor: number;
  visitor_name: string;
  status: 'open' | 'closed';
  last_seq: number;
  last_message: string;
  last_message_at: number;
  important: boolean;
  assignee: number | null;
  /** 1–5 when the visitor rated the dialog (F17). */
  rating?: number | null;
  rating_comment?: string;
  /** F17 group dialogs: the assignee and invited operators. */
  participants?: { user: number; role: 'assignee' | 'invited' }[];
  department?: number | null;
}

/** A row of GET /api/panel/dialogs/{id}/messages. */
export interface StoredMessage {
  id: number;
  seq: number;
  author: { kind: 'visitor' | 'operator' | 'system'; id?: number; name?: string };
  kind: string;
  text: string;
  ts: number;
  cid: string | null;
  /** F16: kind 'file' carries its upload. */
  file?: { id: number; name: string; size: number; mime: string };
}

export interface DialogQuery {
  q?: string;
  site?: string;
  limit?: number;
  offset?: number;
}

/** admin and owner manage a site; operators only read it. */
export function canManage(role: Role | undefined): boolean {
  return role === 'owner' || role === 'admin';
}

const P = '/api/panel';

export class PanelApi {
  constructor(readonly client: ApiClient) {}

  login(email: string, password: string): Promise<{ user: User; csrf: string }> {
    return this.client.post(`${P}/auth/login`, { email, password }, { auth: true });
  }
  logout(): Promise<unknown> {
    return this.client.post(`${P}/auth/logout`);
  }
  resetRequest(email: string): Promise<unknown> {
    return this.client.post(`${P}/auth/reset-request`, { email }, { auth: true });
  }
  reset(token: string, password: string): Promise<unknown> {
    return this.client.post(`${P}/auth/reset`, { token, password }, { auth: true });
  }
  invite(token: string): Promise<Invite> {
    return this.client.get(`${P}/invites/${seg(token)}`, { auth: true });
  }
  acceptInvite(token: string, name: string, password: string): Promise<{ user: User; csrf: string }> {
    return this.client.post(`${P}/invites/accept`, { token, name, password }, { auth: true });
  }

  me(opts?: { auth?: boolean }): Promise<Me> {
    return this.client.get(`${P}/me`, opts);
  }
  updateMe(patch: { name?: string; language?: Language }): Promise<{ user: User }> {
    return this.client.patch(`${P}/me`, patch);
  }
  changePassword(current: string, password: string): Promise<unknown> {
    return this.client.post(`${P}/me/password`, { current, password });
  }

  async sites(): Promise<Site[]> {
    return (await this.client.get<{ sites: Site[] }>(`${P}/sites`)).sites;
  }
  async addSite(name: string, url: string, language?: Language): Promise<Site> {
    return (await this.client.post<{ site: Site }>(`${P}/sites`, { name, url, language })).site;
  }
  async site(id: string): Promise<Site> {
    return (await this.client.get<{ site: Site }>(`${P}/sites/${seg(id)}`)).site;
  }
  async updateSite(
    id: string,
    patch: {
      name?: string; language?: Language; origins?: string[]; offline_emails?: string[]; chat?: Partial<ChatSettings>;
      calls?: Partial<CallSettings>;
    },
  ): Promise<Site> {
    return (await this.client.patch<{ site: Site }>(`${P}/sites/${seg(id)}`, patch)).site;
  }
  /** Per-operator dialog limits (overrides of chat.dialog_limit), by user id. */
  async dialogLimits(site: string): Promise<Record<string, number>> {
    return (await this.client.get<{ dialog_limits: Record<string, number> }>(`${P}/sites/${seg(site)}/dialog_limits`)).dialog_limits;
  }
  setDialogLimit(site: string, user: number, limit: number | null): Promise<unknown> {
    return this.client.put(`${P}/sites/${seg(site)}/dialog_limits/${seg(user)}`, { dialog_limit: limit });
  }
  snippet(id: string): Promise<Snippet> {
    return this.client.get(`${P}/sites/${seg(id)}/snippet`);
  }

  async operators(site: string): Promise<Operator[]> {
    return (await this.client.get<{ operators: Operator[] }>(`${P}/sites/${seg(site)}/operators`)).operators;
  }
  async inviteOperator(site: string, email: string, role: Role): Promise<Operator> {
    return (await this.client.post<{ operator: Operator }>(`${P}/sites/${seg(site)}/operators`, { email, role })).operator;
  }
  async setOperatorDisabled(site: string, user: number, disabled: boolean): Promise<Operator> {
    const verb = disabled ? 'disable' : 'enable';
    return (await this.client.post<{ operator: Operator }>(`${P}/sites/${seg(site)}/operators/${seg(user)}/${verb}`)).operator;
  }
  async setOperatorRole(site: string, user: number, role: Role): Promise<Operator> {
    return (await this.client.put<{ operator: Operator }>(`${P}/sites/${seg(site)}/operators/${seg(user)}/role`, { role })).operator;
  }

  async departments(site: string): Promise<Department[]> {
    return (await this.client.get<{ departments: Department[] }>(`${P}/sites/${seg(site)}/departments`)).departments;
  }
  async addDepartment(site: string, name: string): Promise<Department> {
    return (await this.client.post<{ department: Department }>(`${P}/sites/${seg(site)}/departments`, { name })).department;
  }
  async updateDepartment(site: string, slug: string, patch: { name?: string; operators?: number[] }): Promise<Department> {
    return (await this.client.patch<{ department: Department }>(`${P}/sites/${seg(site)}/departments/${seg(slug)}`, patch)).department;
  }
  deleteDepartment(site: string, slug: string): Promise<unknown> {
    return this.client.delete(`${P}/sites/${seg(site)}/departments/${seg(slug)}`);
  }

  async hours(site: string): Promise<Hours> {
    return (await this.client.get<{ hours: Hours }>(`${P}/sites/${seg(site)}/hours`)).hours;
  }
  async setHours(site: string, hours: Omit<Hours, 'open_now'>): Promise<Hours> {
    return (await this.client.put<{ hours: Hours }>(`${P}/sites/${seg(site)}/hours`, { hours })).hours;
  }

  async dialogs(folder: DialogFolder, query: DialogQuery = {}): Promise<DialogSummary[]> {
    const params = new URLSearchParams({ folder });
    if (query.q) params.set('q', query.q);
    if (query.site) params.set('site', query.site);
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    if (query.offset !== undefined) params.set('offset', String(query.offset));
    return (await this.client.get<{ dialogs: DialogSummary[] }>(`${P}/dialogs?${params.toString()}`)).dialogs;
  }
  dialogMessages(id: number, after = 0, limit?: number): Promise<{ messages: StoredMessage[]; last_seq: number }> {
    const params = new URLSearchParams({ after: String(after) });
    if (limit !== undefined) params.set('limit', String(limit));
    return this.client.get(`${P}/dialogs/${seg(id)}/messages?${params.toString()}`);
  }
  closeDialog(id: number): Promise<unknown> {
    return this.client.post(`${P}/dialogs/${seg(id)}/close`);
  }
  setImportant(id: number, important: boolean): Promise<unknown> {
    return this.client.post(`${P}/dialogs/${seg(id)}/important`, { important });
  }
}
