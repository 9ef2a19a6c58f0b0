// A file message (F16): an image preview for jpeg/png/gif/bmp, else a download link with the
// name and size. The name is the sender's: rendered as a text node, never as HTML.
import { useEffect, useState } from 'preact/hooks';
import type { ChatClient } from '../client.ts';
import { formatSize, isPreviewable, type FileInfo } from '../../shared/files.ts';
import { fileObjectUrl } from '../files.ts';
import { widgetLanguage, type WidgetT } from '../i18n.ts';

export function FileBody({ f, t, client }: { f: FileInfo; t: WidgetT; client: ChatClient }) {
  const [url, setUrl] = useState<string | null>(null);
  const token = client.visitorToken;
  useEffect(() => {
    if (!token) return;
    let live = true;
    fileObjectUrl(token, f.id).then(
      (u) => live && setUrl(u),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [f.id, token]);
  const size = formatSize(f.size, widgetLanguage(client.snapshot.site?.language));
  if (isPreviewable(f.mime) && url) {
    return (
      <a class="fimg" href={url} download={f.name} title={f.name} data-testid="callpy-file-image">
        <img src={url} alt={f.name} />
      </a>
    );
  }
  return (
    <a class="file" href={url ?? undefined} download={f.name} title={t('file.download')} data-testid="callpy-file">
      <svg viewBox="0 0 24 24" aria-hidden="true">
        <path d="M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8zm-1 7V3.5L18.5 9z" />
      </svg>
      <span class="fn">{f.name}</span>
      <span class="fs">{size}</span>
    </a>
  );
}
