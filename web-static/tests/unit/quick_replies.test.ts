import assert from 'node:assert/strict';
import { test } from 'node:test';
import { filterQuickReplies, insertReply, type QuickReply } from '../../src/panel/chat/quick_replies_api.ts';

const reply = (id: number, title: string, body: string): QuickReply => ({ id, site: 'shop', shared: false, title, body, created_at: 0 });

test('filterQuickReplies keeps replies with every word in the title or body, any case', () => {
  const all = [reply(1, 'Доставка', 'Доставим завтра до 18:00'), reply(2, 'Привет', 'Здравствуйте! Чем помочь?'), reply(3, 'Price', 'See the PRICE list')];
  assert.deepEqual(filterQuickReplies(all, '').map((r) => r.id), [1, 2, 3]);
  assert.deepEqual(filterQuickReplies(all, '  доставим ЗАВТРА ').map((r) => r.id), [1]);
  assert.deepEqual(filterQuickReplies(all, 'price list').map((r) => r.id), [3]);
  assert.deepEqual(filterQuickReplies(all, 'привет завтра').map((r) => r.id), []);
});

test('insertReply puts the reply at the caret for editing and moves the caret after it', () => {
  assert.deepEqual(insertReply('', 0, 0, 'Здравствуйте!'), { text: 'Здравствуйте!', caret: 13 });
  assert.deepEqual(insertReply('Anna:', 5, 5, 'hi'), { text: 'Anna: hi', caret: 8 });
  assert.deepEqual(insertReply('Anna: ', 6, 6, 'hi'), { text: 'Anna: hi', caret: 8 });
  // A selection is replaced.
  assert.deepEqual(insertReply('one two three', 4, 7, 'TWO'), { text: 'one TWO three', caret: 7 });
});
