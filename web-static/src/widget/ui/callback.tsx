// F21: outside working hours, with the site's after_hours setting `callback`, the window offers a
// callback request in place of the offline form. The request comes back as the visitor's own
// message in the dialog («Просьба перезвонить: …»), which then replaces this form; until then
// the button shows it is sending, and a request that is not confirmed in time can be sent again.
import { useEffect, useState } from 'preact/hooks';
import type { ChatClient, ChatState } from '../client.ts';
import type { WidgetT } from '../i18n.ts';
import { callbackFrame, isValidCallbackPhone } from '../callback_request.ts';
import { randomId } from '../../shared/realtime.ts';

const kConfirmMs = 10_000;

export function CallbackForm({ t, s, client, onForm }: { t: WidgetT; s: ChatState; client: ChatClient; onForm: () => void }) {
  const [phone, setPhone] = useState(s.contact?.phone ?? '');
  const [name, setName] = useState(s.contact?.name ?? '');
  const [tried, setTried] = useState(false);
  const [sent, setSent] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!sent) return;
    const id = setTimeout(() => {
      setSent(null);
      setFailed(true);
    }, kConfirmMs);
    return () => clearTimeout(id);
  }, [sent]);
  const bad = tried && !isValidCallbackPhone(phone);
  const submit = (e: Event) => {
    e.preventDefault();
    setTried(true);
    if (sent || !isValidCallbackPhone(phone)) return;
    const cid = randomId();
    setFailed(false);
    if (client.sendCall(callbackFrame(cid, phone, name))) setSent(cid);
    else setFailed(true);
  };
  return (
    <div class="ms of">
      <div class="off" role="status" data-testid="callpy-callback">
        <div class="ot">{t('callback.title')}</div>
      </div>
      <form noValidate onSubmit={submit} data-testid="callpy-callback-form" aria-busy={!!sent}>
        <div class={'fl' + (bad ? ' bad' : '')}>
          <label for="cpc-phone">
            {t('callback.phone')}
            <b aria-hidden="true"> *</b>
          </label>
          <input id="cpc-phone" type="tel" autoComplete="tel" required maxLength={32} value={phone} disabled={!!sent}
            aria-invalid={bad || undefined} data-testid="callpy-callback-phone"
            onInput={(e) => setPhone((e.currentTarget as HTMLInputElement).value)} />
          {bad && <div class="fe" role="alert">{t('callback.bad')}</div>}
        </div>
        <div class="fl">
          <label for="cpc-name">{t('callback.name')}</label>
          <input id="cpc-name" type="text" autoComplete="name" maxLength={200} value={name} disabled={!!sent}
            data-testid="callpy-callback-name" onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
        </div>
        {failed && <div class="fe" role="alert" data-testid="callpy-callback-error">{t('callback.failed')}</div>}
        <button type="submit" class="ob" disabled={!!sent} data-testid="callpy-callback-submit">
          {sent && <span class="spin" />}
          {sent ? t('state.sending') : t('callback.submit')}
        </button>
        <button type="button" class="lnk" onClick={onForm} data-testid="callpy-callback-offline">
          {t('callback.form')}
        </button>
      </form>
    </div>
  );
}
