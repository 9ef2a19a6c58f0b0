// Thin JSON client for the daemon's REST API (daemon/http/api.md). It knows about the
// CSRF token and the error shape; it knows nothing about pages, so it can be unit-tested
// with a stubbed fetch.

export type ErrorCode =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'limit'
  | 'unavailable'
  | 'internal'
  | 'network';

const kKnownCodes: ReadonlySet<string> = new Set<ErrorCode>([
  'invalid',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'too_large',
  'limit',
  'unavailable',
  'internal',
  'network',
]);

const kCodeByStatus: Record<number, ErrorCode> = {
  400: 'invalid',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'too_large',
  429: 'limit',
  503: 'unavailable',
};

export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly field: string | undefined;
  /** Seconds from a Retry-After header (rate limits), when the server sent one. */
  readonly retryAfter: number | undefined;

  constructor(status: number, code: ErrorCode, message: string, field?: string, retryAfter?: number) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.retryAfter = retryAfter;
  }
}

export function codeForStatus(status: number): ErrorCode {
  return kCodeByStatus[status] ?? (status === 0 ? 'network' : 'internal');
}

/** Builds an ApiError from a failed response's status, body text and Retry-After header. */
export function errorFromResponse(status: number, bodyText: string, retryAfterHeader: string | null): ApiError {
  let code = codeForStatus(status);
  let message = '';
  let field: string | undefined;
  try {
    const parsed: unknown = JSON.parse(bodyText);
    const err = (parsed as { error?: unknown } | null)?.error;
    if (err && typeof err === 'object') {
      const e = err as Record<string, unknown>;
      if (typeof e.code === 'string' && kKnownCodes.has(e.code)) code = e.code as ErrorCode;
      if (typeof e.message === 'string') message = e.message;
      if (typeof e.field === 'string' && e.field !== '') field = e.field;
    }
  } catch {
    // A proxy's HTML error page or an empty body: the status alone decides.
  }
  if (message === '') message = `HTTP ${status}`;
  const seconds = retryAfterHeader !== null ? Number.parseInt(retryAfterHeader, 10) : Number.NaN;
  return new ApiError(status, code, message, field, Number.isFinite(seconds) ? seconds : undefined);
}

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface ApiClientOptions {
  fetch?: FetchLike;
  /** Called on a 401 from any request not marked `auth: true` (sign-in itself). */
  onUnauthorized?: (err: ApiError) => void;
}

export interface RequestOptions {
  /** A sign-in style request: its 401 means "wrong credentials", not "session gone". */
  auth?: boolean;
}

export class ApiClient {
  private csrf_ = '';
  private readonly fetch_: FetchLike;
  private onUnauthorized_: ((err: ApiError) => void) | undefined;

  constructor(options: ApiClientOptions = {}) {
    this.fetch_ = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.onUnauthorized_ = options.onUnauthorized;
  }

  setCsrf(token: string): void {
    this.csrf_ = token;
  }

  get csrf(): string {
    return this.csrf_;
  }

  setOnUnauthorized(handler: ((err: ApiError) => void) | undefined): void {
    this.onUnauthorized_ = handler;
  }

  get<T>(path: string, opts?: RequestOptions): Promise<T> {
    return this.request<T>('GET', path, undefined, opts);
  }
  post<T>(path: string, body?: unknown, opts?: RequestOptions): Promise<T> {
    return this.request<T>('POST', path, body, opts);
  }
  put<T>(path: string, body?: unknown, opts?: RequestOptions): Promise<T> {
    return this.request<T>('PUT', path, body, opts);
  }
  patch<T>(path: string, body?: unknown, opts?: RequestOptions): Promise<T> {
    return this.request<T>('PATCH', path, body, opts);
  }
  delete<T>(path: string, opts?: RequestOptions): Promise<T> {
    return this.request<T>('DELETE', path, undefined, opts);
  }

  async request<T>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && method !== 'HEAD' && this.csrf_ !== '') headers['X-CSRF-Token'] = this.csrf_;
    const init: RequestInit = { method, headers, credentials: 'same-origin' };
    if (body !== undefined) init.body = JSON.stringify(body);

    let response: Response;
    try {
      response = await this.fetch_(path, init);
    } catch (e) {
      throw new ApiError(0, 'network', e instanceof Error ? e.message : String(e));
    }
    const text = await response.text();
    if (!response.ok) {
      const err = errorFromResponse(response.status, text, response.headers.get('Retry-After'));
      if (err.status === 401 && !opts.auth) this.onUnauthorized_?.(err);
      throw err;
    }
    let data: unknown = {};
    if (text !== '') {
      try {
        data = JSON.parse(text);
      } catch {
        throw new ApiError(response.status, 'internal', 'malformed JSON in response');
      }
    }
    // Sign-in, invitation accept and /me hand out the session's CSRF token.
    const csrf = (data as { csrf?: unknown } | null)?.csrf;
    if (typeof csrf === 'string' && csrf !== '') this.csrf_ = csrf;
    return data as T;
  }
}

/** Encodes one path segment (site ids, e-mails used as user ids). */
export function seg(value: string | number): string {
  return encodeURIComponent(String(value));
}
