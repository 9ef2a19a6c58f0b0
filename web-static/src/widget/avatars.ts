// F6: operators' avatars in the widget. Frames carry a path on the daemon; the widget runs on
// the customer's page, so the image is loaded from the daemon's origin (public, served with
// Cross-Origin-Resource-Policy: cross-origin and cached forever: a new avatar is a new URL).
import type { Author } from '../shared/realtime.ts';

let base = '';

export function configureAvatars(publicUrl: string): void {
  base = publicUrl.replace(/\/+$/, '');
}

export const avatarSrc = (a: Author | undefined): string | null => (a?.kind === 'operator' && a.avatar ? base + a.avatar : null);

/** The operator who wrote last: whose face the header shows. */
export function lastOperator(messages: readonly { author: Author }[]): Author | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const a = messages[i]?.author;
    if (a?.kind === 'operator') return a;
  }
  return undefined;
}
