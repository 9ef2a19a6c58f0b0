// The widget's persistence: the guarded stores live in src/shared/storage.ts; the keys
// under the per-widget prefix are the widget's own.
export { memoryStore, prefixedStore, safeStorage, type KeyValueStore } from '../shared/storage.ts';

// Keys under the per-widget prefix; shared with the loader (loader_logic.ts).
export const kKeyToken = 'token';
export const kKeyOutbox = 'outbox';
export const kKeyContact = 'contact';
export const kKeyCustom = 'custom';
export const kKeyOffline = 'offline';
export const kKeyRating = 'rating';
