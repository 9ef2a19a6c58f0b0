// The signed-in operator's own preferences (F5, F17), kept by the daemon so they follow the
// operator to any browser: which events alert (new visitor, new message, new dialog, transfer
// to me), sound on/off, and the quick-button bar above the conversation. GET/PATCH
// /api/panel/me/preferences (daemon/http/api.md "Preferences"). A tiny observable: the toggles,
// the bar and the alerting code read one value. Changes apply at once and roll back when the
// server refuses them.

export type NotifyEvent = 'visitor' | 'message' | 'dialog' | 'transfer';
export const kNotifyEvents: readonly NotifyEvent[] = ['visitor', 'message', 'dialog', 'transfer'];

/** The secondary chat controls that can be pinned to the bar (bar order is the list order). */
export type QuickButton = 'transfer' | 'invite' | 'rename' | 'block' | 'transcript' | 'rating' | 'important';
export const kQuickButtons: readonly QuickButton[] = ['transfer', 'invite', 'rename', 'block', 'transcript', 'rating', 'important'];
export const isQuickButton = (v: unknown): v is QuickButton => typeof v === 'string' && (kQuickButtons as readonly string[]).includes(v);

export interface Preferences {
  notify: Record<NotifyEvent, boolean>;
  sound: boolean;
  quickButtons: QuickButton[];
}

export const kDefaultPreferences: Preferences = {
  notify: { visitor: true, message: true, dialog: true, transfer: true },
  sound: true,
  quickButtons: [],
};

/** The server's `preferences` object; anything missing or malformed takes the default. */
export function parsePreferences(v: unknown): Preferences {
  const o = typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  const n = typeof o.notify === 'object' && o.notify !== null ? (o.notify as Record<string, unknown>) : {};
  const notify = { ...kDefaultPreferences.notify };
  for (const e of kNotifyEvents) if (typeof n[e] === 'boolean') notify[e] = n[e] as boolean;
  const seen = new Set<QuickButton>();
  const quickButtons = (Array.isArray(o.quick_buttons) ? o.quick_buttons : []).filter((b): b is QuickButton => {
    if (!isQuickButton(b) || seen.has(b)) return false;
    seen.add(b);
    return true;
  });
  return { notify, sound: typeof o.sound === 'boolean' ? o.sound : true, quickButtons };
}

export interface PreferencesPatch {
  notify?: Partial<Record<NotifyEvent, boolean>>;
  sound?: boolean;
  quickButtons?: QuickButton[];
}

/** The wire form of a patch (snake_case, only what changes). */
export function patchBody(p: PreferencesPatch): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (p.notify) body.notify = p.notify;
  if (p.sound !== undefined) body.sound = p.sound;
  if (p.quickButtons) body.quick_buttons = p.quickButtons;
  return body;
}

// --- the quick-button bar ------------------------------------------------------------------

/** Pins `b` at index `at` (default: the end); pinning a pinned button moves it there. */
export function pinButton(bar: readonly QuickButton[], b: QuickButton, at = bar.length): QuickButton[] {
  const from = bar.indexOf(b);
  const rest = bar.filter((x) => x !== b);
  // Moving right within the bar: the removal shifted everything after it by one.
  const pos = Math.max(0, Math.min(from !== -1 && from < at ? at - 1 : at, rest.length));
  return [...rest.slice(0, pos), b, ...rest.slice(pos)];
}

export function unpinButton(bar: readonly QuickButton[], b: QuickButton): QuickButton[] {
  return bar.filter((x) => x !== b);
}

// --- the store --------------------------------------------------------------------------------

export interface PreferencesApi {
  get(): Promise<{ preferences: unknown }>;
  patch(body: Record<string, unknown>): Promise<{ preferences: unknown }>;
}

export interface PreferencesView {
  value: Preferences;
  /** False until the first GET answered (the defaults are shown meanwhile). */
  loaded: boolean;
  /** The last failed save (the change was rolled back), until the next success. */
  error: unknown;
}

export class PreferencesStore {
  private view: PreferencesView = { value: kDefaultPreferences, loaded: false, error: null };
  private listeners = new Set<(v: PreferencesView) => void>();
  /** Saves go out one after another so the last click is the last write. */
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly api: PreferencesApi) {}

  get current(): PreferencesView {
    return this.view;
  }

  async load(): Promise<void> {
    try {
      const r = await this.api.get();
      this.set({ value: parsePreferences(r.preferences), loaded: true, error: null });
    } catch (e) {
      this.set({ ...this.view, error: e });
    }
  }

  /** Applies the change at once; the server's answer becomes the value, a refusal rolls back. */
  update(patch: PreferencesPatch): Promise<void> {
    const before = this.view.value;
    this.set({
      ...this.view,
      value: {
        notify: { ...before.notify, ...patch.notify },
        sound: patch.sound ?? before.sound,
        quickButtons: patch.quickButtons ?? before.quickButtons,
      },
    });
    this.chain = this.chain.then(async () => {
      try {
        const r = await this.api.patch(patchBody(patch));
        this.set({ value: parsePreferences(r.preferences), loaded: true, error: null });
      } catch (e) {
        this.set({ ...this.view, value: before, error: e });
      }
    });
    return this.chain;
  }

  subscribe(fn: (v: PreferencesView) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private set(v: PreferencesView): void {
    this.view = v;
    for (const fn of this.listeners) fn(v);
  }
}
