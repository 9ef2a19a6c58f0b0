// F16 in the composer: the paper-clip button (any allowed type) and pasted screenshots. The
// file is checked here first (type by extension, size against the daemon's limit), uploaded
// with visible progress, then posted as a message; refusals say why, in the site's language.
import { useState } from 'preact/hooks';
import type { ChatClient } from '../client.ts';
import { formatSize, kAccept, kAllowedExtensions, kDefaultUploadMax, localFileProblem, pastedName, type UploadError } from '../../shared/files.ts';
import { uploadVisitorFile } from '../files.ts';
import { widgetLanguage, type WidgetT } from '../i18n.ts';

export interface Upload {
  name: string;
  progress: number | null; // null: finished with `error`
  error: string | null;
}

/** The upload state and a function that sends one file (from the picker or a paste). */
export function useUploads(t: WidgetT, client: ChatClient) {
  const [upload, setUpload] = useState<Upload | null>(null);
  const send = (blob: Blob, name: string) => {
    const lang = widgetLanguage(client.snapshot.site?.language);
    const max = client.snapshot.site?.uploadMaxBytes ?? kDefaultUploadMax;
    const problem = localFileProblem(name, blob.size, max);
    const fail = (error: string) => setUpload({ name, progress: null, error });
    if (problem === 'type') return fail(t('file.badType', { name, list: kAllowedExtensions.join(', ') }));
    if (problem === 'size') return fail(t('file.tooLarge', { name, max: formatSize(max, lang) }));
    const token = client.visitorToken;
    if (!token) return fail(t('file.failed', { name }));
    setUpload({ name, progress: 0, error: null });
    uploadVisitorFile(token, blob, name, (p) => setUpload({ name, progress: p, error: null })).then(
      (file) => {
        client.sendFile(file);
        setUpload(null);
      },
      (e: UploadError) => {
        if (e.status === 413) fail(t('file.tooLarge', { name, max: formatSize(max, lang) }));
        else if (e.field === 'file' && /not allowed/.test(e.message)) fail(t('file.badType', { name, list: kAllowedExtensions.join(', ') }));
        else if (e.field === 'file') fail(t('file.badContent', { name }));
        else fail(t('file.failed', { name }));
      },
    );
  };
  const onPaste = (e: ClipboardEvent) => {
    for (const item of Array.from(e.clipboardData?.items ?? [])) {
      const f = item.kind === 'file' ? item.getAsFile() : null;
      if (f && f.type.startsWith('image/')) {
        e.preventDefault();
        send(f, pastedName(f.type, t('file.pasted'), new Date()));
        return;
      }
    }
  };
  return { upload, send, onPaste, dismiss: () => setUpload(null) };
}

export function AttachButton({ t, onFile, busy }: { t: WidgetT; onFile: (f: File) => void; busy: boolean }) {
  return (
    <label class={'ib' + (busy ? ' act' : '')} title={t('file.attach')} data-testid="callpy-attach">
      <input
        type="file"
        accept={kAccept}
        aria-label={t('file.attach')}
        disabled={busy}
        data-testid="callpy-file-input"
        onChange={(e) => {
          const f = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          if (f) onFile(f);
        }}
      />
      <svg viewBox="0 0 24 24" aria-hidden="true">
        <path d="M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6z" />
      </svg>
    </label>
  );
}

export function UploadBar({ t, u, onDismiss }: { t: WidgetT; u: Upload; onDismiss: () => void }) {
  if (u.error) {
    return (
      <div class="upl err" role="alert" data-testid="callpy-upload-error">
        <span>{u.error}</span>
        <button type="button" class="lnk" onClick={onDismiss}>
          {t('file.dismiss')}
        </button>
      </div>
    );
  }
  const p = Math.round((u.progress ?? 0) * 100);
  return (
    <div class="upl" role="status" data-testid="callpy-upload">
      <span>{t('file.uploading', { name: u.name, p })}</span>
      <progress max={100} value={p} />
    </div>
  );
}
