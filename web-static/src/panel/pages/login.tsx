import { useState } from 'preact/hooks';
import { useApp } from '../app_context.ts';
import { AuthCard } from '../components/auth_card.tsx';
import { ErrorBox, Field, Input } from '../components/ui.tsx';
import { errorText } from '../errors.ts';
import { Link } from '../location.ts';

export function LoginPage({ query }: { query: URLSearchParams }) {
  const { api, t, signedIn } = useApp();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.login(email.trim(), password);
      await signedIn(query.get('next') ?? undefined);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <AuthCard title={t('login.title')} subtitle={t('login.subtitle')}>
      <form class="form" onSubmit={onSubmit} noValidate>
        <ErrorBox message={error ? errorText(error, t, { unauthorized: 'login.failed' }) : null} testid="login-error" />
        <Field id="login-email" label={t('login.email')}>
          <Input
            id="login-email"
            testid="login-email"
            type="email"
            autocomplete="username"
            required
            autofocus
            value={email}
            onValue={setEmail}
          />
        </Field>
        <Field id="login-password" label={t('login.password')}>
          <Input
            id="login-password"
            testid="login-password"
            type="password"
            autocomplete="current-password"
            required
            value={password}
            onValue={setPassword}
          />
        </Field>
        <button type="submit" class="btn btn--primary btn--block" data-testid="login-submit" disabled={busy || !email || !password}>
          {t('login.submit')}
        </button>
        <div class="form__links">
          <Link to="/forgot" testid="forgot-link">
            {t('login.forgot')}
          </Link>
        </div>
      </form>
    </AuthCard>
  );
}
