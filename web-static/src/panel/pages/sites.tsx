import { useState } from 'preact/hooks';
import { ApiError } from '../../shared/api.ts';
import { useApp } from '../app_context.ts';
import { Badge, ErrorBox, Field, Input, Spinner, useAsync } from '../components/ui.tsx';
import { errorText } from '../errors.ts';
import { Link, navigate } from '../location.ts';
import { normalizeSiteUrl } from '../validation.ts';

export function SitesPage() {
  const { api, t, refreshMe } = useApp();
  const sites = useAsync(() => api.sites(), []);
  const [adding, setAdding] = useState(false);

  return (
    <section class="page">
      <div class="page__head">
        <h1>{t('sites.title')}</h1>
        {!adding && (
          <button type="button" class="btn btn--primary" data-testid="add-site" onClick={() => setAdding(true)}>
            {t('sites.add')}
          </button>
        )}
      </div>
      {adding && (
        <AddSiteForm
          onCancel={() => setAdding(false)}
          onAdded={async (id) => {
            await refreshMe().catch(() => undefined);
            navigate(`/sites/${encodeURIComponent(id)}/snippet`);
          }}
        />
      )}
      {sites.loading && <Spinner label={t('common.loading')} />}
      <ErrorBox message={sites.error ? errorText(sites.error, t) : null} />
      {sites.data && sites.data.length === 0 && !adding && (
        <div class="empty" data-testid="sites-empty">
          <p>{t('sites.empty')}</p>
        </div>
      )}
      {sites.data && sites.data.length > 0 && (
        <ul class="cards" data-testid="site-list">
          {sites.data.map((s) => (
            <li key={s.id} class="card card--link" data-testid="site-row" data-site-id={s.id}>
              <Link to={`/sites/${encodeURIComponent(s.id)}`} class="card__link" testid={`site-link-${s.id}`}>
                <span class="card__title">{s.name}</span>
                <span class="card__meta">{s.origins.join(', ') || s.id}</span>
                <span class="card__badges">
                  <Badge>{t(`role.${s.role}`)}</Badge>
                  {s.managed_by_config && <Badge kind="info">{t('site.managed')}</Badge>}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function AddSiteForm({ onCancel, onAdded }: { onCancel: () => void; onAdded: (id: string) => Promise<void> }) {
  const { api, t, lang } = useApp();
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [tried, setTried] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const nameBad = name.trim() === '';
  const normalized = normalizeSiteUrl(url);
  const urlBad = normalized === null;

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setTried(true);
    if (nameBad || normalized === null) return;
    setBusy(true);
    setError(null);
    try {
      const site = await api.addSite(name.trim(), normalized, lang);
      await onAdded(site.id);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  const serverField = error instanceof ApiError ? error.field : undefined;
  return (
    <form class="panel form form--inline" onSubmit={onSubmit} noValidate data-testid="add-site-form">
      <h2>{t('sites.add')}</h2>
      <ErrorBox message={error ? errorText(error, t) : null} testid="site-error" />
      <div class="form__row">
        <Field id="site-name" label={t('sites.name')} error={tried && nameBad ? t('common.required') : null} invalid={serverField === 'name'}>
          <Input id="site-name" testid="site-name" autofocus value={name} onValue={setName} maxLength={200} />
        </Field>
        <Field
          id="site-url"
          label={t('sites.url')}
          hint={t('sites.url_hint')}
          error={tried && urlBad ? t('sites.bad_url') : null}
          invalid={serverField === 'url'}
        >
          <Input id="site-url" testid="site-url" type="text" inputMode="url" autocomplete="url" placeholder="https://" value={url} onValue={setUrl} />
        </Field>
      </div>
      <div class="form__actions">
        <button type="submit" class="btn btn--primary" data-testid="site-submit" disabled={busy}>
          {t('sites.submit')}
        </button>
        <button type="button" class="btn btn--ghost" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
