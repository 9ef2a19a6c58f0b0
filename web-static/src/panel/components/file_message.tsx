// F16 in the chat pane: a file message (image preview or download link with name and size),
// the attach button, pasted screenshots, and the upload's progress or refusal. File names are
// the sender's and are rendered as text.
import { useEffect, useState } from 'preact/hooks';
import { formatSize, isPreviewable, kAccept, kAllowedExtensions, kDefaultUploadMax, pastedImage, pastedName, runUpload, type FileInfo, type UploadState } from '../../shared/files.ts';
import { useApp } from '../app_context.ts';
import { panelFileUrl, uploadPanelFile } from '../chat/files.ts';

export function FileView({ f }: { f: FileInfo }) {
  const { lang } = useApp();
  const url = panelFileUrl(f.id);
  if (isPreviewable(f.mime)) {
    return (
      <a class="msg__image" href={url} target="_blank" rel="noopener" title={f.name} data-testid="chat-file-image">
        <img src={url} alt={f.name} loading="lazy" />
      </a>
    );
  }
  return (
    <a class="msg__file" href={url} download={f.name} data-testid="chat-file">
      <span class="msg__file-name">{f.name}</span> <span class="msg__file-size">{formatSize(f.size, lang)}</span>
    </a>
  );
}

/** Upload state of one dialog's composer; `send` takes a picked or pasted file. */
export function usePanelUploads(dialog: number, post: (file: FileInfo) => void) {
  const { t, lang, api } = useApp();
  const [upload, setUpload] = useState<UploadState | null>(null);
  useEffect(() => setUpload(null), [dialog]);
  const send = (blob: Blob, name: string) =>
    runUpload(blob, name, {
      max: kDefaultUploadMax,
      upload: (onProgress) => uploadPanelFile(api.client.csrf, dialog, blob, name, onProgress),
      set: setUpload,
      post,
      explain: (problem, e) => {
        if (problem === 'type') return t('file.bad_type', { name, list: kAllowedExtensions.join(', ') });
        // The daemon's limit may be lower than the default: its message names it.
        if (problem === 'size') return e ? t('file.failed', { name, reason: e.message }) : t('file.too_large', { name, max: formatSize(kDefaultUploadMax, lang) });
        if (problem === 'content') return t('file.bad_content', { name });
        return t('file.failed', { name, reason: e?.message || String(e?.status) });
      },
    });
  const onPaste = (e: ClipboardEvent) => {
    const f = pastedImage(e);
    if (f) send(f, pastedName(f.type, t('file.pasted'), new Date()));
  };
  return { upload, send, onPaste, dismiss: () => setUpload(null) };
}

export function AttachButton({ onFile, busy }: { onFile: (f: File) => void; busy: boolean }) {
  const { t } = useApp();
  return (
    <label class="btn btn--ghost btn--small composer__attach" title={t('file.attach')} data-testid="chat-attach">
      <input
        type="file"
        class="composer__file"
        accept={kAccept}
        aria-label={t('file.attach')}
        disabled={busy}
        data-testid="chat-file-input"
        onChange={(e) => {
          const f = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          if (f) onFile(f);
        }}
      />
      <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="currentColor">
        <path d="M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6z" />
      </svg>
    </label>
  );
}

export function UploadStatus({ u, onDismiss }: { u: UploadState; onDismiss: () => void }) {
  const { t } = useApp();
  if (u.error) {
    return (
      <div class="upload upload--error" role="alert" data-testid="chat-upload-error">
        <span>{u.error}</span>
        <button type="button" class="btn btn--link" onClick={onDismiss}>
          {t('file.dismiss')}
        </button>
      </div>
    );
  }
  const p = Math.round((u.progress ?? 0) * 100);
  return (
    <div class="upload" role="status" data-testid="chat-upload">
      <span>{t('file.uploading', { name: u.name, p })}</span>
      <progress max={100} value={p} />
    </div>
  );
}
