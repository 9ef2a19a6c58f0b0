// Moved to src/shared/backoff.ts (the panel's operator client uses the same policy).
export { backoffDelay, kBackoffBaseMs, kBackoffCapMs } from '../shared/backoff.ts';
