// One site with its tabs. The tab is part of the URL (/sites/:site/:tab) so it survives
// reloads and can be linked to.
import { useApp } from '../app_context.ts';
import { Badge, ErrorBox, Spinner, useAsync } from '../components/ui.tsx';
import { errorText } from '../errors.ts';
import type { Key } from '../i18n/index.ts';
import { Link } from '../location.ts';
import type { Params } from '../router.ts';
import { NotFoundPage } from './not_found.tsx';
import { CallsTab } from './site_calls.tsx';
import { ChatTab } from './site_chat.tsx';
import { DepartmentsTab } from './site_departments.tsx';
import { GeneralTab } from './site_general.tsx';
import { HoursTab } from './site_hours.tsx';
import { OperatorsTab } from './site_operators.tsx';
import { SnippetTab } from './site_snippet.tsx';

const kTabs = ['general', 'chat', 'calls', 'snippet', 'operators', 'departments', 'hours'] as const;
type Tab = (typeof kTabs)[number];

function isTab(v: string | undefined): v is Tab {
  return (kTabs as readonly string[]).includes(v ?? '');
}

export function SitePage({ params }: { params: Params }) {
  const { api, t } = useApp();
  const id = params.site ?? '';
  const tab: Tab | null = params.tab === undefined ? 'general' : isTab(params.tab) ? params.tab : null;
  const site = useAsync(() => api.site(id), [id]);

  if (tab === null) return <NotFoundPage />;
  const base = `/sites/${encodeURIComponent(id)}`;
  return (
    <section class="page">
      <Link to="/sites" class="backlink">
        {t('site.back')}
      </Link>
      {site.loading && !site.data && <Spinner label={t('common.loading')} />}
      <ErrorBox message={site.error ? errorText(site.error, t) : null} />
      {site.data && (
        <>
          <div class="page__head">
            <h1 data-testid="site-title">{site.data.name}</h1>
            {site.data.managed_by_config && (
              <Badge kind="info" testid="managed-badge">
                {t('site.managed')}
              </Badge>
            )}
          </div>
          <nav class="tabs" aria-label={t('site.tabs')}>
            {kTabs.map((k) => (
              <Link key={k} to={`${base}/${k}`} class={k === tab ? 'tabs__tab is-active' : 'tabs__tab'} current={k === tab} testid={`tab-${k}`}>
                {t(`site.tab.${k}` as Key)}
              </Link>
            ))}
          </nav>
          <div class="tabpanel" key={site.data.id}>
            {tab === 'general' && <GeneralTab site={site.data} onSaved={site.setData} />}
            {tab === 'chat' && <ChatTab site={site.data} onSaved={site.setData} />}
            {tab === 'calls' && <CallsTab site={site.data} onSaved={site.setData} />}
            {tab === 'snippet' && <SnippetTab site={site.data} />}
            {tab === 'operators' && <OperatorsTab site={site.data} />}
            {tab === 'departments' && <DepartmentsTab site={site.data} />}
            {tab === 'hours' && <HoursTab site={site.data} />}
          </div>
        </>
      )}
    </section>
  );
}
