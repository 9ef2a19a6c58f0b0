// A small built-in emoji set, shared by the widget and the panel; a full emoji library
// would not fit the widget's bundle budget.
export const kEmoji: readonly string[] = [
  '😀', '😁', '😂', '🙂', '😉', '😊', '😍', '😘', '🤔', '😐', '😕', '😢',
  '😭', '😡', '😮', '😴', '🙄', '😅', '🤝', '👍', '👎', '👌', '👋', '🙏',
  '👏', '💪', '❤️', '💔', '🔥', '⭐', '✅', '❌', '❓', '❗', '🎉', '🎁',
  '📦', '🚚', '💳', '📞', '📧', '⏰', '☕', '🌞',
];

/** Inserts `emoji` at the caret of `text`; returns the new text and caret position. */
export function insertAt(text: string, start: number, end: number, emoji: string): { text: string; caret: number } {
  const a = Math.max(0, Math.min(start, text.length));
  const b = Math.max(a, Math.min(end, text.length));
  return { text: text.slice(0, a) + emoji + text.slice(b), caret: a + emoji.length };
}
