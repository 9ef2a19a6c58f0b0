// Dialogs (F13): the open dialogs on the left, the selected conversation on the right,
// live over the operator socket. Closing moves a dialog to History.
import { useEffect, useRef, useState } from 'preact/hooks';
import { useApp } from '../app_context.ts';
import { useChat } from '../chat/chat_context.tsx';
import { visitorDisplayName, type DialogEntry } from '../chat/operator_client.ts';
import { deviceOf, pageLabel, timeLabel } from '../chat/visitor_info.ts';
import { Composer, MessageList, RatingBadge, RatingView } from '../components/chat_pane.tsx';
import { IconMonitor, IconPhone } from '../components/icons.tsx';
import { Badge, ErrorBox } from '../components/ui.tsx';
import { errorText } from '../errors.ts';
import { Link, navigate } from '../location.ts';
import { withBase, type Params } from '../router.ts';

/** "Ivan", the contact name, or "Visitor #42". */
export function useVisitorLabel(): (visitor: number, known?: string) => string {
  const { t } = useApp();
  const { state } = useChat();
  return (visitor, known) =>
    known || visitorDisplayName(state.visitors.find((v) => v.id === visitor)) || t('visitors.anonymous', { id: visitor });
}

function DialogList({ dialogs, current }: { dialogs: DialogEntry[]; current: number | null }) {
  const { t, lang } = useApp();
  const label = useVisitorLabel();
  const now = Date.now();
  if (dialogs.length === 0) {
    return (
      <p class="dlist__empty" data-testid="dialogs-empty">
        {t('dialogs.empty')}
      </p>
    );
  }
  return (
    <ul class="dlist" data-testid="dialog-list">
      {dialogs.map((d) => (
        <li key={d.id}>
          <a
            href={withBase(`/dialogs/${d.id}`)}
            class={d.id === current ? 'dlist__item is-active' : 'dlist__item'}
            data-testid="dialog-item"
            data-dialog-id={d.id}
            aria-current={d.id === current ? 'page' : undefined}
            onClick={(e) => {
              if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
              e.preventDefault();
              navigate(`/dialogs/${d.id}`);
            }}
          >
            <span class="dlist__top">
              <span class="dlist__name">
                {d.important && (
                  <span class="dlist__star" title={t('chat.important')}>
                    ★{' '}
                  </span>
                )}
                {label(d.visitor, d.visitorName)}
              </span>
              <RatingBadge rating={d.rating} />
              <time class="dlist__time">{timeLabel(d.lastMessageAt, now, lang)}</time>
            </span>
            <span class="dlist__bottom">
              <span class="dlist__last">{d.lastMessage || '\u00a0'}</span>
              {d.unread > 0 && (
                <span class="counter" data-testid="dialog-unread">
                  {d.unread}
                </span>
              )}
            </span>
          </a>
        </li>
      ))}
    </ul>
  );
}

/** «Assigned: Анна» in the pane header, the name taken from the site's team roster. */
function Assignee({ entry }: { entry: DialogEntry }) {
  const { t } = useApp();
  const { state } = useChat();
  if (entry.assignee === null) return null;
  const member = (state.team[entry.site] ?? []).find((o) => o.id === entry.assignee);
  const name =
    entry.assignee === state.user?.id ? t('chat.you') : member?.name || t('chat.operator_id', { id: entry.assignee });
  return (
    <span class="chat__assignee" data-testid="chat-assignee" data-user-id={entry.assignee}>
      {t('chat.assignee', { name })}
    </span>
  );
}

/** «Передать»: a small menu of the site's other online operators (F17). */
function TransferButton({ entry }: { entry: DialogEntry }) {
  const { t } = useApp();
  const { client, state } = useChat();
  const [menu, setMenu] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const targets = client.transferTargets(entry.site);
  const disabled = state.conn !== 'open' || targets.length === 0;
  useEffect(() => {
    if (!menu) return;
    const outside = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setMenu(false);
    };
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && setMenu(false);
    document.addEventListener('mousedown', outside);
    document.addEventListener('keydown', esc);
    return () => {
      document.removeEventListener('mousedown', outside);
      document.removeEventListener('keydown', esc);
    };
  }, [menu]);
  useEffect(() => {
    if (disabled) setMenu(false);
  }, [disabled]);
  return (
    <div class="transfer" ref={box}>
      <button
        type="button"
        class="btn btn--secondary btn--small"
        data-testid="chat-transfer"
        aria-haspopup="menu"
        aria-expanded={menu}
        disabled={disabled}
        title={targets.length === 0 ? t('chat.transfer_nobody') : undefined}
        onClick={() => setMenu(!menu)}
      >
        {t('chat.transfer')}
      </button>
      {menu && (
        <ul class="transfer__menu" role="menu" aria-label={t('chat.transfer_to')}>
          {targets.map((o) => (
            <li key={o.id} role="none">
              <button
                type="button"
                role="menuitem"
                class="transfer__option"
                data-testid="chat-transfer-option"
                data-user-id={o.id}
                onClick={() => {
                  client.transfer(entry.id, o.id);
                  setMenu(false);
                }}
              >
                <span class="presence__dot presence__dot--focused" aria-hidden="true" />
                {o.name || t('chat.operator_id', { id: o.id })}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function ChatHeader({ entry }: { entry: DialogEntry }) {
  const { api, t } = useApp();
  const { client, state } = useChat();
  const label = useVisitorLabel();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [asked, setAsked] = useState(false);
  const visitor = state.visitors.find((v) => v.id === entry.visitor);
  const open = entry.status === 'open';
  const toggleImportant = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.setImportant(entry.id, !entry.important);
      client.patchDialog(entry.id, { important: !entry.important });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const close = async () => {
    if (!window.confirm(t('chat.close_confirm'))) return;
    setBusy(true);
    setError(null);
    try {
      await api.closeDialog(entry.id);
      client.patchDialog(entry.id, { status: 'closed' });
      navigate('/dialogs');
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return (
    <div class="chat__head">
      <div class="chat__who">
        <h2 data-testid="chat-title">{label(entry.visitor, entry.visitorName)}</h2>
        <div class="chat__facts">
          {state.sites.length > 1 && <Badge>{entry.site}</Badge>}
          {!open && <Badge kind="neutral">{t('chat.closed')}</Badge>}
          <Assignee entry={entry} />
          <RatingView rating={entry.rating} comment={entry.ratingComment} />
          {visitor && (
            <>
              <span class="presence" data-testid="chat-presence">
                <span class={`presence__dot presence__dot--${visitor.state}`} aria-hidden="true" />
                {t(`visitors.${visitor.state}`)}
              </span>
              <span class="device">
                {deviceOf(visitor) === 'phone' ? <IconPhone /> : <IconMonitor />}
                {t(`visitors.${deviceOf(visitor)}`)}
              </span>
              {visitor.page.url && (
                <span class="chat__page">
                  {t('chat.on_page')}{' '}
                  <a href={visitor.page.url} target="_blank" rel="noopener noreferrer" title={visitor.page.url}>
                    {pageLabel(visitor.page)}
                  </a>
                </span>
              )}
            </>
          )}
        </div>
        {asked && !entry.rating && (
          <div class="chat__note" role="status" data-testid="chat-rate-requested">
            {t('chat.rate_requested')}
          </div>
        )}
        <ErrorBox message={error ? errorText(error, t) : null} />
        {state.transferError?.dialog === entry.id && (
          <ErrorBox message={t(state.transferError.code === 'forbidden' ? 'chat.transfer_forbidden' : 'chat.transfer_failed')} />
        )}
      </div>
      <div class="chat__actions">
        {open && <TransferButton entry={entry} />}
        {open && (
          <button
            type="button"
            class="btn btn--secondary btn--small"
            data-testid="chat-rate-request"
            disabled={state.conn !== 'open'}
            onClick={() => setAsked(client.requestRating(entry.id))}
          >
            {t('chat.rate_request')}
          </button>
        )}
        <button
          type="button"
          class={entry.important ? 'btn btn--secondary btn--small is-on' : 'btn btn--secondary btn--small'}
          data-testid="chat-important"
          aria-pressed={entry.important}
          disabled={busy}
          onClick={() => void toggleImportant()}
        >
          <span aria-hidden="true">{entry.important ? '★' : '☆'}</span>
          {t('chat.important')}
        </button>
        {open && (
          <button type="button" class="btn btn--danger-ghost btn--small" data-testid="chat-close" disabled={busy} onClick={() => void close()}>
            {t('chat.close')}
          </button>
        )}
      </div>
    </div>
  );
}

function Conversation({ entry }: { entry: DialogEntry }) {
  const { t } = useApp();
  const { client, state } = useChat();
  const label = useVisitorLabel();
  useEffect(() => {
    client.openChat(entry.id);
    return () => client.setActive(null);
  }, [client, entry.id]);
  const view = state.chats[entry.id];
  const open = entry.status === 'open';
  return (
    <section class="chat__pane" data-testid="chat-pane" data-dialog-id={entry.id}>
      <ChatHeader entry={entry} />
      {view?.error ? (
        <div class="messages">
          <ErrorBox message={t('chat.load_failed')} />
        </div>
      ) : (
        <MessageList
          messages={view?.messages ?? []}
          visitorLabel={label(entry.visitor, entry.visitorName)}
          typing={open ? (view?.typing ?? null) : null}
          onRetry={(cid) => client.retry(cid)}
          empty={view?.loading || !view ? t('common.loading') : t('dialogs.no_messages')}
        />
      )}
      {open && (
        <Composer dialogKey={entry.id} onSend={(text) => client.send(entry.id, text)} onDraft={(text) => client.setDraft(entry.id, text)} />
      )}
    </section>
  );
}

export function DialogsPage({ params }: { params: Params }) {
  const { t } = useApp();
  const { state } = useChat();
  const id = params.id ? Number(params.id) : null;
  const open = state.dialogs.filter((d) => d.status === 'open');
  // A dialog closed while on screen stays readable until the operator moves on.
  const entry = id === null ? undefined : state.dialogs.find((d) => d.id === id);
  return (
    <div class="page chatpage">
      <div class="page__head">
        <h1>{t('dialogs.title')}</h1>
      </div>
      <div class="chat">
        <aside class="chat__list" aria-label={t('dialogs.list')}>
          <DialogList dialogs={open} current={id} />
        </aside>
        {entry ? (
          <Conversation key={entry.id} entry={entry} />
        ) : (
          <section class="chat__pane chat__pane--empty" data-testid="chat-pane-empty">
            {id !== null && state.conn !== 'open' ? t('common.loading') : t('dialogs.choose')}
            {id !== null && state.conn === 'open' && (
              <Link to="/dialogs" class="btn btn--link">
                {t('folder.back')}
              </Link>
            )}
          </section>
        )}
      </div>
    </div>
  );
}
