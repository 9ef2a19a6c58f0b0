// Small key-value persistence. localStorage may be missing or throw (Safari private mode,
// blocked third-party storage, quota), so every access is guarded and the app keeps
// working in memory.

export interface KeyValueStore {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
}

export function memoryStore(): KeyValueStore {
  const m = new Map<string, string>();
  return {
    get: (k) => m.get(k) ?? null,
    set: (k, v) => void m.set(k, v),
    remove: (k) => void m.delete(k),
  };
}

/** The browser's storage, or null where even touching it throws (blocked in sandboxed frames). */
export function safeStorage(get: () => Storage): Storage | null {
  try {
    return get();
  } catch {
    return null;
  }
}

/** A store whose keys are all prefixed, e.g. "callpy:<widget key>:token". */
export function prefixedStore(backend: Storage | null | undefined, prefix: string): KeyValueStore {
  const fallback = memoryStore();
  const guard = <T>(fn: (s: Storage) => T, alt: () => T): T => {
    try {
      return backend ? fn(backend) : alt();
    } catch {
      return alt();
    }
  };
  return {
    get: (k) => guard((s) => s.getItem(prefix + k), () => fallback.get(k)),
    set: (k, v) => guard((s) => s.setItem(prefix + k, v), () => fallback.set(k, v)),
    remove: (k) => guard((s) => s.removeItem(prefix + k), () => fallback.remove(k)),
  };
}
