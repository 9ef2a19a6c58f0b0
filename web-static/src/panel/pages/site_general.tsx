import { useState } from 'preact/hooks';
import { ApiError } from '../../shared/api.ts';
import type { Language } from '../../shared/i18n.ts';
import { useApp } from '../app_context.ts';
import { Badge, ErrorBox, Field, Input, LanguageSelect, Notice } from '../components/ui.tsx';
import { errorText } from '../errors.ts';
import { canManage, type Site } from '../panel_api.ts';
import { parseOrigins } from '../validation.ts';

// One address per line (commas also separate), blanks dropped.
function parseList(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export function GeneralTab({ site, onSaved }: { site: Site; onSaved: (s: Site) => void }) {
  const { api, t, refreshMe } = useApp();
  const readOnly = site.managed_by_config || !canManage(site.role);
  const [name, setName] = useState(site.name);
  const [language, setLanguage] = useState<Language>(site.language);
  const [origins, setOrigins] = useState(site.origins.join('\n'));
  const [offlineEmails, setOfflineEmails] = useState((site.offline_emails ?? []).join('\n'));
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    if (readOnly || name.trim() === '') return;
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const updated = await api.updateSite(site.id, {
        name: name.trim(),
        language,
        origins: parseOrigins(origins),
        offline_emails: parseList(offlineEmails),
      });
      onSaved(updated);
      setSaved(true);
      void refreshMe().catch(() => undefined);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const field = error instanceof ApiError ? error.field : undefined;
  return (
    <form class="form panel" onSubmit={onSubmit} noValidate data-testid="site-general">
      {site.managed_by_config ? (
        <div class="alert alert--info" data-testid="managed-note">
          <Badge kind="info">{t('site.managed')}</Badge> {t('site.managed_hint')}
        </div>
      ) : (
        !canManage(site.role) && <div class="alert alert--info">{t('common.read_only')}</div>
      )}
      <ErrorBox message={error ? errorText(error, t) : null} />
      <Notice message={saved ? t('common.saved') : null} />
      <dl class="facts">
        <div>
          <dt>{t('general.id')}</dt>
          <dd>
            <code data-testid="site-id">{site.id}</code>
          </dd>
        </div>
        <div>
          <dt>{t('general.widget_key')}</dt>
          <dd>
            <code>{site.widget_key}</code>
          </dd>
        </div>
      </dl>
      <Field id="general-name" label={t('general.name')} error={name.trim() === '' ? t('common.required') : null} invalid={field === 'name'}>
        <Input id="general-name" testid="general-name" value={name} onValue={setName} disabled={readOnly} maxLength={200} />
      </Field>
      <Field id="general-language" label={t('general.language')} invalid={field === 'language'}>
        <LanguageSelect id="general-language" t={t} value={language} onValue={setLanguage} disabled={readOnly} />
      </Field>
      <Field id="general-origins" label={t('general.origins')} hint={t('general.origins_hint')} invalid={field === 'origins'}>
        <textarea
          id="general-origins"
          data-testid="general-origins"
          rows={3}
          value={origins}
          disabled={readOnly}
          onInput={(e) => setOrigins((e.currentTarget as HTMLTextAreaElement).value)}
        />
      </Field>
      <Field
        id="general-offline-emails"
        label={t('general.offline_emails')}
        hint={t('general.offline_emails_hint')}
        invalid={field === 'offline_emails'}
      >
        <textarea
          id="general-offline-emails"
          data-testid="general-offline-emails"
          rows={2}
          value={offlineEmails}
          disabled={readOnly}
          onInput={(e) => setOfflineEmails((e.currentTarget as HTMLTextAreaElement).value)}
        />
      </Field>
      {!readOnly && (
        <div class="form__actions">
          <button type="submit" class="btn btn--primary" data-testid="general-save" disabled={busy}>
            {busy ? t('common.saving') : t('common.save')}
          </button>
        </div>
      )}
    </form>
  );
}
