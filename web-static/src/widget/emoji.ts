// Shared with the panel's composer: src/shared/emoji.ts.
export { insertAt, kEmoji } from '../shared/emoji.ts';
