// Frame of every signed-in page: brand, navigation, current user, sign-out.
import type { ComponentChildren } from 'preact';
import { useApp } from '../app_context.ts';
import { Link, useLocation } from '../location.ts';

export function Shell({ children }: { children: ComponentChildren }) {
  const { t, me, signOut } = useApp();
  const loc = useLocation();
  const inSites = loc.path === '/' || loc.path.startsWith('/sites');
  return (
    <div class="layout">
      <header class="topbar">
        <div class="topbar__inner">
          <Link to="/sites" class="brand">
            <span class="brand__mark" aria-hidden="true" />
            {t('app.name')}
          </Link>
          <nav class="topnav" aria-label={t('nav.main')}>
            <Link to="/sites" class="topnav__link" current={inSites} testid="nav-sites">
              {t('nav.sites')}
            </Link>
            <Link to="/profile" class="topnav__link" current={loc.path === '/profile'} testid="nav-profile">
              {t('nav.profile')}
            </Link>
          </nav>
          <div class="topbar__user">
            <span class="topbar__name" data-testid="current-user">
              {me?.user.name || me?.user.email}
            </span>
            <button type="button" class="btn btn--ghost btn--small" data-testid="logout" onClick={() => void signOut()}>
              {t('nav.logout')}
            </button>
          </div>
        </div>
      </header>
      <main class="content">{children}</main>
    </div>
  );
}
