// Ring tones for calls, played with the shared WebAudio tones (shared/sound.ts: silent until a
// user gesture unlocked audio). Incoming: a double ring every 2 s; outgoing: one long beep (ringback).
import { playTones } from './sound.ts';

let timer: ReturnType<typeof setInterval> | null = null;
let current: 'in' | 'out' | null = null;

function once(kind: 'in' | 'out'): void {
  if (kind === 'in') {
    playTones(
      [
        [660, 0],
        [880, 0.18],
        [660, 0.5],
        [880, 0.68],
      ],
      0.2,
      0.3,
    );
  } else {
    playTones([[425, 0]], 0.08, 1.0);
  }
}

/** Starts (or stops, with null) the ring; calling it again with the same kind keeps it going. */
export function ring(kind: 'in' | 'out' | null): void {
  if (kind === current) return;
  if (timer !== null) clearInterval(timer);
  timer = null;
  current = kind;
  if (!kind) return;
  once(kind);
  timer = setInterval(() => once(kind), kind === 'in' ? 2000 : 3000);
}
