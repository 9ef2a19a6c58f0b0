// The site's incoming call settings (F21): calls on/off, ring everyone at once or one after
// another with a timeout per operator, and what the widget offers outside working hours (the
// offline form or a callback request).
import { useState } from 'preact/hooks';
import { useApp } from '../app_context.ts';
import { SiteSettingsForm, siteReadOnly, useSiteSave } from '../components/site_settings_form.tsx';
import { Field } from '../components/ui.tsx';
import type { CallSettings, Site } from '../panel_api.ts';

const kDefaults: CallSettings = { enabled: true, ring_mode: 'all', ring_timeout_seconds: 20, after_hours: 'offline_form' };

/** A whole number of seconds 5…120, else undefined. */
export function parseRingTimeout(text: string): number | undefined {
  const v = text.trim();
  if (!/^\d{1,3}$/.test(v)) return undefined;
  const n = Number(v);
  return n >= 5 && n <= 120 ? n : undefined;
}

export function CallsTab({ site, onSaved }: { site: Site; onSaved: (s: Site) => void }) {
  const { api, t } = useApp();
  const readOnly = siteReadOnly(site);
  const calls = site.calls ?? kDefaults;
  const [enabled, setEnabled] = useState(calls.enabled);
  const [mode, setMode] = useState(calls.ring_mode);
  const [timeout, setTimeoutText] = useState(String(calls.ring_timeout_seconds));
  const [afterHours, setAfterHours] = useState(calls.after_hours);
  const save = useSiteSave();
  const seconds = parseRingTimeout(timeout);
  const field = save.field;

  const onSave = async () => {
    const settings = { enabled, ring_mode: mode, ring_timeout_seconds: seconds ?? 0, after_hours: afterHours };
    onSaved(await api.updateSite(site.id, { calls: settings }));
  };

  return (
    <SiteSettingsForm site={site} testid="site-calls" saveTestid="calls-save" save={save} valid={seconds !== undefined} onSave={onSave}>
      <div class="field">
        <label class="check">
          <input type="checkbox" data-testid="calls-enabled" checked={enabled} disabled={readOnly}
            onChange={(e) => setEnabled((e.currentTarget as HTMLInputElement).checked)} />
          <span>{t('callset.enabled')}</span>
        </label>
        <div class="field__hint">{t('callset.enabled_hint')}</div>
      </div>
      <Field id="calls-ring-mode" label={t('callset.ring_mode')} hint={t(mode === 'all' ? 'callset.ring_all_hint' : 'callset.ring_sequential_hint')}
        invalid={field === 'ring_mode'}>
        <select id="calls-ring-mode" data-testid="calls-ring-mode" value={mode} disabled={readOnly || !enabled}
          onChange={(e) => setMode((e.currentTarget as HTMLSelectElement).value === 'sequential' ? 'sequential' : 'all')}>
          <option value="all">{t('callset.ring_all')}</option>
          <option value="sequential">{t('callset.ring_sequential')}</option>
        </select>
      </Field>
      {mode === 'sequential' && (
        <Field id="calls-ring-timeout" label={t('callset.ring_timeout')} hint={t('callset.ring_timeout_hint')}
          error={seconds === undefined ? t('callset.bad_timeout') : null} invalid={field === 'ring_timeout_seconds'}>
          <input id="calls-ring-timeout" data-testid="calls-ring-timeout" type="number" min={5} max={120} inputMode="numeric"
            value={timeout} disabled={readOnly || !enabled} onInput={(e) => setTimeoutText((e.currentTarget as HTMLInputElement).value)} />
        </Field>
      )}
      <Field id="calls-after-hours" label={t('callset.after_hours')} hint={t('callset.after_hours_hint')} invalid={field === 'after_hours'}>
        <select id="calls-after-hours" data-testid="calls-after-hours" value={afterHours} disabled={readOnly || !enabled}
          onChange={(e) => setAfterHours((e.currentTarget as HTMLSelectElement).value === 'callback' ? 'callback' : 'offline_form')}>
          <option value="offline_form">{t('callset.offline_form')}</option>
          <option value="callback">{t('callset.callback')}</option>
        </select>
      </Field>
    </SiteSettingsForm>
  );
}
