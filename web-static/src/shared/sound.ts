// Short alert tones generated with WebAudio (no audio file to fetch), for the panel's alerts
// and the widget's chime. Browsers only let audio start after a user gesture, so each UI calls
// unlockSound on the first interaction; before that the tones are silently skipped.
let ctx: AudioContext | null = null;

export function unlockSound(): void {
  try {
    ctx ??= new AudioContext();
    if (ctx.state === 'suspended') void ctx.resume();
  } catch {
    ctx = null;
  }
}

/** Plays sine tones [frequency Hz, start s], each rising to `peak` and fading out by `fade` s. */
export function playTones(tones: readonly (readonly [number, number])[], peak: number, fade: number): void {
  if (!ctx || ctx.state !== 'running') return;
  const t = ctx.currentTime;
  for (const [freq, start] of tones) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, t + start);
    gain.gain.exponentialRampToValueAtTime(peak, t + start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + start + fade);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t + start);
    osc.stop(t + start + fade + 0.02);
  }
}
