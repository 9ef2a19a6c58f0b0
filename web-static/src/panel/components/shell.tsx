// Frame of every signed-in page: brand, navigation (with the live counters), my status,
// current user, sign-out, and the connection banner of the realtime link.
import type { ComponentChildren } from 'preact';
import { useApp } from '../app_context.ts';
import { useOptionalChat } from '../chat/chat_context.tsx';
import { Link, useLocation } from '../location.ts';
import { ConnectionBanner, StatusSwitch } from './status_switch.tsx';
import { HeaderAvatar } from './avatar_settings.tsx';
import { CallDock } from '../call/call_dock.tsx';

function Counter({ count, label, testid }: { count: number; label: string; testid: string }) {
  if (count <= 0) return null;
  return (
    <span class="counter" data-testid={testid} title={label} aria-label={label}>
      {count > 99 ? '99+' : count}
    </span>
  );
}

export function Shell({ children }: { children: ComponentChildren }) {
  const { t, me, signOut } = useApp();
  const chat = useOptionalChat();
  const loc = useLocation();
  const inSites = loc.path === '/' || loc.path.startsWith('/sites');
  const at = (prefix: string) => loc.path === prefix || loc.path.startsWith(prefix + '/');
  const newVisitors = chat?.state.newVisitors ?? 0;
  const unread = chat ? chat.state.dialogs.reduce((n, d) => n + (d.status === 'open' ? d.unread : 0), 0) : 0;
  return (
    <div class="layout">
      <header class="topbar">
        <div class="topbar__inner">
          <Link to="/sites" class="brand">
            <span class="brand__mark" aria-hidden="true" />
            {t('app.name')}
          </Link>
          <nav class="topnav" aria-label={t('nav.main')}>
            <Link to="/visitors" class="topnav__link" current={at('/visitors')} testid="nav-visitors">
              {t('nav.visitors')}
              <Counter count={newVisitors} label={t('nav.visitors_new', { count: newVisitors })} testid="nav-visitors-count" />
            </Link>
            <Link to="/dialogs" class="topnav__link" current={at('/dialogs')} testid="nav-dialogs">
              {t('nav.dialogs')}
              <Counter count={unread} label={t('nav.dialogs_unread', { count: unread })} testid="nav-dialogs-count" />
            </Link>
            <Link to="/history" class="topnav__link" current={at('/history')} testid="nav-history">
              {t('nav.history')}
            </Link>
            <Link to="/important" class="topnav__link" current={at('/important')} testid="nav-important">
              {t('nav.important')}
            </Link>
            <Link to="/group" class="topnav__link" current={at('/group')} testid="nav-group">
              {t('nav.group')}
            </Link>
            <Link to="/team" class="topnav__link" current={at('/team')} testid="nav-team">
              {t('nav.team')}
            </Link>
            <Link to="/blocked" class="topnav__link" current={at('/blocked')} testid="nav-blocked">
              {t('nav.blocked')}
            </Link>
            <Link to="/sites" class="topnav__link" current={inSites} testid="nav-sites">
              {t('nav.sites')}
            </Link>
            <Link to="/profile" class="topnav__link" current={loc.path === '/profile'} testid="nav-profile">
              {t('nav.profile')}
            </Link>
          </nav>
          <div class="topbar__user">
            <StatusSwitch />
            <HeaderAvatar />
            <span class="topbar__name" data-testid="current-user">
              {me?.user.name || me?.user.email}
            </span>
            <button type="button" class="btn btn--ghost btn--small" data-testid="logout" onClick={() => void signOut()}>
              {t('nav.logout')}
            </button>
          </div>
        </div>
        <ConnectionBanner />
      </header>
      <main class="content">{children}</main>
      <CallDock />
    </div>
  );
}
