import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Language } from '../shared/i18n.ts';
import type { T } from './i18n/index.ts';
import type { Me, PanelApi, User } from './panel_api.ts';

export interface AppState {
  api: PanelApi;
  t: T;
  lang: Language;
  /** Language before sign-in (the sign-in page's switcher). */
  setLang: (lang: Language) => void;
  me: Me | null;
  /** After sign-in / invitation accept: loads /me and enters the app. */
  signedIn: (next?: string) => Promise<void>;
  /** After a profile change. */
  updateUser: (user: User) => void;
  /** Re-reads /me (e.g. after adding a site). */
  refreshMe: () => Promise<void>;
  signOut: () => Promise<void>;
}

export const AppContext = createContext<AppState | null>(null);

export function useApp(): AppState {
  const app = useContext(AppContext);
  if (!app) throw new Error('useApp outside AppContext');
  return app;
}
