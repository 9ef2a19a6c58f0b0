// The rating (F17) on the widget side: the card on `rating_request`, the `rate` frame with a
// cid (queued offline, re-sent with the same cid), the thank-you on `rated`, rejections,
// and what survives a reload.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kAckTimeoutMs } from '../../src/widget/client.ts';
import { widgetTranslator } from '../../src/widget/i18n.ts';
import { parseServerFrame } from '../../src/widget/protocol.ts';
import { kRatingCommentMax, ratingVisible } from '../../src/widget/rating.ts';
import { kKeyRating, memoryStore } from '../../src/widget/storage.ts';
import { Harness, opMsg } from './widget_harness.ts';

function asked(h: Harness, dialog = 7) {
  h.client.start();
  h.welcome({ id: dialog, seq: 0 });
  h.sock.push({ t: 'rating_request', dialog });
}

test('rating: a request for the current dialog shows the card; another dialog\'s is ignored', () => {
  const h = new Harness();
  h.client.start();
  h.welcome({ id: 7, seq: 0 });
  assert.equal(h.state.rating.phase, 'none');
  assert.equal(ratingVisible(h.state), false);
  h.sock.push({ t: 'rating_request', dialog: 8 });
  assert.equal(h.state.rating.phase, 'none', 'not our dialog');
  h.sock.push({ t: 'rating_request', dialog: 7 });
  assert.equal(h.state.rating.phase, 'asked');
  assert.equal(h.state.rating.dialog, 7);
  assert.equal(ratingVisible(h.state), true);
  assert.equal(h.sock.ofType('rate').length, 0, 'nothing is sent before the visitor answers');
});

test('rating: stars must be 1–5 and there must be a request', () => {
  const h = new Harness();
  h.client.start();
  h.welcome({ id: 7, seq: 0 });
  assert.equal(h.client.rate(5, ''), null, 'not asked');
  h.sock.push({ t: 'rating_request', dialog: 7 });
  for (const bad of [0, 6, 2.5, NaN, -1]) assert.equal(h.client.rate(bad, ''), null, String(bad));
  assert.equal(h.sock.ofType('rate').length, 0);
  assert.equal(h.state.rating.phase, 'asked');
});

test('rating: rate is sent with a cid, the dialog, stars and the trimmed comment; rated shows the thanks', () => {
  const h = new Harness();
  asked(h);
  const cid = h.client.rate(4, '  Quick and kind  ');
  assert.equal(cid, 'c1');
  assert.equal(h.state.rating.phase, 'sending');
  assert.deepEqual(h.sock.ofType('rate'), [{ t: 'rate', cid: 'c1', dialog: 7, stars: 4, comment: 'Quick and kind' }]);
  assert.equal(h.client.rate(2, 'again'), 'c1', 'a second click while in flight sends nothing new');
  assert.equal(h.sock.ofType('rate').length, 1);
  h.sock.push({ t: 'rated', cid: 'c1', dialog: 7, stars: 4 });
  assert.equal(h.state.rating.phase, 'done');
  assert.equal(h.state.rating.stars, 4);
  assert.equal(h.state.rating.comment, 'Quick and kind');
  assert.equal(ratingVisible(h.state), true, 'the thank-you stays in the conversation');
  assert.equal(h.timers.length, 0, 'no ack deadline left running');
});

test('rating: an empty comment is left out; a long one is cut to 1000 characters', () => {
  const h = new Harness();
  asked(h);
  h.client.rate(5, '   ');
  assert.deepEqual(h.sock.ofType('rate'), [{ t: 'rate', cid: 'c1', dialog: 7, stars: 5 }]);
  h.sock.push({ t: 'err', cid: 'c1', code: 'invalid', message: 'x', field: 'stars' });
  h.client.rate(3, 'x'.repeat(kRatingCommentMax + 50));
  assert.equal((h.sock.ofType('rate')[1]!.comment as string).length, kRatingCommentMax);
});

test('rating: queued while disconnected, re-sent with the same cid after each reconnect', () => {
  const h = new Harness();
  asked(h);
  h.sock.drop();
  assert.equal(h.client.rate(5, 'great'), 'c1');
  assert.equal(h.state.rating.phase, 'queued');
  assert.equal(h.sockets[0]!.ofType('rate').length, 0);
  h.advance(60_000);
  h.welcome({ id: 7, seq: 0 });
  assert.deepEqual(h.sock.ofType('rate'), [{ t: 'rate', cid: 'c1', dialog: 7, stars: 5, comment: 'great' }]);
  // Lost again before `rated`: the same cid goes again, so the server stores it once.
  h.sock.drop();
  assert.equal(h.state.rating.phase, 'queued');
  h.advance(60_000);
  h.welcome({ id: 7, seq: 0 });
  assert.deepEqual(h.sock.ofType('rate'), [{ t: 'rate', cid: 'c1', dialog: 7, stars: 5, comment: 'great' }]);
  h.sock.push({ t: 'rated', cid: 'c1', dialog: 7, stars: 5 });
  assert.equal(h.state.rating.phase, 'done');
});

test('rating: no answer in time means a dead connection: reconnect and re-send', () => {
  const h = new Harness();
  asked(h);
  h.client.rate(2, '');
  h.advance(kAckTimeoutMs);
  assert.notEqual(h.sockets[0]!.closed, null);
  h.advance(60_000);
  h.welcome({ id: 7, seq: 0 });
  assert.deepEqual(h.sock.ofType('rate'), [{ t: 'rate', cid: 'c1', dialog: 7, stars: 2 }]);
});

test('rating: a rejection brings the card back with the error; the next submit gets a new cid', () => {
  const h = new Harness();
  asked(h);
  h.client.rate(3, 'meh');
  h.sock.push({ t: 'err', cid: 'other', code: 'invalid', message: 'x', field: null });
  assert.equal(h.state.rating.phase, 'sending', 'someone else\'s error');
  h.sock.push({ t: 'err', cid: 'c1', code: 'invalid', message: 'stars must be 1 to 5', field: 'stars' });
  assert.equal(h.state.rating.phase, 'asked');
  assert.deepEqual(h.state.rating.error, { code: 'invalid', message: 'stars must be 1 to 5', field: 'stars' });
  assert.equal(h.timers.length, 0, 'nothing in flight any more');
  assert.equal(h.client.rate(4, 'ok'), 'c2');
  assert.equal(h.state.rating.error, null);
  assert.deepEqual(h.sock.ofType('rate')[1], { t: 'rate', cid: 'c2', dialog: 7, stars: 4, comment: 'ok' });
});

test('rating: `rated` for a rating made in another tab shows the thanks here too', () => {
  const h = new Harness();
  asked(h);
  h.sock.push({ t: 'rated', cid: 'from-tab-2', dialog: 7, stars: 1 });
  assert.equal(h.state.rating.phase, 'done');
  assert.equal(h.state.rating.stars, 1);
  h.sock.push({ t: 'rated', cid: 'x', dialog: 8, stars: 5 });
  assert.equal(h.state.rating.stars, 1, 'another dialog\'s rating changes nothing');
});

test('rating: the card, a pending rating and the thank-you survive a reload', () => {
  const store = memoryStore();
  const a = new Harness(store);
  asked(a);
  a.client.stop();
  const b = new Harness(store);
  assert.equal(b.state.rating.phase, 'asked', 'the unanswered card is still there');
  b.client.rate(5, 'thanks');
  assert.equal(b.state.rating.phase, 'queued');
  const c = new Harness(store);
  assert.equal(c.state.rating.phase, 'queued');
  c.client.start();
  c.welcome({ id: 7, seq: 0 });
  assert.deepEqual(c.sock.ofType('rate'), [{ t: 'rate', cid: 'c1', dialog: 7, stars: 5, comment: 'thanks' }]);
  c.sock.push({ t: 'rated', cid: 'c1', dialog: 7, stars: 5 });
  const d = new Harness(store);
  assert.equal(d.state.rating.phase, 'done', 'a reload shows the thanks, not the card');
  assert.equal(d.state.rating.stars, 5);
  d.client.start();
  d.welcome({ id: 7, seq: 0 });
  assert.equal(ratingVisible(d.state), true);
  assert.equal(d.sock.ofType('rate').length, 0, 'nothing is sent again');
});

test('rating: a closed dialog keeps an unanswered card; a new dialog drops the old record', () => {
  const store = memoryStore();
  const h = new Harness(store);
  asked(h);
  h.sock.drop();
  h.advance(60_000);
  h.welcome(null); // closed meanwhile
  assert.equal(h.state.dialogId, null);
  assert.equal(ratingVisible(h.state), true, 'the visitor can still rate it');
  h.client.rate(4, '');
  assert.deepEqual(h.sock.ofType('rate'), [{ t: 'rate', cid: 'c1', dialog: 7, stars: 4 }]);
  h.sock.push({ t: 'rated', cid: 'c1', dialog: 7, stars: 4 });
  assert.equal(ratingVisible(h.state), false, 'no thank-you under an empty window');
  h.sock.push(opMsg(1, 'hello again', 9));
  assert.equal(h.state.dialogId, 9);
  assert.equal(h.state.rating.phase, 'none');
  assert.equal(store.get(kKeyRating), null);
});

test('rating: garbage in storage is ignored', () => {
  for (const raw of ['{', '"x"', '{"phase":"done","dialog":7,"stars":9}', '{"phase":"pending","dialog":7,"stars":3}', '{"phase":"asked"}']) {
    const store = memoryStore();
    store.set(kKeyRating, raw);
    assert.equal(new Harness(store).state.rating.phase, 'none', raw);
  }
});

test('rating frames: malformed ones are dropped', () => {
  assert.deepEqual(parseServerFrame('{"t":"rating_request","dialog":7}'), { t: 'rating_request', dialog: 7 });
  assert.equal(parseServerFrame('{"t":"rating_request"}'), null);
  assert.deepEqual(parseServerFrame('{"t":"rated","cid":"c1","dialog":7,"stars":5}'), { t: 'rated', cid: 'c1', dialog: 7, stars: 5 });
  assert.equal(parseServerFrame('{"t":"rated","cid":"c1","dialog":7,"stars":6}'), null);
  assert.equal(parseServerFrame('{"t":"rated","cid":"c1","stars":5}'), null);
});

test('rating strings in both languages', () => {
  assert.equal(widgetTranslator('ru')('rating.done'), 'Спасибо за оценку!');
  assert.equal(widgetTranslator('ru')('rating.submit'), 'Отправить');
  assert.equal(widgetTranslator('en')('rating.submit'), 'Send');
  assert.equal(widgetTranslator('en')('rating.star', { n: 3 }), '3 of 5 stars');
});
