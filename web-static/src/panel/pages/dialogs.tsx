// Dialogs (F13): the open dialogs on the left, the selected conversation on the right,
// live over the operator socket. Closing moves a dialog to History.
import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../app_context.ts';
import { useChat } from '../chat/chat_context.tsx';
import { visitorDisplayName, type DialogEntry } from '../chat/operator_client.ts';
import { deviceOf, pageLabel, timeLabel } from '../chat/visitor_info.ts';
import { Composer, MessageList, RatingBadge, RatingView } from '../components/chat_pane.tsx';
import { IconMonitor, IconPhone } from '../components/icons.tsx';
import { AttachButton, UploadStatus, usePanelUploads } from '../components/file_message.tsx';
import { Badge, ErrorBox } from '../components/ui.tsx';
import { VisitorInfoPanel } from '../components/visitor_info_panel.tsx';
import { ChatControls } from '../components/chat_controls.tsx';
import { errorText } from '../errors.ts';
import { Link, navigate } from '../location.ts';
import { OffersBar } from '../chat/offers_bar.tsx';
import { withBase, type Params } from '../router.ts';
import { CallStartButtons } from '../call/call_dock.tsx';

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

function ChatHeader({ entry }: { entry: DialogEntry }) {
  const { api, t } = useApp();
  const { client, state } = useChat();
  const label = useVisitorLabel();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const visitor = state.visitors.find((v) => v.id === entry.visitor);
  const open = entry.status === 'open';
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
        <ErrorBox message={error ? errorText(error, t) : null} />
        {state.transferError?.dialog === entry.id && (
          <ErrorBox message={t(state.transferError.code === 'forbidden' ? 'chat.transfer_forbidden' : 'chat.transfer_failed')} />
        )}
      </div>
      <div class="chat__actions">
        {open && <CallStartButtons entry={entry} />}
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
  const files = usePanelUploads(entry.id, (file) => client.sendFile(entry.id, file));
  return (
    <section class="chat__pane" data-testid="chat-pane" data-dialog-id={entry.id}>
      <ChatHeader entry={entry} />
      <ChatControls entry={entry} />
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
          site={entry.site}
        />
      )}
      {open && (
        <Composer
          dialogKey={entry.id}
          site={entry.site}
          onSend={(text) => client.send(entry.id, text)}
          onDraft={(text) => client.setDraft(entry.id, text)}
          attach={<AttachButton busy={files.upload?.progress != null} onFile={(f) => files.send(f, f.name)} />}
          status={files.upload && <UploadStatus u={files.upload} onDismiss={files.dismiss} />}
          onPaste={files.onPaste}
        />
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
      <div class={entry ? 'chat chat--info' : 'chat'}>
        <aside class="chat__list" aria-label={t('dialogs.list')}>
          <OffersBar />
          <DialogList dialogs={open} current={id} />
        </aside>
        {entry ? (
          <>
            <Conversation key={entry.id} entry={entry} />
            {/* Visitor info (F4), reloaded when the visitor opens another page. */}
            <VisitorInfoPanel visitor={entry.visitor} refresh={state.visitors.find((v) => v.id === entry.visitor)?.page.url} />
          </>
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
