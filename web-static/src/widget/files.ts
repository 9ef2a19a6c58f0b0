// The widget's side of files (F16): uploads with the visitor's token, downloads as blob: URLs.
// The widget runs on the customer's page, another origin than the daemon, so a plain <img src>
// could not carry the token; fetch with the X-Callpy-Visitor header (CORS) and show the blob.
import { uploadFile, type FileInfo } from '../shared/files.ts';

let base = '';
let widgetKey = '';

export function configureFiles(publicUrl: string, key: string): void {
  base = publicUrl;
  widgetKey = encodeURIComponent(key);
}

export function uploadVisitorFile(token: string, body: Blob, name: string, onProgress: (f: number) => void): Promise<FileInfo> {
  const url = `${base}/api/widget/files?key=${widgetKey}&name=${encodeURIComponent(name)}`;
  return uploadFile(url, body, { 'X-Callpy-Visitor': token }, onProgress);
}

const urls = new Map<number, Promise<string>>();

/** A blob: URL of the file's bytes (fetched once per page). */
export function fileObjectUrl(token: string, id: number): Promise<string> {
  let p = urls.get(id);
  if (!p) {
    p = fetch(`${base}/api/widget/files/${id}?key=${widgetKey}`, { headers: { 'X-Callpy-Visitor': token } }).then(async (r) => {
      if (!r.ok) throw new Error(String(r.status));
      return URL.createObjectURL(await r.blob());
    });
    p.catch(() => urls.delete(id));
    urls.set(id, p);
  }
  return p;
}
