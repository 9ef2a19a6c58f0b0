// Path matching for the panel's client-side routes. Pure functions; the DOM side
// (history, link clicks) lives in use_location.ts.

export const kBase = '/app';

export type Params = Record<string, string>;

/**
 * Matches a pattern like "/sites/:site/:tab" against a path. Segments are compared
 * after percent-decoding; a trailing slash is ignored. Returns the parameters or null.
 */
export function matchPath(pattern: string, path: string): Params | null {
  const want = splitPath(pattern);
  const have = splitPath(path);
  if (want.length !== have.length) return null;
  const params: Params = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string;
    let h: string;
    try {
      h = decodeURIComponent(have[i] as string);
    } catch {
      return null;
    }
    if (w.startsWith(':')) {
      if (h === '') return null;
      params[w.slice(1)] = h;
    } else if (w !== h) {
      return null;
    }
  }
  return params;
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

/** "/app/sites/x" -> "/sites/x"; anything outside the base maps to "/". */
export function stripBase(pathname: string, base: string = kBase): string {
  if (pathname === base || pathname === base + '/') return '/';
  if (pathname.startsWith(base + '/')) return pathname.slice(base.length);
  return '/';
}

/** Joins the base and an app path: "/sites" -> "/app/sites". */
export function withBase(path: string, base: string = kBase): string {
  return base + (path.startsWith('/') ? path : '/' + path);
}

export interface Route<T> {
  pattern: string;
  value: T;
}

export interface Match<T> {
  value: T;
  params: Params;
}

/** First route whose pattern matches, in declaration order. */
export function resolve<T>(routes: readonly Route<T>[], path: string): Match<T> | null {
  for (const r of routes) {
    const params = matchPath(r.pattern, path);
    if (params) return { value: r.value, params };
  }
  return null;
}

/** Only same-app relative targets are accepted, so `?next=` cannot send users off-site. */
export function safeNext(next: string | null | undefined): string | null {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.includes('\\')) return null;
  return next;
}
