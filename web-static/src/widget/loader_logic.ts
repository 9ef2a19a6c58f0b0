// Pure helpers of loader.js, kept apart so they can be unit tested without a DOM.

/** "https://chat.example.com/x/widget/loader.js?v=1" → "https://chat.example.com/x". */
export function publicUrlFromSrc(src: string): string | null {
  const m = /^(https?:\/\/[^?#]*?)\/widget\/loader\.js(?:[?#].*)?$/i.exec(src);
  return m ? (m[1] as string) : null;
}

/** Widget keys are [A-Za-z0-9_-] (core/sites); anything else is a broken snippet. */
export function isWidgetKey(key: string | null | undefined): key is string {
  return !!key && /^[A-Za-z0-9_-]{1,128}$/.test(key);
}

/** localStorage prefix shared by the loader and the chat bundle. */
export const storagePrefix = (key: string) => 'callpy:' + key + ':';

// Flags the chat bundle keeps so the next page load can bring the chat back at once.
export const kKeyHasDialog = 'dialog';
export const kKeyWindowOpen = 'open';

/** The chat bundle is loaded right away when the visitor has a dialog or left the window open. */
export function shouldLoadAtOnce(get: (k: string) => string | null): boolean {
  return get(kKeyHasDialog) === '1' || get(kKeyWindowOpen) === '1';
}

export const wsUrlFor = (publicUrl: string, key: string) =>
  publicUrl.replace(/^http/i, 'ws') + '/ws/visitor?key=' + encodeURIComponent(key);
