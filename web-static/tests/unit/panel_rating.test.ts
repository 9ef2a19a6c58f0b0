// The rating (F17) on the operator side: asking sends `rate_request`; the rating arrives in
// `dialog` frames (live) and in the REST rows, and a later list refresh does not lose it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { en } from '../../src/panel/i18n/en.ts';
import { ru } from '../../src/panel/i18n/ru.ts';
import { parseOperatorFrame } from '../../src/panel/chat/protocol.ts';
import { Harness, summary } from './panel_harness.ts';

const dialogFrame = (extra: Record<string, unknown> = {}) => ({
  t: 'dialog',
  dialog: { id: 7, site: 'shop', visitor: 42, status: 'open', last_seq: 3, assignee: 3, ...extra },
});

const entry = (h: Harness, id = 7) => h.state.dialogs.find((d) => d.id === id)!;

test('rating: asking sends rate_request for the dialog; nothing is sent (or queued) while disconnected', async () => {
  const h = new Harness();
  h.rest.open = [summary(7)];
  h.client.start();
  assert.equal(h.client.requestRating(7), false, 'not connected yet');
  await h.welcome();
  assert.equal(h.sock.ofType('rate_request').length, 0, 'the offline click was not queued');
  assert.equal(h.client.requestRating(7), true);
  assert.deepEqual(h.sock.ofType('rate_request'), [{ t: 'rate_request', dialog: 7 }]);
  h.reconnect();
  assert.equal(h.client.requestRating(7), false);
  await h.welcome();
  assert.equal(h.sock.ofType('rate_request').length, 0);
});

test('rating: shown from dialog frames, kept by frames that do not mention it, cleared by null', async () => {
  const h = new Harness();
  h.rest.open = [summary(7)];
  await h.welcome();
  assert.equal(entry(h).rating, null);
  assert.equal(entry(h).ratingComment, '');
  h.sock.push(dialogFrame({ rating: 5, rating_comment: 'Very helpful' }));
  assert.equal(entry(h).rating, 5);
  assert.equal(entry(h).ratingComment, 'Very helpful');
  h.sock.push(dialogFrame({ assignee: 4 }));
  assert.equal(entry(h).rating, 5, 'a frame without the field keeps what we know');
  assert.equal(entry(h).assignee, 4);
  h.sock.push(dialogFrame({ rating: 2, rating_comment: '' }));
  assert.equal(entry(h).rating, 2, 'the last rating counts');
  assert.equal(entry(h).ratingComment, '');
  h.sock.push(dialogFrame({ rating: null, rating_comment: '' }));
  assert.equal(entry(h).rating, null);
});

test('rating: a dialog frame for a dialog not listed yet carries its rating', async () => {
  const h = new Harness();
  await h.welcome();
  h.sock.push({ ...dialogFrame({ id: 9, status: 'closed', rating: 4, rating_comment: 'ok' }) });
  assert.equal(entry(h, 9).rating, 4);
  assert.equal(entry(h, 9).ratingComment, 'ok');
});

test('rating: REST rows carry it; a list older than the live rating does not undo it', async () => {
  const h = new Harness();
  h.rest.open = [summary(7, { rating: 3 }), summary(8)];
  await h.welcome();
  assert.equal(entry(h, 7).rating, 3);
  assert.equal(entry(h, 8).rating, null);
  h.sock.push(dialogFrame({ id: 8, rating: 5, rating_comment: 'great' }));
  h.rest.open = [summary(7, { rating: 3 }), summary(8)]; // queried before the rating
  h.reconnect();
  await h.welcome();
  assert.equal(entry(h, 8).rating, 5);
  assert.equal(entry(h, 8).ratingComment, 'great', 'the comment of the same rating stays');
  assert.equal(entry(h, 7).rating, 3);
});

test('rating: dialog frames are parsed defensively', () => {
  const f = (d: Record<string, unknown>) => parseOperatorFrame(JSON.stringify(dialogFrame(d)));
  const dialog = (d: Record<string, unknown>) => (f(d) as { dialog: { rating?: number | null; ratingComment?: string } }).dialog;
  assert.equal(dialog({}).rating, undefined);
  assert.equal(dialog({ rating: 4 }).rating, 4);
  assert.equal(dialog({ rating: 4 }).ratingComment, '');
  assert.equal(dialog({ rating: 0 }).rating, null);
  assert.equal(dialog({ rating: 6, rating_comment: 'x' }).rating, null);
  assert.equal(dialog({ rating: 6, rating_comment: 'x' }).ratingComment, '');
  assert.equal(dialog({ rating: '5' }).rating, null);
});

test('rating strings in both panel languages', () => {
  assert.equal(ru['controls.rating'], 'Запросить оценку');
  assert.equal(en['controls.rating'], 'Ask for a rating');
  assert.ok(en['chat.rating'].includes('{n}') && ru['chat.rating'].includes('{n}'));
});
