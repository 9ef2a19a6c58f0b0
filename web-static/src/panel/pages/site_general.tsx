import { useState } from 'preact/hooks';
import type { Language } from '../../shared/i18n.ts';
import { useApp } from '../app_context.ts';
import { SiteSettingsForm, siteReadOnly, useSiteSave } from '../components/site_settings_form.tsx';
import { Field, Input, LanguageSelect } from '../components/ui.tsx';
import type { Site } from '../panel_api.ts';
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
  const readOnly = siteReadOnly(site);
  const [name, setName] = useState(site.name);
  const [language, setLanguage] = useState<Language>(site.language);
  const [origins, setOrigins] = useState(site.origins.join('\n'));
  const [offlineEmails, setOfflineEmails] = useState((site.offline_emails ?? []).join('\n'));
  const save = useSiteSave();
  const field = save.field;

  const onSave = async () => {
    const updated = await api.updateSite(site.id, {
      name: name.trim(),
      language,
      origins: parseOrigins(origins),
      offline_emails: parseList(offlineEmails),
    });
    onSaved(updated);
    void refreshMe().catch(() => undefined);
  };

  return (
    <SiteSettingsForm site={site} testid="site-general" saveTestid="general-save" save={save} valid={name.trim() !== ''} onSave={onSave}>
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
    </SiteSettingsForm>
  );
}
