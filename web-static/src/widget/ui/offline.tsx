// Nobody can answer (no operator online, or the site is closed). With no conversation
// going on, the window shows the offline form (F7): the request is stored as a dialog and
// e-mailed to the site's addresses; the App decides which of the two is shown.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ChatClient, ChatState, OfflineField, OfflineFields } from '../client.ts';
import type { WidgetKey, WidgetT } from '../i18n.ts';
import { kOfflineLimits, validateOffline } from '../offline_request.ts';

function Intro({ t }: { t: WidgetT }) {
  return (
    <div class="off" role="status" data-testid="callpy-offline">
      <div class="ot">{t('offline.title')}</div>
      <div>{t('offline.body')}</div>
    </div>
  );
}

/** The plain notice, above a conversation that is already going on. */
export const OfflineNotice = Intro;

const kEmpty: OfflineFields = { name: '', email: '', phone: '', text: '' };

export function OfflineForm({ t, s, client }: { t: WidgetT; s: ChatState; client: ChatClient }) {
  const o = s.offline;
  const [v, setV] = useState<OfflineFields>(() => {
    const prev = o.phase === 'idle' && o.fields ? o.fields : null;
    const c = s.contact;
    return { name: prev?.name || c?.name || '', email: prev?.email || c?.email || '', phone: prev?.phone || c?.phone || '', text: prev?.text ?? '' };
  });
  // Checks show after the first submit, then follow the typing.
  const [tried, setTried] = useState(false);
  const form = useRef<HTMLFormElement>(null);

  useEffect(() => {
    // Callpy.setContactInfo may come after the form opened: fill only what is still empty.
    const c = s.contact;
    if (c) setV((cur) => ({ ...cur, name: cur.name || c.name, email: cur.email || c.email, phone: cur.phone || c.phone }));
  }, [s.contact]);
  useEffect(() => {
    // Back from the thank-you: a fresh message, the same contacts.
    if (o.phase === 'idle' && o.fields && !o.error) {
      setV({ ...o.fields, text: '' });
      setTried(false);
    }
    // A rejected request: what was sent comes back for correcting.
    if (o.phase === 'idle' && o.error && o.fields) setV(o.fields);
  }, [o.phase, o.error]);
  useEffect(() => {
    if (!o.error?.field) return;
    form.current?.querySelector<HTMLElement>(`[name="${o.error.field}"]`)?.focus();
  }, [o.error]);

  if (o.phase === 'done') {
    return (
      <div class="ms of">
        <div class="ofd" role="status" data-testid="callpy-offline-done">
          <svg viewBox="0 0 24 24" aria-hidden="true">
            <path d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm-1.8 14.6-4.4-4.4 1.4-1.4 3 3 6.6-6.6 1.4 1.4z" />
          </svg>
          <div class="et">{t('offline.done', { email: o.fields?.email ?? '' })}</div>
          <div>{t('offline.doneBody')}</div>
          <button type="button" class="lnk" onClick={() => client.resetOffline()} data-testid="callpy-offline-again">
            {t('offline.again')}
          </button>
        </div>
      </div>
    );
  }

  const busy = o.phase === 'queued' || o.phase === 'sending';
  const problems = tried ? validateOffline(v) : {};
  // The server's word on a field stands until the visitor edits the request.
  const serverErr = o.error && !sameFields(v, o.fields) ? null : o.error;
  const fieldError = (k: OfflineField): string | null => {
    const p = problems[k];
    if (p) return t(`offline.err.${p}` as WidgetKey);
    if (serverErr?.field === k) return serverErr.message || t('offline.err.failed');
    return null;
  };
  const submit = (e: Event) => {
    e.preventDefault();
    if (busy) return;
    setTried(true);
    const bad = validateOffline(v);
    const first = (['email', 'text', 'name', 'phone'] as const).find((k) => bad[k]);
    if (first) {
      form.current?.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
      return;
    }
    client.submitOffline(v);
  };

  const field = (k: OfflineField, label: WidgetKey, required: boolean, type: 'text' | 'email' | 'tel') => {
    const err = fieldError(k);
    const id = 'cpo-' + k;
    const common = {
      id,
      name: k,
      value: v[k],
      disabled: busy,
      required,
      maxLength: kOfflineLimits[k],
      'aria-invalid': err ? true : undefined,
      'aria-describedby': err ? id + '-e' : undefined,
      'data-testid': 'callpy-offline-' + k,
      onInput: (e: Event) => {
        const val = (e.currentTarget as HTMLInputElement | HTMLTextAreaElement).value;
        setV((cur) => ({ ...cur, [k]: val }));
      },
    };
    return (
      <div class={'fl' + (err ? ' bad' : '')}>
        <label for={id}>
          {t(label)}
          {required && <b aria-hidden="true"> *</b>}
        </label>
        {/* `as 'text'`: Preact's input typing cannot take a union of types at once. */}
        {k === 'text' ? <textarea rows={4} {...common} /> : <input type={type as 'text'} autoComplete={k === 'phone' ? 'tel' : k} {...common} />}
        {err && (
          <div class="fe" id={id + '-e'} role="alert" data-testid="callpy-offline-error" data-field={k}>
            {err}
          </div>
        )}
      </div>
    );
  };

  return (
    <div class="ms of">
      <Intro t={t} />
      <form ref={form} noValidate onSubmit={submit} data-testid="callpy-offline-form" aria-busy={busy}>
        {field('name', 'offline.name', false, 'text')}
        {field('email', 'offline.email', true, 'email')}
        {field('phone', 'offline.phone', false, 'tel')}
        {field('text', 'offline.text', true, 'text')}
        {serverErr && !serverErr.field && (
          <div class="fe" role="alert" data-testid="callpy-offline-error">
            {serverErr.message || t('offline.err.failed')}
          </div>
        )}
        <button type="submit" class="ob" disabled={busy} data-testid="callpy-offline-submit" data-state={o.phase}>
          {busy && <span class="spin" />}
          {o.phase === 'queued' ? t('state.queued') : o.phase === 'sending' ? t('state.sending') : t('offline.submit')}
        </button>
      </form>
    </div>
  );
}

function sameFields(a: OfflineFields, b: OfflineFields | null): boolean {
  const x = b ?? kEmpty;
  return a.name === x.name && a.email === x.email && a.phone === x.phone && a.text === x.text;
}
