// History (F14) and Important: dialog folders read over REST. History searches closed
// dialogs with ?q= (full-text on the daemon); a dialog opens read-only on the right.
import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../app_context.ts';
import { fromStored } from '../chat/chat_book.ts';
import { timeLabel } from '../chat/visitor_info.ts';
import { MessageList, RatingBadge, RatingView } from '../components/chat_pane.tsx';
import { Badge, ErrorBox, Spinner, useAsync } from '../components/ui.tsx';
import { errorText } from '../errors.ts';
import { Link, navigate } from '../location.ts';
import type { DialogFolder, DialogSummary, PanelApi, StoredMessage } from '../panel_api.ts';
import { withBase, type Params } from '../router.ts';

const kPage = 500;

async function allMessages(api: PanelApi, id: number): Promise<StoredMessage[]> {
  const out: StoredMessage[] = [];
  let after = 0;
  for (let i = 0; i < 100; i++) {
    const res = await api.dialogMessages(id, after, kPage);
    out.push(...res.messages);
    const last = res.messages[res.messages.length - 1];
    if (!last || res.messages.length < kPage || last.seq >= res.last_seq) break;
    after = last.seq;
  }
  return out;
}

function Reader({ summary, base }: { summary: DialogSummary; base: string }) {
  const { api, t, me } = useApp();
  const msgs = useAsync(() => allMessages(api, summary.id), [summary.id]);
  const name = summary.visitor_name || t('visitors.anonymous', { id: summary.visitor });
  return (
    <section class="chat__pane" data-testid="archive-pane" data-dialog-id={summary.id}>
      <div class="chat__head">
        <div class="chat__who">
          <h2 data-testid="chat-title">{name}</h2>
          <div class="chat__facts">
            <Badge>{summary.site}</Badge>
            {summary.status === 'closed' ? <Badge>{t('chat.closed')}</Badge> : <Badge kind="ok">{t('status.online')}</Badge>}
            {summary.important && <Badge kind="warn">★ {t('chat.important')}</Badge>}
            <RatingView rating={summary.rating} comment={summary.rating_comment} />
          </div>
        </div>
        <div class="chat__actions">
          {summary.status === 'open' && (
            <Link to={`/dialogs/${summary.id}`} class="btn btn--secondary btn--small" testid="archive-open-live">
              {t('folder.open_live')}
            </Link>
          )}
          <Link to={base} class="btn btn--ghost btn--small">
            {t('folder.back')}
          </Link>
        </div>
      </div>
      {msgs.error ? (
        <div class="messages">
          <ErrorBox message={errorText(msgs.error, t)} />
        </div>
      ) : (
        <MessageList
          messages={(msgs.data ?? []).map((m) => fromStored(summary.id, m, me?.user.id))}
          visitorLabel={name}
          typing={null}
          empty={msgs.loading ? t('common.loading') : t('dialogs.no_messages')}
        />
      )}
    </section>
  );
}

function FolderPage({ folder, params, query }: { folder: DialogFolder; params: Params; query: URLSearchParams }) {
  const { api, t, lang } = useApp();
  const base = folder === 'history' ? '/history' : '/important';
  const q = folder === 'history' ? (query.get('q') ?? '').trim() : '';
  const [draft, setDraft] = useState(q);
  useEffect(() => setDraft(q), [q]);
  const list = useAsync(() => api.dialogs(folder, q ? { q, limit: 200 } : { limit: 200 }), [folder, q]);
  const id = params.id ? Number(params.id) : null;
  const selected = list.data?.find((d) => d.id === id);
  const suffix = q ? `?q=${encodeURIComponent(q)}` : '';
  const now = Date.now();
  const onSearch = (e: Event) => {
    e.preventDefault();
    const v = draft.trim();
    navigate(v ? `${base}?q=${encodeURIComponent(v)}` : base);
  };
  return (
    <div class="page chatpage">
      <div class="page__head">
        <h1>{folder === 'history' ? t('history.title') : t('important.title')}</h1>
        {folder === 'history' && (
          <form class="search" role="search" onSubmit={onSearch}>
            <label class="sr-only" for="history-q">
              {t('history.search')}
            </label>
            <input
              id="history-q"
              type="search"
              data-testid="history-search"
              placeholder={t('history.search')}
              value={draft}
              onInput={(e) => setDraft((e.currentTarget as HTMLInputElement).value)}
            />
            <button type="submit" class="btn btn--secondary" data-testid="history-search-submit">
              {t('history.search_button')}
            </button>
          </form>
        )}
      </div>
      <p class="lead">{folder === 'history' ? t('history.lead') : t('important.lead')}</p>
      <div class="chat chat--below-lead">
        <aside class="chat__list" aria-label={folder === 'history' ? t('history.title') : t('important.title')}>
          {list.loading && !list.data ? (
            <div class="dlist__empty">
              <Spinner label={t('common.loading')} />
            </div>
          ) : list.error ? (
            <div class="dlist__empty">
              <ErrorBox message={errorText(list.error, t)} />
            </div>
          ) : (list.data ?? []).length === 0 ? (
            <p class="dlist__empty" data-testid="archive-empty">
              {q ? t('history.nothing_found', { q }) : folder === 'history' ? t('history.empty') : t('important.empty')}
            </p>
          ) : (
            <ul class="dlist" data-testid="archive-list">
              {(list.data ?? []).map((d) => (
                <li key={d.id}>
                  <a
                    href={withBase(`${base}/${d.id}${suffix}`)}
                    class={d.id === id ? 'dlist__item is-active' : 'dlist__item'}
                    data-testid="archive-item"
                    data-dialog-id={d.id}
                    onClick={(e) => {
                      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
                      e.preventDefault();
                      navigate(`${base}/${d.id}${suffix}`);
                    }}
                  >
                    <span class="dlist__top">
                      <span class="dlist__name">
                        {d.important && <span class="dlist__star">★ </span>}
                        {d.visitor_name || t('visitors.anonymous', { id: d.visitor })}
                      </span>
                      <RatingBadge rating={d.rating} />
                      <time class="dlist__time">{timeLabel(d.last_message_at, now, lang)}</time>
                    </span>
                    <span class="dlist__bottom">
                      <span class="dlist__last">{d.last_message || '\u00a0'}</span>
                    </span>
                  </a>
                </li>
              ))}
            </ul>
          )}
        </aside>
        {selected ? (
          <Reader key={selected.id} summary={selected} base={base + suffix} />
        ) : (
          <section class="chat__pane chat__pane--empty">{t('folder.pick')}</section>
        )}
      </div>
    </div>
  );
}

export function HistoryPage(props: { params: Params; query: URLSearchParams }) {
  return <FolderPage folder="history" {...props} />;
}

export function ImportantPage(props: { params: Params; query: URLSearchParams }) {
  return <FolderPage folder="important" {...props} />;
}
