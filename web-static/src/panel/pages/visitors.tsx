// Visitors (F12): everyone on the operator's sites right now, live. Looking at the list
// clears the "new visitors" counter in the navigation.
import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../app_context.ts';
import { useChat } from '../chat/chat_context.tsx';
import { visitorDisplayName } from '../chat/operator_client.ts';
import type { VisitorInfo } from '../chat/protocol.ts';
import { deviceOf, pageLabel } from '../chat/visitor_info.ts';
import { IconBell, IconMonitor, IconPhone } from '../components/icons.tsx';
import { Badge } from '../components/ui.tsx';
import { VisitorInfoPanel } from '../components/visitor_info_panel.tsx';
import type { T } from '../i18n/index.ts';
import { Link, navigate } from '../location.ts';

function duration(t: T, since: number, now: number): string {
  if (!since) return '';
  const min = Math.floor(Math.max(0, now - since) / 60_000);
  if (min < 1) return t('visitors.just_now');
  if (min < 60) return t('visitors.minutes', { n: min });
  return t('visitors.hours', { h: Math.floor(min / 60), m: min % 60 });
}

/** Re-renders every 30 s so "time on site" moves on. */
function useNow(periodMs = 30_000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), periodMs);
    return () => window.clearInterval(id);
  }, [periodMs]);
  return now;
}

export function SoundToggle() {
  const { t } = useApp();
  // Sound is one of the operator's preferences (kept by the daemon, chat/preferences.ts).
  const { prefs, preferences } = useChat();
  const sound = preferences.value.sound;
  return (
    <button
      type="button"
      class="btn btn--secondary btn--small"
      data-testid="sound-toggle"
      aria-pressed={sound}
      onClick={() => void prefs.update({ sound: !sound })}
    >
      <IconBell off={!sound} />
      {sound ? t('sound.on') : t('sound.off')}
    </button>
  );
}

function VisitorRow({ v, now, fresh, onInfo, selected }: { v: VisitorInfo; now: number; fresh: boolean; onInfo: () => void; selected: boolean }) {
  const { t } = useApp();
  const { client, state } = useChat();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const name = visitorDisplayName(v);
  const multiSite = state.sites.length > 1;
  const device = deviceOf(v);
  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      const id = await client.startChat(v.id);
      navigate(`/dialogs/${id}`);
    } catch {
      setError(t('visitors.start_failed'));
      setBusy(false);
    }
  };
  return (
    <tr
      class={[v.state === 'left' ? 'is-muted' : '', selected ? 'is-selected' : ''].join(' ').trim() || undefined}
      data-testid="visitor-row"
      data-visitor-id={v.id}
      data-state={v.state}
    >
      <td>
        <div class="person">
          <span class="person__name">
            {name ?? t('visitors.anonymous', { id: v.id })}
            {fresh && (
              <>
                {' '}
                <Badge kind="info" testid="visitor-new">
                  {t('visitors.new')}
                </Badge>
              </>
            )}
          </span>
          <span class="person__email">
            {multiSite ? v.site + ' · ' : ''}
            {v.contact.email || v.contact.phone || duration(t, v.since, now)}
          </span>
          {/* Location by IP (F12); text from the GeoIP database, rendered as text. */}
          {v.location && (
            <span class="visitors__location" data-testid="visitor-location">
              {v.location}
            </span>
          )}
        </div>
      </td>
      <td class="visitors__page">
        {v.page.url ? (
          <a href={v.page.url} target="_blank" rel="noopener noreferrer" title={v.page.url} data-testid="visitor-page">
            {pageLabel(v.page)}
          </a>
        ) : (
          <span class="muted">—</span>
        )}
      </td>
      <td>
        <span class="presence" data-testid="visitor-presence">
          <span class={`presence__dot presence__dot--${v.state}`} aria-hidden="true" />
          {t(`visitors.${v.state}`)}
        </span>
        <div class="person__email" data-testid="visitor-widget">
          {v.widgetOpen ? t('visitors.widget_open') : t('visitors.widget_closed')}
        </div>
      </td>
      <td data-testid="visitor-device">
        <span class="device">
          {device === 'pc' ? <IconMonitor /> : <IconPhone />}
          {t(`visitors.${device}`)}
        </span>
        {v.browser && <div class="person__email">{[v.browser, v.os].filter(Boolean).join(' · ')}</div>}
      </td>
      <td class="table__actions">
        <button
          type="button"
          class="btn btn--secondary btn--small"
          data-testid="visitor-info-open"
          aria-pressed={selected}
          onClick={onInfo}
        >
          {t('vinfo.open')}
        </button>{' '}
        {v.dialog !== null ? (
          <Link to={`/dialogs/${v.dialog}`} class="btn btn--secondary btn--small" testid="visitor-open-dialog">
            {t('visitors.open_dialog')}
          </Link>
        ) : (
          <button
            type="button"
            class="btn btn--primary btn--small"
            data-testid="visitor-start"
            disabled={busy || v.state === 'left' || state.conn !== 'open'}
            onClick={() => void start()}
          >
            {t('visitors.start')}
          </button>
        )}
        {error && (
          <div class="field__error" role="alert">
            {error}
          </div>
        )}
      </td>
    </tr>
  );
}

export function VisitorsPage() {
  const { t } = useApp();
  const { client, state } = useChat();
  const now = useNow();
  // Which visitors were new when the page was opened (or arrived while it is open): they
  // keep a "new" mark for this visit of the page, while the nav counter is cleared.
  const [fresh, setFresh] = useState<ReadonlySet<number>>(new Set());
  useEffect(() => {
    if (document.hidden) return;
    if (state.newVisitors > 0) {
      const ids = new Set(fresh);
      for (const v of state.visitors) if (v.dialog === null && v.state !== 'left') ids.add(v.id);
      setFresh(ids);
    }
    client.markVisitorsSeen();
  }, [state.visitors, state.newVisitors]);
  useEffect(() => {
    const onVisible = () => {
      if (!document.hidden) client.markVisitorsSeen();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [client]);

  // The visitor whose info panel is open (F4).
  const [info, setInfo] = useState<number | null>(null);
  const shown = info === null ? undefined : state.visitors.find((v) => v.id === info);
  const present = state.visitors.filter((v) => v.state !== 'left');
  const waiting = present.filter((v) => v.dialog === null).length;
  return (
    <div class="page">
      <div class="page__head">
        <h1>{t('visitors.title')}</h1>
        <Badge kind="ok" testid="visitors-online">
          {t('visitors.online', { count: present.length })}
        </Badge>
        {waiting > 0 && (
          <Badge kind="warn" testid="visitors-waiting">
            {t('visitors.waiting', { count: waiting })}
          </Badge>
        )}
        <span class="page__tools">
          <SoundToggle />
        </span>
      </div>
      <p class="lead">{t('visitors.lead')}</p>
      {state.visitors.length === 0 ? (
        <div class="empty" data-testid="visitors-empty">
          {state.conn === 'open' ? t('visitors.empty') : t('conn.connecting')}
        </div>
      ) : (
        <div class={info !== null ? 'visitors-layout--info' : undefined}>
        <div class="panel panel--flush">
          <table class="table visitors" data-testid="visitors-table">
            <thead>
              <tr>
                <th>{t('visitors.col_visitor')}</th>
                <th>{t('visitors.col_page')}</th>
                <th>{t('visitors.col_state')}</th>
                <th>{t('visitors.col_device')}</th>
                <th class="table__actions">
                  <span class="sr-only">{t('visitors.start')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {state.visitors.map((v) => (
                <VisitorRow
                  key={v.id}
                  v={v}
                  now={now}
                  fresh={fresh.has(v.id) && v.dialog === null}
                  selected={v.id === info}
                  onInfo={() => setInfo(v.id === info ? null : v.id)}
                />
              ))}
            </tbody>
          </table>
        </div>
        {info !== null && <VisitorInfoPanel visitor={info} refresh={shown?.page.url} onClose={() => setInfo(null)} />}
        </div>
      )}
    </div>
  );
}
