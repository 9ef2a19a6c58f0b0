// The widget's chime for an operator's message: two rising tones (shared/sound.ts plays them
// once the first interaction with the widget has unlocked audio).
import { playTones } from '../shared/sound.ts';

export { unlockSound } from '../shared/sound.ts';

export function chime(): void {
  playTones(
    [
      [880, 0],
      [1320, 0.12],
    ],
    0.15,
    0.3,
  );
}
