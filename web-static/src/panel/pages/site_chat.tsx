// The site's chat settings (issue 4 §4): typing preview, pre-chat department choice, the
// default department, the first-response time after which unanswered dialogs are offered to
// everyone online, and dialog limits (the site's and per operator).
import { useState } from 'preact/hooks';
import { useApp } from '../app_context.ts';
import { SiteSettingsForm, siteReadOnly, useSiteSave } from '../components/site_settings_form.tsx';
import { ErrorBox, Field, Spinner, useAsync } from '../components/ui.tsx';
import { errorText } from '../errors.ts';
import type { ChatSettings, Department, Operator, Site } from '../panel_api.ts';

const kDefaults: ChatSettings = {
  typing_preview: true,
  first_response_seconds: 60,
  dialog_limit: 0,
  prechat_departments: true,
  default_department_id: null,
};

/** "" → null (no override); a whole number 0…1000 → that number; anything else → undefined (invalid). */
export function parseLimit(text: string): number | null | undefined {
  const v = text.trim();
  if (v === '') return null;
  if (!/^\d{1,4}$/.test(v)) return undefined;
  const n = Number(v);
  return n <= 1000 ? n : undefined;
}

interface Loaded {
  departments: Department[];
  operators: Operator[];
  limits: Record<string, number>;
}

export function ChatTab({ site, onSaved }: { site: Site; onSaved: (s: Site) => void }) {
  const { api, t } = useApp();
  const data = useAsync<Loaded>(async () => {
    const [departments, operators, limits] = await Promise.all([
      api.departments(site.id),
      api.operators(site.id),
      api.dialogLimits(site.id),
    ]);
    return { departments, operators, limits };
  }, [site.id]);
  if (data.error) return <ErrorBox message={errorText(data.error, t)} />;
  if (!data.data) return <Spinner label={t('common.loading')} />;
  return <ChatForm site={site} loaded={data.data} onSaved={onSaved} />;
}

function ChatForm({ site, loaded, onSaved }: { site: Site; loaded: Loaded; onSaved: (s: Site) => void }) {
  const { api, t } = useApp();
  const readOnly = siteReadOnly(site);
  const chat = site.chat ?? kDefaults;
  const [typingPreview, setTypingPreview] = useState(chat.typing_preview);
  const [prechat, setPrechat] = useState(chat.prechat_departments);
  const [firstResponse, setFirstResponse] = useState(String(chat.first_response_seconds));
  const [dialogLimit, setDialogLimit] = useState(String(chat.dialog_limit));
  const [defaultDepartment, setDefaultDepartment] = useState(chat.default_department_id === null ? '' : String(chat.default_department_id));
  const [baseline, setBaseline] = useState<Record<string, number>>(loaded.limits);
  const initialLimits = (id: number) => (baseline[String(id)] === undefined ? '' : String(baseline[String(id)]));
  const [limits, setLimits] = useState<Record<number, string>>(
    Object.fromEntries(loaded.operators.map((o) => [o.user_id, initialLimits(o.user_id)])),
  );
  const save = useSiteSave();
  const field = save.field;

  const seconds = /^\d{1,5}$/.test(firstResponse.trim()) && Number(firstResponse) <= 86400 ? Number(firstResponse) : undefined;
  const siteLimit = parseLimit(dialogLimit);
  const badLimit = Object.values(limits).some((v) => parseLimit(v) === undefined);
  const invalid = seconds === undefined || siteLimit === undefined || siteLimit === null || badLimit;

  const onSave = async () => {
    const updated = await api.updateSite(site.id, {
      chat: {
        typing_preview: typingPreview,
        prechat_departments: prechat,
        first_response_seconds: seconds,
        dialog_limit: siteLimit ?? 0,
        default_department_id: defaultDepartment === '' ? null : Number(defaultDepartment),
      },
    });
    const next = { ...baseline };
    for (const o of loaded.operators) {
      const text = (limits[o.user_id] ?? '').trim();
      if (text === initialLimits(o.user_id)) continue;
      const limit = parseLimit(text) ?? null;
      await api.setDialogLimit(site.id, o.user_id, limit);
      if (limit === null) delete next[String(o.user_id)];
      else next[String(o.user_id)] = limit;
    }
    setBaseline(next);
    onSaved(updated);
  };

  return (
    <SiteSettingsForm site={site} testid="site-chat" saveTestid="chat-save" save={save} valid={!invalid} onSave={onSave}>
      <div class="field">
      <label class="check">
        <input type="checkbox" data-testid="chat-typing-preview" checked={typingPreview} disabled={readOnly}
          onChange={(e) => setTypingPreview((e.currentTarget as HTMLInputElement).checked)} />
        <span>{t('chatset.typing_preview')}</span>
      </label>
      <div class="field__hint">{t('chatset.typing_preview_hint')}</div>
      </div>
      <div class="field">
      <label class="check">
        <input type="checkbox" data-testid="chat-prechat" checked={prechat} disabled={readOnly}
          onChange={(e) => setPrechat((e.currentTarget as HTMLInputElement).checked)} />
        <span>{t('chatset.prechat')}</span>
      </label>
      <div class="field__hint">{t('chatset.prechat_hint')}</div>
      </div>
      <Field id="chat-default-department" label={t('chatset.default_department')} hint={t('chatset.default_department_hint')}
        invalid={field === 'default_department_id'}>
        <select id="chat-default-department" data-testid="chat-default-department" value={defaultDepartment} disabled={readOnly}
          onChange={(e) => setDefaultDepartment((e.currentTarget as HTMLSelectElement).value)}>
          <option value="">{t('chatset.no_department')}</option>
          {loaded.departments.map((d) => (
            <option key={d.id} value={String(d.id)}>{d.name}</option>
          ))}
        </select>
      </Field>
      <Field id="chat-first-response" label={t('chatset.first_response')} hint={t('chatset.first_response_hint')}
        error={seconds === undefined ? t('chatset.bad_seconds') : null} invalid={field === 'first_response_seconds'}>
        <input id="chat-first-response" data-testid="chat-first-response" type="number" min={0} max={86400} inputMode="numeric"
          value={firstResponse} disabled={readOnly} onInput={(e) => setFirstResponse((e.currentTarget as HTMLInputElement).value)} />
      </Field>
      <Field id="chat-dialog-limit" label={t('chatset.dialog_limit')} hint={t('chatset.dialog_limit_hint')}
        error={siteLimit === undefined || siteLimit === null ? t('chatset.bad_limit') : null} invalid={field === 'dialog_limit'}>
        <input id="chat-dialog-limit" data-testid="chat-dialog-limit" type="number" min={0} max={1000} inputMode="numeric"
          value={dialogLimit} disabled={readOnly} onInput={(e) => setDialogLimit((e.currentTarget as HTMLInputElement).value)} />
      </Field>
      {loaded.operators.length > 0 && (
        <fieldset class="fieldset">
          <legend>{t('chatset.operator_limits')}</legend>
          <div class="field__hint">{t('chatset.operator_limits_hint')}</div>
          <table class="table">
            <tbody>
              {loaded.operators.map((o) => {
                const id = `chat-limit-${o.user_id}`;
                const bad = parseLimit(limits[o.user_id] ?? '') === undefined;
                return (
                  <tr key={o.user_id}>
                    <td><label for={id}>{o.name || o.email}</label></td>
                    <td>
                      <input id={id} data-testid={id} type="number" min={0} max={1000} inputMode="numeric"
                        placeholder={t('chatset.site_limit')} aria-invalid={bad} value={limits[o.user_id] ?? ''}
                        disabled={readOnly}
                        onInput={(e) => setLimits({ ...limits, [o.user_id]: (e.currentTarget as HTMLInputElement).value })} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </fieldset>
      )}
    </SiteSettingsForm>
  );
}
