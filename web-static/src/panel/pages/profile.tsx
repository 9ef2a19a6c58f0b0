import { useState } from 'preact/hooks';
import type { Language } from '../../shared/i18n.ts';
import { useApp } from '../app_context.ts';
import { ErrorBox, Field, Input, LanguageSelect, Notice } from '../components/ui.tsx';
import { errorText } from '../errors.ts';
import { passwordProblem } from '../validation.ts';
import { NotificationSettings } from '../components/notification_settings.tsx';
import { AvatarSettings } from '../components/avatar_settings.tsx';

export function ProfilePage() {
  const { t } = useApp();
  return (
    <section class="page page--narrow">
      <div class="page__head">
        <h1>{t('profile.title')}</h1>
      </div>
      <div class="stack">
        <ProfileForm />
        <AvatarSettings />
        <PasswordForm />
        <NotificationSettings />
      </div>
    </section>
  );
}

function ProfileForm() {
  const { api, t, me, updateUser } = useApp();
  const [name, setName] = useState(me?.user.name ?? '');
  const [language, setLanguage] = useState<Language>(me?.user.language ?? 'ru');
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const { user } = await api.updateMe({ name: name.trim(), language });
      updateUser(user);
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="panel form" onSubmit={onSubmit} noValidate data-testid="profile-form">
      <ErrorBox message={error ? errorText(error, t) : null} />
      <Notice message={saved ? t('common.saved') : null} testid="profile-saved" />
      <Field id="profile-email" label={t('profile.email')}>
        <input id="profile-email" type="email" value={me?.user.email ?? ''} readOnly data-testid="profile-email" />
      </Field>
      <Field id="profile-name" label={t('profile.name')}>
        <Input id="profile-name" testid="profile-name" autocomplete="name" value={name} onValue={setName} maxLength={200} />
      </Field>
      <Field id="profile-language" label={t('profile.language')}>
        <LanguageSelect id="profile-language" t={t} value={language} onValue={setLanguage} />
      </Field>
      <div class="form__actions">
        <button type="submit" class="btn btn--primary" data-testid="profile-save" disabled={busy}>
          {busy ? t('common.saving') : t('common.save')}
        </button>
      </div>
    </form>
  );
}

function PasswordForm() {
  const { api, t } = useApp();
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [tried, setTried] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const problem = passwordProblem(password);

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setTried(true);
    if (problem || current === '') return;
    setBusy(true);
    setError(null);
    setDone(false);
    try {
      await api.changePassword(current, password);
      setDone(true);
      setCurrent('');
      setPassword('');
      setTried(false);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="panel form" onSubmit={onSubmit} noValidate data-testid="password-form">
      <h2>{t('profile.password_title')}</h2>
      <ErrorBox message={error ? errorText(error, t, { invalid: 'profile.wrong_current' }) : null} testid="password-error" />
      <Notice message={done ? t('profile.password_changed') : null} testid="password-changed" />
      <Field id="current-password" label={t('profile.current_password')} error={tried && current === '' ? t('common.required') : null}>
        <Input id="current-password" testid="current-password" type="password" autocomplete="current-password" value={current} onValue={setCurrent} />
      </Field>
      <Field id="new-password" label={t('profile.new_password')} hint={t('password.hint')} error={tried && problem ? t(problem) : null}>
        <Input id="new-password" testid="new-password" type="password" autocomplete="new-password" value={password} onValue={setPassword} />
      </Field>
      <div class="form__actions">
        <button type="submit" class="btn btn--primary" data-testid="change-password" disabled={busy}>
          {t('profile.change_password')}
        </button>
      </div>
    </form>
  );
}
