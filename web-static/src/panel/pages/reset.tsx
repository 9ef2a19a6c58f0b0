import { useState } from 'preact/hooks';
import { useApp } from '../app_context.ts';
import { AuthCard } from '../components/auth_card.tsx';
import { ErrorBox, Field, Input, Notice } from '../components/ui.tsx';
import { errorText } from '../errors.ts';
import { Link } from '../location.ts';
import { passwordProblem } from '../validation.ts';

export function ResetPage({ query }: { query: URLSearchParams }) {
  const { api, t } = useApp();
  const token = query.get('token') ?? '';
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [tried, setTried] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const problem = passwordProblem(password, confirm);

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setTried(true);
    if (problem) return;
    setBusy(true);
    setError(null);
    try {
      await api.reset(token, password);
      setDone(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (!token) {
    return (
      <AuthCard title={t('reset.title')}>
        <ErrorBox message={t('reset.invalid')} testid="reset-invalid" />
        <div class="form__links">
          <Link to="/forgot">{t('reset.request_new')}</Link>
        </div>
      </AuthCard>
    );
  }

  return (
    <AuthCard title={t('reset.title')}>
      {done ? (
        <>
          <Notice message={t('reset.done')} testid="reset-done" />
          <Link to="/login" class="btn btn--primary btn--block" testid="reset-to-login">
            {t('login.submit')}
          </Link>
        </>
      ) : (
        <form class="form" onSubmit={onSubmit} noValidate>
          <ErrorBox message={error ? errorText(error, t, { invalid: 'reset.invalid', not_found: 'reset.invalid' }) : null} testid="reset-error" />
          <Field
            id="reset-password"
            label={t('reset.password')}
            hint={t('password.hint')}
            error={tried && problem === 'password.too_short' ? t(problem) : null}
          >
            <Input id="reset-password" testid="reset-password" type="password" autocomplete="new-password" autofocus value={password} onValue={setPassword} />
          </Field>
          <Field id="reset-confirm" label={t('reset.confirm')} error={tried && problem === 'password.mismatch' ? t(problem) : null}>
            <Input id="reset-confirm" testid="reset-confirm" type="password" autocomplete="new-password" value={confirm} onValue={setConfirm} />
          </Field>
          <button type="submit" class="btn btn--primary btn--block" data-testid="reset-submit" disabled={busy}>
            {t('reset.submit')}
          </button>
          {error !== null && (
            <div class="form__links">
              <Link to="/forgot">{t('reset.request_new')}</Link>
            </div>
          )}
        </form>
      )}
    </AuthCard>
  );
}
