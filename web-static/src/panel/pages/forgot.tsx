import { useState } from 'preact/hooks';
import { useApp } from '../app_context.ts';
import { AuthCard } from '../components/auth_card.tsx';
import { ErrorBox, Field, Input, Notice } from '../components/ui.tsx';
import { errorText } from '../errors.ts';
import { Link } from '../location.ts';

export function ForgotPage() {
  const { api, t } = useApp();
  const [email, setEmail] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [sent, setSent] = useState(false);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.resetRequest(email.trim());
      setSent(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthCard title={t('forgot.title')} subtitle={sent ? undefined : t('forgot.hint')}>
      {sent ? (
        <Notice message={t('forgot.sent')} testid="reset-request-sent" />
      ) : (
        <form class="form" onSubmit={onSubmit} noValidate>
          <ErrorBox message={error ? errorText(error, t) : null} />
          <Field id="reset-email" label={t('login.email')}>
            <Input id="reset-email" testid="reset-email" type="email" autocomplete="username" required autofocus value={email} onValue={setEmail} />
          </Field>
          <button type="submit" class="btn btn--primary btn--block" data-testid="reset-request-submit" disabled={busy || !email.includes('@')}>
            {t('forgot.submit')}
          </button>
        </form>
      )}
      <div class="form__links">
        <Link to="/login">{t('forgot.back')}</Link>
      </div>
    </AuthCard>
  );
}
