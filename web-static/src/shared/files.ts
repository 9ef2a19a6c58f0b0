// Files in chat (F16), shared by the widget and the panel: the allowed types (the daemon checks
// the content again, this only saves a pointless upload), sizes for people, the `file` object
// of msg frames, uploads with progress over XMLHttpRequest (fetch has no upload progress), and
// the composer's upload flow (check, progress, post, refusal) that both UIs word their own way.
import { isInt, isObj } from './realtime.ts';

export interface FileInfo {
  id: number;
  name: string;
  size: number;
  mime: string;
}

export const kAllowedExtensions = ['jpg', 'jpeg', 'png', 'gif', 'psd', 'pdf', 'txt', 'doc', 'docx', 'bmp', 'zip', 'rar', 'wav', 'xlsx', 'xls', 'webm'];
export const kAccept = kAllowedExtensions.map((e) => '.' + e).join(',');
export const kDefaultUploadMax = 25 * 1024 * 1024;

/** The `file` of a msg frame or REST message; null when absent or malformed. */
export function parseFileInfo(v: unknown): FileInfo | null {
  if (!isObj(v) || !isInt(v.id) || typeof v.name !== 'string' || !isInt(v.size) || typeof v.mime !== 'string') return null;
  return { id: v.id, name: v.name, size: v.size, mime: v.mime };
}

/** Images the browser shows inline (what the daemon serves inline). */
export const isPreviewable = (mime: string): boolean => /^image\/(jpeg|png|gif|bmp)$/.test(mime);

export function formatSize(bytes: number, lang: string): string {
  const ru = lang === 'ru';
  const units = ru ? ['Б', 'КБ', 'МБ', 'ГБ'] : ['B', 'KB', 'MB', 'GB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  const n = u === 0 || v >= 10 ? String(Math.round(v)) : v.toFixed(1);
  return (ru ? n.replace('.', ',') : n) + ' ' + units[u];
}

export const extensionOf = (name: string): string => {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
};

/** Why a picked file cannot be sent ('type' or 'size'), or null. */
export function localFileProblem(name: string, size: number, max: number): 'type' | 'size' | null {
  if (!kAllowedExtensions.includes(extensionOf(name))) return 'type';
  if (size > max) return 'size';
  return null;
}

/** A name for a pasted image, which has none of its own ("screenshot-2024-05-01-120301.png"). */
export function pastedName(mime: string, base: string, now: Date): string {
  const ext = mime === 'image/jpeg' ? 'jpg' : mime === 'image/gif' ? 'gif' : mime === 'image/bmp' ? 'bmp' : 'png';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${base}-${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}.${ext}`;
}

export interface UploadError {
  status: number; // 0: the network failed
  code: string;
  message: string;
  field: string | null;
}

/** POSTs `body` to `url`; resolves with the server's `file`, rejects with an UploadError. */
export function uploadFile(url: string, body: Blob, headers: Record<string, string>, onProgress: (fraction: number) => void): Promise<FileInfo> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject({ status: 0, code: 'network', message: '', field: null } satisfies UploadError);
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON */
      }
      const file = isObj(body) ? parseFileInfo(body.file) : null;
      if (xhr.status === 201 && file) return resolve(file);
      const e = isObj(body) && isObj(body.error) ? body.error : {};
      reject({
        status: xhr.status,
        code: typeof e.code === 'string' ? e.code : 'error',
        message: typeof e.message === 'string' ? e.message : '',
        field: typeof e.field === 'string' ? e.field : null,
      } satisfies UploadError);
    };
    xhr.send(body);
  });
}

/** Why a file did not go: refused here before the upload ('type', 'size') or by the daemon. */
export type UploadProblem = 'type' | 'size' | 'content' | 'failed';

/** A composer's upload: its progress 0..1, or null once it ended with `error`. */
export interface UploadState {
  name: string;
  progress: number | null;
  error: string | null;
}

export interface UploadJob {
  /** The size limit checked before uploading. */
  max: number;
  /** Starts the upload (the panel's and the visitor's endpoints differ); null: cannot now ('failed'). */
  upload: ((onProgress: (fraction: number) => void) => Promise<FileInfo>) | null;
  /** The composer's upload state; null once the file is posted. */
  set(u: UploadState | null): void;
  post(file: FileInfo): void;
  /** The sentence for the sender, in the UI's language; `e` is the daemon's refusal, if any. */
  explain(problem: UploadProblem, e: UploadError | null): string;
}

/** Checks a picked or pasted file, uploads it with progress, then posts it; refusals are explained. */
export function runUpload(blob: Blob, name: string, job: UploadJob): void {
  const fail = (problem: UploadProblem, e: UploadError | null) => job.set({ name, progress: null, error: job.explain(problem, e) });
  const local = localFileProblem(name, blob.size, job.max);
  if (local) return fail(local, null);
  if (!job.upload) return fail('failed', null);
  job.set({ name, progress: 0, error: null });
  job.upload((p) => job.set({ name, progress: p, error: null })).then(
    (file) => {
      job.post(file);
      job.set(null);
    },
    (e: UploadError) => fail(e.status === 413 ? 'size' : e.field !== 'file' ? 'failed' : /not allowed/.test(e.message) ? 'type' : 'content', e),
  );
}

/** The image pasted into a composer (a screenshot), or null; a found one is claimed from the page. */
export function pastedImage(e: ClipboardEvent): File | null {
  for (const item of Array.from(e.clipboardData?.items ?? [])) {
    const f = item.kind === 'file' ? item.getAsFile() : null;
    if (f && f.type.startsWith('image/')) {
      e.preventDefault();
      return f;
    }
  }
  return null;
}
