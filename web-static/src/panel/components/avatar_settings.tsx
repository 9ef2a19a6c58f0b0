// «Аватар» on the profile page (F6): the current avatar, choose a file (type and size checked
// here before any upload), crop it (avatar_crop.tsx), save, replace or delete. Visitors see it
// next to this operator's messages in the widget.
import { useState } from 'preact/hooks';
import { useApp } from '../app_context.ts';
import { avatarFileProblem, kAvatarAccept } from '../avatar_crop_model.ts';
import { deleteAvatar, uploadAvatar, useMyAvatar } from '../avatar_api.ts';
import { errorText } from '../errors.ts';
import { AvatarCrop, type CroppedAvatar } from './avatar_crop.tsx';
import { ErrorBox, Notice } from './ui.tsx';
import './avatar.css';

export function AvatarSettings() {
  const { api, t, me } = useApp();
  const avatar = useMyAvatar(api, me?.user.id);
  const [file, setFile] = useState<File | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const onPick = (e: Event) => {
    const input = e.currentTarget as HTMLInputElement;
    const f = input.files?.[0];
    input.value = ''; // choosing the same file again still fires change
    setError(null);
    setNotice(null);
    if (!f) return;
    const why = avatarFileProblem(f.name, f.size);
    setProblem(why ? t(why === 'type' ? 'avatar.bad_type' : 'avatar.too_large') : null);
    setFile(why ? null : f);
  };
  const run = async (work: () => Promise<unknown>, done: 'avatar.saved' | 'avatar.deleted') => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await work();
      setFile(null);
      setNotice(t(done));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const onSave = (a: CroppedAvatar) => void run(() => uploadAvatar(api, a.blob, a.name), 'avatar.saved');
  const onDelete = () => void run(() => deleteAvatar(api), 'avatar.deleted');

  return (
    <div class="panel form" data-testid="avatar-settings">
      <h2>{t('avatar.title')}</h2>
      <p class="field__hint">{t('avatar.hint')}</p>
      <ErrorBox message={problem ?? (error ? errorText(error, t, { too_large: 'avatar.too_large' }) : null)} testid="avatar-error" />
      <Notice message={notice} testid="avatar-notice" />
      {file ? (
        <AvatarCrop file={file} busy={busy} onCancel={() => setFile(null)} onDone={onSave} />
      ) : (
        <div class="avatar-settings__row">
          {avatar ? (
            <img class="avatar-settings__img" src={avatar} alt={t('avatar.current')} data-testid="avatar-current" />
          ) : (
            <div class="avatar-settings__img avatar-settings__none" data-testid="avatar-none">
              {Array.from(me?.user.name || me?.user.email || '?')[0]?.toUpperCase()}
            </div>
          )}
          <div class="avatar-settings__actions">
            <label class={'btn ' + (avatar ? 'btn--secondary' : 'btn--primary')}>
              {t(avatar ? 'avatar.replace' : 'avatar.choose')}
              <input type="file" accept={kAvatarAccept} class="avatar-settings__file" onChange={onPick} disabled={busy} data-testid="avatar-file" />
            </label>
            {avatar && (
              <button type="button" class="btn btn--danger-ghost" onClick={onDelete} disabled={busy} data-testid="avatar-delete">
                {t('common.delete')}
              </button>
            )}
          </div>
        </div>
      )}
    </div>
  );
}

/** The signed-in operator's avatar for the header (nothing when there is none). */
export function HeaderAvatar() {
  const { api, me } = useApp();
  const avatar = useMyAvatar(api, me?.user.id);
  return avatar ? <img class="topbar__avatar" src={avatar} alt="" data-testid="header-avatar" /> : null;
}
