// The operator's alert settings (sound, browser notifications), kept in localStorage so
// they survive reloads; a tiny observable so the toggles and the alerting code agree.
import type { KeyValueStore } from '../../shared/storage.ts';

export interface AlertSettings {
  sound: boolean;
  notify: boolean;
}

const kKeySound = 'sound';
const kKeyNotify = 'notify';

export class SettingsStore {
  private value: AlertSettings;
  private listeners = new Set<(s: AlertSettings) => void>();

  constructor(private readonly store: KeyValueStore) {
    this.value = { sound: store.get(kKeySound) !== '0', notify: store.get(kKeyNotify) === '1' };
  }

  get current(): AlertSettings {
    return this.value;
  }

  set(patch: Partial<AlertSettings>): void {
    this.value = { ...this.value, ...patch };
    this.store.set(kKeySound, this.value.sound ? '1' : '0');
    this.store.set(kKeyNotify, this.value.notify ? '1' : '0');
    for (const fn of this.listeners) fn(this.value);
  }

  subscribe(fn: (s: AlertSettings) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
