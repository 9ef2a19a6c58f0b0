import { useState } from 'preact/hooks';
import { useApp } from '../app_context.ts';
import { AuthCard } from '../components/auth_card.tsx';
import { ErrorBox, Field, Input, Spinner, useAsync } from '../components/ui.tsx';
import { errorText } from '../errors.ts';
import { passwordProblem } from '../validation.ts';

export function InvitePage({ query }: { query: URLSearchParams }) {
  const { api, t, signedIn } = useApp();
  const token = query.get('token') ?? '';
  const invite = useAsync(() => (token ? api.invite(token) : Promise.reject(new Error('no token'))), [token]);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [tried, setTried] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const problem = passwordProblem(password);

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setTried(true);
    if (problem || name.trim() === '') return;
    setBusy(true);
    setError(null);
    try {
      await api.acceptInvite(token, name.trim(), password);
      await signedIn(invite.data ? `/sites/${encodeURIComponent(invite.data.site.id)}` : undefined);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  if (invite.loading) {
    return (
      <AuthCard title={t('invite.title')}>
        <Spinner label={t('common.loading')} />
      </AuthCard>
    );
  }
  if (!invite.data) {
    return (
      <AuthCard title={t('invite.title')}>
        <ErrorBox message={errorText(invite.error, t, { not_found: 'invite.invalid', invalid: 'invite.invalid', internal: 'invite.invalid' })} testid="invite-invalid" />
      </AuthCard>
    );
  }

  const data = invite.data;
  return (
    <AuthCard title={t('invite.title')}>
      <p class="auth__subtitle" data-testid="invite-intro">
        {t('invite.intro', { site: data.site.name, role: t(`role.${data.role}`) })}
      </p>
      <form class="form" onSubmit={onSubmit} noValidate>
        <ErrorBox message={error ? errorText(error, t, { not_found: 'invite.invalid' }) : null} testid="invite-error" />
        <Field id="invite-email-ro" label={t('invite.email')}>
          <input id="invite-email-ro" data-testid="accept-email" type="email" value={data.email} readOnly autocomplete="username" />
        </Field>
        <Field id="accept-name" label={t('invite.name')} error={tried && name.trim() === '' ? t('common.required') : null}>
          <Input id="accept-name" testid="accept-name" autocomplete="name" autofocus value={name} onValue={setName} />
        </Field>
        <Field id="accept-password" label={t('invite.password')} hint={t('password.hint')} error={tried && problem ? t(problem) : null}>
          <Input id="accept-password" testid="accept-password" type="password" autocomplete="new-password" value={password} onValue={setPassword} />
        </Field>
        <button type="submit" class="btn btn--primary btn--block" data-testid="accept-submit" disabled={busy}>
          {t('invite.submit')}
        </button>
      </form>
    </AuthCard>
  );
}
