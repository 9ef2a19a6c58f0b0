// The rating card (F17) at the end of the message list: five star buttons, an optional
// comment and Send; after `rated`, the thank-you with the stars given.
import { useState } from 'preact/hooks';
import type { ChatClient, ChatState } from '../client.ts';
import type { WidgetT } from '../i18n.ts';
import { kRatingCommentMax } from '../rating.ts';

export { ratingVisible } from '../rating.ts';

const kStars = [1, 2, 3, 4, 5];

function Star() {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true">
      <path d="m12 17.3 6.2 3.7-1.6-7 5.4-4.7-7.1-.6L12 2.1 9.1 8.7 2 9.3l5.4 4.7-1.6 7z" />
    </svg>
  );
}

export function RatingCard({ s, t, client }: { s: ChatState; t: WidgetT; client: ChatClient }) {
  const r = s.rating;
  const [stars, setStars] = useState(0);
  const [hover, setHover] = useState(0);
  const [comment, setComment] = useState('');

  if (r.phase === 'done') {
    return (
      <div class="rt done" role="status" data-testid="callpy-rating-done" data-stars={r.stars}>
        <div class="et">{t('rating.done')}</div>
        <div class="stars" role="img" aria-label={t('rating.given', { n: r.stars })}>
          {kStars.map((n) => (
            <span key={n} class={n <= r.stars ? 'on' : ''}>
              <Star />
            </span>
          ))}
        </div>
      </div>
    );
  }

  const busy = r.phase === 'queued' || r.phase === 'sending';
  const shown = busy ? r.stars : hover || stars;
  const submit = (e: Event) => {
    e.preventDefault();
    if (!busy && stars) client.rate(stars, comment);
  };
  return (
    <form class="rt" onSubmit={submit} data-testid="callpy-rating" data-state={r.phase} aria-busy={busy} aria-label={t('rating.title')}>
      <div class="et">{t('rating.title')}</div>
      <div class="stars" role="group" aria-label={t('rating.title')} onMouseLeave={() => setHover(0)}>
        {kStars.map((n) => (
          <button
            type="button"
            key={n}
            class={n <= shown ? 'on' : ''}
            aria-label={t('rating.star', { n })}
            aria-pressed={n === (busy ? r.stars : stars)}
            disabled={busy}
            data-testid="callpy-rating-star"
            data-stars={n}
            onMouseEnter={() => setHover(n)}
            onFocus={() => setHover(n)}
            onBlur={() => setHover(0)}
            onClick={() => setStars(n)}
          >
            <Star />
          </button>
        ))}
      </div>
      <textarea
        rows={2}
        value={comment}
        maxLength={kRatingCommentMax}
        placeholder={t('rating.comment')}
        aria-label={t('rating.comment')}
        disabled={busy}
        data-testid="callpy-rating-comment"
        onInput={(e) => setComment(e.currentTarget.value)}
      />
      {r.error && (
        <div class="fe" role="alert" data-testid="callpy-rating-error">
          {t('rating.failed')}
        </div>
      )}
      <button type="submit" class="ob" disabled={busy || !stars} data-testid="callpy-rating-submit">
        {busy && <span class="spin" />}
        {r.phase === 'queued' ? t('state.queued') : r.phase === 'sending' ? t('state.sending') : t('rating.submit')}
      </button>
    </form>
  );
}
