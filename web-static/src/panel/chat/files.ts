// F16 in the panel: uploads into a dialog (session cookie + CSRF header) and file URLs. The
// panel is on the daemon's origin, so previews are plain <img src> with the cookie.
import { uploadFile, type FileInfo } from '../../shared/files.ts';

export function uploadPanelFile(csrf: string, dialog: number, body: Blob, name: string, onProgress: (f: number) => void): Promise<FileInfo> {
  const url = `/api/panel/files?dialog=${dialog}&name=${encodeURIComponent(name)}`;
  return uploadFile(url, body, { 'X-CSRF-Token': csrf }, onProgress);
}

export const panelFileUrl = (id: number): string => `/api/panel/files/${id}`;
