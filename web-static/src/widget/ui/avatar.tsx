// F6: an operator's avatar next to their messages and in the header. A picture that fails to
// load is hidden (the name or the site's initial stays).
import { useState } from 'preact/hooks';
import type { Author } from '../../shared/realtime.ts';
import { avatarSrc } from '../avatars.ts';

export function OperatorAvatar({ author, cls, testid }: { author: Author | undefined; cls: string; testid: string }) {
  const src = avatarSrc(author);
  const [failed, setFailed] = useState<string | null>(null);
  if (!src || failed === src) return null;
  // alt="": the operator's name is written next to it.
  return <img class={cls} src={src} alt="" referrerpolicy="no-referrer" onError={() => setFailed(src)} data-testid={testid} />;
}
