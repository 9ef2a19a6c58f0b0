// Quick replies (F15) in the composer: a picker to choose (inserted into the input for editing),
// search, create and delete replies, and the star that saves a sent message as a reply. Reply
// texts are rendered as text.
import { useEffect, useRef, useState } from 'preact/hooks';
import { useApp } from '../app_context.ts';
import { createQuickReply, deleteQuickReply, filterQuickReplies, listQuickReplies, type QuickReply } from '../chat/quick_replies_api.ts';
import { errorText } from '../errors.ts';

interface PickerProps {
  site: string;
  onPick: (body: string) => void;
  onClose: () => void;
}

export function QuickReplyPicker({ site, onPick, onClose }: PickerProps) {
  const { api, t, me } = useApp();
  const [replies, setReplies] = useState<QuickReply[] | null>(null);
  const [query, setQuery] = useState('');
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState('');
  const search = useRef<HTMLInputElement>(null);
  const isAdmin = me?.sites.some((s) => s.id === site && s.role !== 'operator') ?? false;

  const load = () =>
    listQuickReplies(api.client, site).then(setReplies, (e) => setError(errorText(e, t)));
  useEffect(() => {
    void load();
    search.current?.focus();
  }, [site]);

  const remove = async (r: QuickReply) => {
    try {
      await deleteQuickReply(api.client, r.id);
      await load();
    } catch (e) {
      setError(errorText(e, t));
    }
  };
  const shown = filterQuickReplies(replies ?? [], query);
  return (
    <div
      class="qr"
      data-testid="quick-replies"
      role="dialog"
      aria-label={t('qr.title')}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose();
      }}
    >
      <div class="qr__head">
        <input
          ref={search}
          class="qr__search"
          data-testid="quick-replies-search"
          type="search"
          placeholder={t('qr.search')}
          aria-label={t('qr.search')}
          value={query}
          onInput={(e) => setQuery((e.currentTarget as HTMLInputElement).value)}
        />
        <button type="button" class="btn btn--ghost btn--small" data-testid="quick-replies-new" onClick={() => setCreating(!creating)}>
          {t('qr.new')}
        </button>
      </div>
      {creating && (
        <QuickReplyForm
          site={site}
          canShare={isAdmin}
          onDone={async () => {
            setCreating(false);
            await load();
          }}
        />
      )}
      {error && (
        <div class="form-error" role="alert">
          {error}
        </div>
      )}
      {replies === null && !error && <div class="qr__empty">{t('app.loading')}</div>}
      {replies !== null && shown.length === 0 && <div class="qr__empty">{t('qr.empty')}</div>}
      <ul class="qr__list" role="listbox" aria-label={t('qr.title')}>
        {shown.map((r) => (
          <li key={r.id} class="qr__item" data-testid="quick-reply" role="option" aria-selected="false">
            <button type="button" class="qr__pick" onClick={() => onPick(r.body)} title={r.body}>
              <span class="qr__title">{r.title}</span>
              <span class="qr__body">{r.body}</span>
              {r.shared && <span class="badge">{t('qr.shared')}</span>}
            </button>
            {(!r.shared || isAdmin) && (
              <button
                type="button"
                class="btn btn--link qr__delete"
                data-testid="quick-reply-delete"
                aria-label={t('qr.delete', { title: r.title })}
                title={t('qr.delete', { title: r.title })}
                onClick={() => remove(r)}
              >
                ✕
              </button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

function QuickReplyForm({ site, canShare, onDone }: { site: string; canShare: boolean; onDone: () => void }) {
  const { api, t } = useApp();
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [shared, setShared] = useState(false);
  const [error, setError] = useState('');
  const save = async (e: Event) => {
    e.preventDefault();
    try {
      await createQuickReply(api.client, { site, title, body, shared });
      onDone();
    } catch (err) {
      setError(errorText(err, t));
    }
  };
  return (
    <form class="qr__form" data-testid="quick-reply-form" onSubmit={save}>
      <input class="qr__search" data-testid="quick-reply-title" placeholder={t('qr.field_title')} aria-label={t('qr.field_title')} maxLength={100} value={title} onInput={(e) => setTitle((e.currentTarget as HTMLInputElement).value)} />
      <textarea class="qr__text" data-testid="quick-reply-body" rows={3} placeholder={t('qr.field_body')} aria-label={t('qr.field_body')} required value={body} onInput={(e) => setBody((e.currentTarget as HTMLTextAreaElement).value)} />
      {canShare && (
        <label class="qr__shared">
          <input type="checkbox" checked={shared} onChange={(e) => setShared((e.currentTarget as HTMLInputElement).checked)} /> {t('qr.share')}
        </label>
      )}
      {error && (
        <div class="form-error" role="alert">
          {error}
        </div>
      )}
      <button type="submit" class="btn btn--primary btn--small" data-testid="quick-reply-save" disabled={body.trim() === ''}>
        {t('qr.save')}
      </button>
    </form>
  );
}

/** ☆ under a sent message: saves its text as the operator's own quick reply. */
export function StarMessage({ site, text }: { site: string; text: string }) {
  const { api, t } = useApp();
  const [state, setState] = useState<'idle' | 'saved' | 'failed'>('idle');
  const star = async () => {
    try {
      await createQuickReply(api.client, { site, body: text });
      setState('saved');
    } catch {
      setState('failed');
    }
  };
  const label = state === 'saved' ? t('qr.starred') : state === 'failed' ? t('qr.star_failed') : t('qr.star');
  return (
    <button
      type="button"
      class={`msg__star${state === 'saved' ? ' msg__star--on' : ''}`}
      data-testid="chat-star"
      aria-pressed={state === 'saved'}
      aria-label={label}
      title={label}
      disabled={state === 'saved'}
      onClick={star}
    >
      {state === 'saved' ? '★' : '☆'}
    </button>
  );
}
