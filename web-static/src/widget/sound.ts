// A short two-tone chime generated with WebAudio: no audio file to download. Browsers
// only let audio start after a user gesture, so the context is unlocked on the first
// interaction with the widget; before that the chime is silently skipped.
let ctx: AudioContext | null = null;

export function unlockSound(): void {
  try {
    ctx ??= new AudioContext();
    if (ctx.state === 'suspended') void ctx.resume();
  } catch {
    ctx = null;
  }
}

export function chime(): void {
  if (!ctx || ctx.state !== 'running') return;
  const t = ctx.currentTime;
  for (const [freq, start] of [
    [880, 0],
    [1320, 0.12],
  ] as const) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, t + start);
    gain.gain.exponentialRampToValueAtTime(0.15, t + start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + start + 0.3);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t + start);
    osc.stop(t + start + 0.32);
  }
}
