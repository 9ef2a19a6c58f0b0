// This device's alert switch: browser notifications while the panel tab is in the background
// (the permission is per browser, so the choice is too), kept in localStorage. Sound and the
// per-event toggles are the operator's preferences kept by the daemon (chat/preferences.ts).
// A tiny observable so the toggle and the alerting code agree.
import type { KeyValueStore } from '../../shared/storage.ts';

export interface AlertSettings {
  notify: boolean;
}

const kKeyNotify = 'notify';

export class SettingsStore {
  private value: AlertSettings;
  private listeners = new Set<(s: AlertSettings) => void>();

  constructor(private readonly store: KeyValueStore) {
    this.value = { notify: store.get(kKeyNotify) === '1' };
  }

  get current(): AlertSettings {
    return this.value;
  }

  set(patch: Partial<AlertSettings>): void {
    this.value = { ...this.value, ...patch };
    this.store.set(kKeyNotify, this.value.notify ? '1' : '0');
    for (const fn of this.listeners) fn(this.value);
  }

  subscribe(fn: (s: AlertSettings) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
