// Reconnect delays: exponential with "equal jitter" (half fixed, half random), so a daemon
// restart is not met by every widget reconnecting in the same millisecond, yet no client
// waits less than half of its step.

export const kBackoffBaseMs = 500;
export const kBackoffCapMs = 30_000;

/** Delay before reconnect attempt `attempt` (0 = first retry); random() in [0, 1). */
export function backoffDelay(attempt: number, random: () => number): number {
  const step = Math.min(kBackoffCapMs, kBackoffBaseMs * 2 ** Math.min(Math.max(attempt, 0), 16));
  return Math.round(step / 2 + random() * (step / 2));
}
