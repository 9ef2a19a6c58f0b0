// The signed-in operator's avatar (F6): GET/POST/DELETE /api/panel/profile/avatar, and one
// shared value so that the header follows a change made on the profile page.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, errorFromResponse } from '../shared/api.ts';
import type { PanelApi } from './panel_api.ts';

/** The avatar's URL path ("/api/avatars/ID"), null for none, undefined while unknown. */
let current: string | null | undefined;
let loading: Promise<void> | null = null;
const listeners = new Set<(v: string | null | undefined) => void>();

function publish(v: string | null) {
  current = v;
  for (const fn of listeners) fn(v);
}

const parse = (body: unknown): string | null => {
  const v = (body as { avatar?: unknown } | null)?.avatar;
  return typeof v === 'string' && /^\/api\/avatars\/\d+$/.test(v) ? v : null;
};

export function loadAvatar(api: PanelApi): Promise<void> {
  loading ??= api.client.get('/api/panel/profile/avatar').then(
    (b) => publish(parse(b)),
    () => {
      loading = null; // try again on the next mount
    },
  );
  return loading;
}

export async function uploadAvatar(api: PanelApi, blob: Blob, name: string): Promise<string | null> {
  let r: Response;
  try {
    r = await fetch(`/api/panel/profile/avatar?name=${encodeURIComponent(name)}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'X-CSRF-Token': api.client.csrf, 'Content-Type': 'application/octet-stream', Accept: 'application/json' },
      body: blob,
    });
  } catch (e) {
    throw new ApiError(0, 'network', e instanceof Error ? e.message : String(e));
  }
  const text = await r.text();
  if (!r.ok) throw errorFromResponse(r.status, text, r.headers.get('Retry-After'));
  const v = parse(JSON.parse(text));
  publish(v);
  return v;
}

export async function deleteAvatar(api: PanelApi): Promise<void> {
  await api.client.delete('/api/panel/profile/avatar');
  publish(null);
}

/** The current avatar of user `userId`, loaded on first use (reset when another user signs in). */
let owner: number | undefined;
export function useMyAvatar(api: PanelApi, userId: number | undefined): string | null | undefined {
  if (userId !== owner) {
    owner = userId;
    current = undefined;
    loading = null;
  }
  const [v, setV] = useState(current);
  useEffect(() => {
    listeners.add(setV);
    if (userId !== undefined) void loadAvatar(api);
    setV(current);
    return () => {
      listeners.delete(setV);
    };
  }, [api, userId]);
  return v;
}
