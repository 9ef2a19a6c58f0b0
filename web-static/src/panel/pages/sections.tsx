// Sections of the panel (F11): «Команда» (the operators of my sites and who is online, live
// from the `team` frames), «Групповые диалоги» (open dialogs I was invited into) and
// «Заблокированные» (visitors blocked as unwanted, with unblock). Names are rendered as text.
import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../app_context.ts';
import { useChat } from '../chat/chat_context.tsx';
import { groupDialogs } from '../chat/dialog_controls.ts';
import { parseBlockedVisitor, type BlockedVisitor } from '../chat/protocol.ts';
import { timeLabel } from '../chat/visitor_info.ts';
import { errorText } from '../errors.ts';
import { Link } from '../location.ts';
import { ErrorBox } from '../components/ui.tsx';
import '../components/controls.css';

export function TeamPage() {
  const { t, me } = useApp();
  const { state } = useChat();
  const sites = me?.sites ?? [];
  return (
    <div class="page" data-testid="team-page">
      <div class="page__head">
        <h1>{t('team.title')}</h1>
      </div>
      {sites.length === 0 && <p class="field__hint">{t('team.no_sites')}</p>}
      {sites.map((site) => {
        const roster = state.team[site.id];
        return (
          <section key={site.id} data-testid="team-site" data-site={site.id}>
            <h2 class="sections__site">{site.name || site.id}</h2>
            {!roster && <p class="field__hint">{t('common.loading')}</p>}
            <ul class="sections__list">
              {(roster ?? []).map((o) => {
                // My own status is known exactly; for colleagues the team frame tells online or not.
                const status = o.id === state.user?.id ? state.status : o.online ? 'online' : 'offline';
                return (
                  <li key={o.id} class="sections__row" data-testid="team-member" data-user-id={o.id} data-status={status}>
                    <span class={`presence__dot presence__dot--${status === 'online' ? 'focused' : status}`} aria-hidden="true" />
                    <span class="sections__name">
                      {o.name || t('chat.operator_id', { id: o.id })}
                      {o.id === state.user?.id && ` (${t('chat.you')})`}
                    </span>
                    <span class="sections__meta">{t(`status.${status}`)}</span>
                  </li>
                );
              })}
            </ul>
          </section>
        );
      })}
    </div>
  );
}

export function GroupDialogsPage() {
  const { t, lang } = useApp();
  const { state } = useChat();
  const list = groupDialogs(state.dialogs, state.user?.id);
  const now = Date.now();
  return (
    <div class="page" data-testid="group-page">
      <div class="page__head">
        <h1>{t('group.title')}</h1>
      </div>
      {list.length === 0 ? (
        <p class="field__hint" data-testid="group-empty">
          {t('group.empty')}
        </p>
      ) : (
        <ul class="sections__list">
          {list.map((d) => (
            <li key={d.id} class="sections__row" data-testid="group-dialog" data-dialog-id={d.id}>
              <Link to={`/dialogs/${d.id}`} class="sections__name">
                {d.visitorName || t('visitors.anonymous', { id: d.visitor })}
              </Link>
              <span class="sections__meta">{d.lastMessage}</span>
              <time class="sections__meta">{timeLabel(d.lastMessageAt, now, lang)}</time>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function BlockedPage() {
  const { api, t, lang, me } = useApp();
  const { client, state } = useChat();
  const [error, setError] = useState<unknown>(null);
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    api.client
      .get<{ visitors: unknown[] }>('/api/panel/blocked-visitors')
      .then((r) => {
        client.controls.setBlocked(r.visitors.map((v) => parseBlockedVisitor(v)).filter((v): v is BlockedVisitor => v !== null));
        setLoaded(true);
      }, setError);
  }, [api, client]);
  const list = Object.values(state.controls.blocked).sort((a, b) => (b.blockedAt ?? 0) - (a.blockedAt ?? 0) || b.id - a.id);
  const siteName = (id: string) => me?.sites.find((s) => s.id === id)?.name || id;
  const now = Date.now();
  const last = state.controls.last;
  return (
    <div class="page" data-testid="blocked-page">
      <div class="page__head">
        <h1>{t('blocked.title')}</h1>
      </div>
      <p class="field__hint">{t('blocked.hint')}</p>
      <ErrorBox message={error ? errorText(error, t) : null} />
      {last && last.op === 'block' && !last.ok && <ErrorBox message={t('controls.failed', { why: t('controls.err_other') })} />}
      {loaded && list.length === 0 && (
        <p class="field__hint" data-testid="blocked-empty">
          {t('blocked.empty')}
        </p>
      )}
      <ul class="sections__list">
        {list.map((v) => (
          <li key={v.id} class="sections__row" data-testid="blocked-visitor" data-visitor-id={v.id}>
            <span class="sections__name">{v.name || t('visitors.anonymous', { id: v.id })}</span>
            {v.email && <span class="sections__meta">{v.email}</span>}
            {(me?.sites.length ?? 0) > 1 && <span class="sections__meta">{siteName(v.site)}</span>}
            {v.blockedAt !== null && <time class="sections__meta">{timeLabel(v.blockedAt, now, lang)}</time>}
            <button
              type="button"
              class="btn btn--secondary btn--small"
              data-testid="unblock"
              disabled={state.conn !== 'open' || client.controls.isPending('block', { visitor: v.id })}
              onClick={() => client.controls.block(v.id, false)}
            >
              {t('blocked.unblock')}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
