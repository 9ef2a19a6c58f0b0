// One operator client per signed-in user, shared by every page through a context: it
// connects when the user is known, stops on sign-out, and drives sound/notifications.
import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { browserLinkDeps } from '../../shared/link.ts';
import { randomId } from '../../shared/realtime.ts';
import { prefixedStore, safeStorage } from '../../shared/storage.ts';
import { useApp } from '../app_context.ts';
import { navigate } from '../location.ts';
import type { PanelApi } from '../panel_api.ts';
import { attachAlerts } from './alerts.ts';
import { OperatorClient, type OperatorState } from './operator_client.ts';
import { SettingsStore, type AlertSettings } from './settings.ts';
import { PreferencesStore, type PreferencesView } from './preferences.ts';

export interface ChatContextValue {
  client: OperatorClient;
  state: OperatorState;
  settings: SettingsStore;
  alerts: AlertSettings;
  /** The operator's preferences kept by the daemon (alerts per event, sound, quick buttons). */
  prefs: PreferencesStore;
  preferences: PreferencesView;
}

const ChatContext = createContext<ChatContextValue | null>(null);

export function useChat(): ChatContextValue {
  const v = useContext(ChatContext);
  if (!v) throw new Error('useChat outside ChatProvider');
  return v;
}

/** Null outside a signed-in session (public pages). */
export function useOptionalChat(): ChatContextValue | null {
  return useContext(ChatContext);
}

function operatorSocketUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws/operator`;
}

function createClient(api: PanelApi, userId: number): OperatorClient {
  return new OperatorClient({
    ...browserLinkDeps(operatorSocketUrl()),
    newId: randomId,
    store: prefixedStore(safeStorage(() => localStorage), `callpy.panel.${userId}.`),
    rest: {
      openDialogs: () => api.dialogs('open'),
      messages: (dialog, after, limit) => api.dialogMessages(dialog, after, limit),
    },
  });
}

export function ChatProvider({ children }: { children: ComponentChildren }) {
  const { api, me, t } = useApp();
  const userId = me?.user.id ?? null;
  const settings = useMemo(() => new SettingsStore(prefixedStore(safeStorage(() => localStorage), 'callpy.panel.')), []);
  const client = useMemo(() => (userId === null ? null : createClient(api, userId)), [api, userId]);
  const [state, setState] = useState<OperatorState | null>(client?.snapshot ?? null);
  const [alerts, setAlerts] = useState(settings.current);
  const prefs = useMemo(
    () =>
      new PreferencesStore({
        get: () => api.client.get('/api/panel/me/preferences'),
        patch: (body) => api.client.patch('/api/panel/me/preferences', body),
      }),
    [api, userId],
  );
  const [preferences, setPreferences] = useState(prefs.current);
  const prefsRef = useRef(prefs);
  prefsRef.current = prefs;
  const tRef = useRef(t);
  tRef.current = t;

  useEffect(() => settings.subscribe(setAlerts), [settings]);
  useEffect(() => {
    setPreferences(prefs.current);
    const off = prefs.subscribe(setPreferences);
    if (userId !== null) void prefs.load();
    return off;
  }, [prefs, userId]);

  useEffect(() => {
    if (!client) {
      setState(null);
      return;
    }
    setState(client.snapshot);
    const off = client.subscribe(setState);
    const detach = attachAlerts(client, settings, () => prefsRef.current.current.value, () => tRef.current, (d) => navigate(d === null ? '/dialogs' : `/dialogs/${d}`));
    const online = () => client.reconnectNow();
    window.addEventListener('online', online);
    client.start();
    return () => {
      window.removeEventListener('online', online);
      detach();
      off();
      client.stop();
    };
  }, [client, settings]);

  const value = client && state ? { client, state, settings, alerts, prefs, preferences } : null;
  return <ChatContext.Provider value={value}>{children}</ChatContext.Provider>;
}
