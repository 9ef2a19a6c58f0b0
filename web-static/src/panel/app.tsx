// The panel's shell: session state, language, routing and the header.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiClient, ApiError } from '../shared/api.ts';
import { detectLanguage, isLanguage, type Language } from '../shared/i18n.ts';
import { AppContext, type AppState } from './app_context.ts';
import { Spinner } from './components/ui.tsx';
import { translatorFor } from './i18n/index.ts';
import { navigate, useLocation } from './location.ts';
import { Shell } from './components/shell.tsx';
import { PanelApi, type Me, type User } from './panel_api.ts';
import { resolve, safeNext, stripBase, type Params, type Route } from './router.ts';
import { ForgotPage } from './pages/forgot.tsx';
import { InvitePage } from './pages/invite.tsx';
import { PhoneCallPage } from './pages/phone_call.tsx';
import { LoginPage } from './pages/login.tsx';
import { NotFoundPage } from './pages/not_found.tsx';
import { ProfilePage } from './pages/profile.tsx';
import { ResetPage } from './pages/reset.tsx';
import { SitePage } from './pages/site.tsx';
import { SitesPage } from './pages/sites.tsx';
import { HistoryPage, ImportantPage } from './pages/archive.tsx';
import { DialogsPage } from './pages/dialogs.tsx';
import { BlockedPage, GroupDialogsPage, TeamPage } from './pages/sections.tsx';
import { VisitorsPage } from './pages/visitors.tsx';
import { ChatProvider } from './chat/chat_context.tsx';
import type { FunctionComponent } from 'preact';

interface Page {
  component: FunctionComponent<{ params: Params; query: URLSearchParams }>;
  /** Reachable without a session. */
  public?: boolean;
}

const kRoutes: Route<Page>[] = [
  { pattern: '/login', value: { component: LoginPage, public: true } },
  { pattern: '/forgot', value: { component: ForgotPage, public: true } },
  { pattern: '/reset', value: { component: ResetPage, public: true } },
  { pattern: '/invite', value: { component: InvitePage, public: true } },
  // A phone taking a call by the QR code's one-time link (F23): the token is the authority.
  { pattern: '/call/:token', value: { component: PhoneCallPage, public: true } },
  { pattern: '/', value: { component: SitesPage } },
  { pattern: '/sites', value: { component: SitesPage } },
  { pattern: '/sites/:site', value: { component: SitePage } },
  { pattern: '/sites/:site/:tab', value: { component: SitePage } },
  { pattern: '/profile', value: { component: ProfilePage } },
  { pattern: '/visitors', value: { component: VisitorsPage } },
  { pattern: '/dialogs', value: { component: DialogsPage } },
  { pattern: '/dialogs/:id', value: { component: DialogsPage } },
  { pattern: '/history', value: { component: HistoryPage } },
  { pattern: '/history/:id', value: { component: HistoryPage } },
  { pattern: '/important', value: { component: ImportantPage } },
  { pattern: '/important/:id', value: { component: ImportantPage } },
  { pattern: '/team', value: { component: TeamPage } },
  { pattern: '/group', value: { component: GroupDialogsPage } },
  { pattern: '/blocked', value: { component: BlockedPage } },
];

const kLangKey = 'callpy.lang';

function initialLanguage(): Language {
  try {
    const saved = localStorage.getItem(kLangKey);
    if (isLanguage(saved)) return saved;
  } catch {
    // Storage may be blocked; the browser language will do.
  }
  return detectLanguage(navigator.language);
}

function isPublicPath(path: string): boolean {
  return resolve(kRoutes, path)?.value.public === true;
}

function goToSignIn(): void {
  const here = stripBase(location.pathname) + location.search;
  const next = here === '/' || here === '' ? '' : `?next=${encodeURIComponent(here)}`;
  navigate(`/login${next}`, true);
}

export function App() {
  const loc = useLocation();
  const [me, setMe] = useState<Me | null>(null);
  const [booting, setBooting] = useState(true);
  const [lang, setLangState] = useState<Language>(initialLanguage);
  const apiRef = useRef<PanelApi | null>(null);
  if (!apiRef.current) apiRef.current = new PanelApi(new ApiClient());
  const api = apiRef.current;

  // A 401 anywhere means the session is gone (signed out elsewhere, or the operator was
  // disabled): drop the state and show the sign-in page.
  useEffect(() => {
    api.client.setOnUnauthorized(() => {
      setMe(null);
      api.client.setCsrf('');
      if (!isPublicPath(stripBase(location.pathname))) goToSignIn();
    });
  }, [api]);

  useEffect(() => {
    api
      .me({ auth: true })
      .then((m) => {
        setMe(m);
        if (isLanguage(m.user.language)) setLangState(m.user.language);
      })
      .catch((e: unknown) => {
        setMe(null);
        if (!(e instanceof ApiError) || e.status !== 401) console.error(e);
      })
      .finally(() => setBooting(false));
  }, [api]);

  const t = useMemo(() => translatorFor(lang), [lang]);
  const match = resolve(kRoutes, loc.path);
  const page = match?.value;
  const needsSession = !page || !page.public;

  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  useEffect(() => {
    if (booting) return;
    if (!me && needsSession && page) goToSignIn();
    if (me && loc.path === '/login') navigate(safeNext(loc.query.get('next')) ?? '/sites', true);
  }, [booting, me, needsSession, page, loc.path]);

  const state: AppState = {
    api,
    t,
    lang,
    me,
    setLang: (l) => {
      setLangState(l);
      try {
        localStorage.setItem(kLangKey, l);
      } catch {
        // Not remembered across visits; fine.
      }
    },
    signedIn: async (next) => {
      const m = await api.me();
      setMe(m);
      if (isLanguage(m.user.language)) setLangState(m.user.language);
      navigate(safeNext(next) ?? '/sites', true);
    },
    updateUser: (user: User) => {
      setMe((m) => (m ? { ...m, user } : m));
      if (isLanguage(user.language)) setLangState(user.language);
    },
    refreshMe: async () => setMe(await api.me()),
    signOut: async () => {
      try {
        await api.logout();
      } catch {
        // The session may already be gone; signing out locally is what matters.
      }
      setMe(null);
      api.client.setCsrf('');
      navigate('/login', true);
    },
  };

  let body;
  if (booting || (needsSession && page && !me)) {
    body = <Spinner label={t('app.loading')} />;
  } else if (!page || !match) {
    body = me ? (
      <Shell>
        <NotFoundPage />
      </Shell>
    ) : (
      <NotFoundPage />
    );
  } else {
    const Component = page.component;
    const content = <Component params={match.params} query={loc.query} />;
    body = page.public ? content : <Shell>{content}</Shell>;
  }
  return (
    <AppContext.Provider value={state}>
      <ChatProvider>{body}</ChatProvider>
    </AppContext.Provider>
  );
}
