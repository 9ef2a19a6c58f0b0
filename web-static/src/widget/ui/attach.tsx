// F16 in the composer: the paper-clip button (any allowed type) and pasted screenshots. The
// file is checked here first (type by extension, size against the daemon's limit), uploaded
// with visible progress, then posted as a message; refusals say why, in the site's language.
import { useState } from 'preact/hooks';
import type { ChatClient } from '../client.ts';
import { formatSize, kAccept, kAllowedExtensions, kDefaultUploadMax, pastedImage, pastedName, runUpload, type UploadState } from '../../shared/files.ts';
import { uploadVisitorFile } from '../files.ts';
import { widgetLanguage, type WidgetT } from '../i18n.ts';

/** The upload state and a function that sends one file (from the picker or a paste). */
export function useUploads(t: WidgetT, client: ChatClient) {
  const [upload, setUpload] = useState<UploadState | null>(null);
  const send = (blob: Blob, name: string) => {
    const lang = widgetLanguage(client.snapshot.site?.language);
    const max = client.snapshot.site?.uploadMaxBytes ?? kDefaultUploadMax;
    const token = client.visitorToken;
    runUpload(blob, name, {
      max,
      // Before the first welcome there is no visitor to upload for.
      upload: token ? (onProgress) => uploadVisitorFile(token, blob, name, onProgress) : null,
      set: setUpload,
      post: (file) => client.sendFile(file),
      explain: (problem) => {
        if (problem === 'type') return t('file.badType', { name, list: kAllowedExtensions.join(', ') });
        if (problem === 'size') return t('file.tooLarge', { name, max: formatSize(max, lang) });
        if (problem === 'content') return t('file.badContent', { name });
        return t('file.failed', { name });
      },
    });
  };
  const onPaste = (e: ClipboardEvent) => {
    const f = pastedImage(e);
    if (f) send(f, pastedName(f.type, t('file.pasted'), new Date()));
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

export function UploadBar({ t, u, onDismiss }: { t: WidgetT; u: UploadState; onDismiss: () => void }) {
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
