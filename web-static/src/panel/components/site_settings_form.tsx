// The frame the site settings tabs share: the "managed by the config file" or read-only note,
// the error and "saved" notices, the save button, and the busy/saved/error state of one save.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError } from '../../shared/api.ts';
import { useApp } from '../app_context.ts';
import { errorText } from '../errors.ts';
import { canManage, type Site } from '../panel_api.ts';
import { Badge, ErrorBox, Notice } from './ui.tsx';

/** Sites from the YAML file, and sites the user cannot manage, are shown but not editable. */
export function siteReadOnly(site: Site): boolean {
  return site.managed_by_config || !canManage(site.role);
}

export interface SiteSave {
  error: unknown;
  saved: boolean;
  busy: boolean;
  /** The field the last error names, to mark its input. */
  field: string | undefined;
  run: (work: () => Promise<void>) => Promise<void>;
}

export function useSiteSave(): SiteSave {
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      await work();
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { error, saved, busy, field: error instanceof ApiError ? error.field : undefined, run };
}

interface Props {
  site: Site;
  testid: string;
  saveTestid: string;
  save: SiteSave;
  /** False while an input is invalid: the button is disabled and submitting does nothing. */
  valid: boolean;
  onSave: () => Promise<void>;
  children: ComponentChildren;
}

export function SiteSettingsForm({ site, testid, saveTestid, save, valid, onSave, children }: Props) {
  const { t } = useApp();
  const readOnly = siteReadOnly(site);
  const onSubmit = (e: Event) => {
    e.preventDefault();
    if (!readOnly && valid) void save.run(onSave);
  };
  return (
    <form class="form panel" onSubmit={onSubmit} noValidate data-testid={testid}>
      {site.managed_by_config ? (
        <div class="alert alert--info" data-testid="managed-note">
          <Badge kind="info">{t('site.managed')}</Badge> {t('site.managed_hint')}
        </div>
      ) : (
        !canManage(site.role) && <div class="alert alert--info">{t('common.read_only')}</div>
      )}
      <ErrorBox message={save.error ? errorText(save.error, t) : null} />
      <Notice message={save.saved ? t('common.saved') : null} />
      {children}
      {!readOnly && (
        <div class="form__actions">
          <button type="submit" class="btn btn--primary" data-testid={saveTestid} disabled={save.busy || !valid}>
            {save.busy ? t('common.saving') : t('common.save')}
          </button>
        </div>
      )}
    </form>
  );
}
