// Small building blocks shared by the pages. Text is always passed as children or
// attributes, so Preact escapes it; nothing here injects HTML.
import type { ComponentChildren, InputHTMLAttributes } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { kLanguages, type Language } from '../../shared/i18n.ts';
import type { T } from '../i18n/index.ts';

interface FieldProps {
  label: string;
  hint?: string;
  error?: string | null;
  children: ComponentChildren;
  id: string;
  /** Marks the field without a message of its own (the form's error box says why). */
  invalid?: boolean;
}

export function Field({ label, hint, error, children, id, invalid }: FieldProps) {
  return (
    <div class={error || invalid ? 'field field--error' : 'field'}>
      <label for={id}>{label}</label>
      {children}
      {hint && !error && <div class="field__hint">{hint}</div>}
      {error && (
        <div class="field__error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}

type InputProps = InputHTMLAttributes<HTMLInputElement> & { testid?: string; onValue?: (v: string) => void };

export function Input({ testid, onValue, ...rest }: InputProps) {
  return (
    <input
      data-testid={testid}
      onInput={onValue ? (e) => onValue((e.currentTarget as HTMLInputElement).value) : undefined}
      {...rest}
    />
  );
}

/** A language picker (the profile's UI language, a site's widget language); `id` is also the test id. */
export function LanguageSelect({ id, t, value, onValue, disabled }: { id: string; t: T; value: Language; onValue: (l: Language) => void; disabled?: boolean }) {
  return (
    <select id={id} data-testid={id} value={value} disabled={disabled} onChange={(e) => onValue((e.currentTarget as HTMLSelectElement).value as Language)}>
      {kLanguages.map((l) => (
        <option key={l} value={l}>
          {t(`lang.${l}`)}
        </option>
      ))}
    </select>
  );
}

export function ErrorBox({ message, testid = 'form-error' }: { message: string | null; testid?: string }) {
  if (!message) return null;
  return (
    <div class="alert alert--error" role="alert" data-testid={testid}>
      {message}
    </div>
  );
}

export function Notice({ message, testid = 'form-notice' }: { message: string | null; testid?: string }) {
  if (!message) return null;
  return (
    <div class="alert alert--ok" role="status" data-testid={testid}>
      {message}
    </div>
  );
}

export function Badge({ children, kind = 'neutral', testid }: { children: ComponentChildren; kind?: string; testid?: string }) {
  return (
    <span class={`badge badge--${kind}`} data-testid={testid}>
      {children}
    </span>
  );
}

export function Spinner({ label }: { label: string }) {
  return (
    <div class="loading" role="status" aria-live="polite">
      <span class="loading__dot" />
      {label}
    </div>
  );
}

export interface Async<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  setData: (d: T) => void;
}

/** Runs `load` on mount and whenever `deps` change; stale answers are dropped. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): Async<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let alive = true;
    setLoading(true);
    setError(null);
    load().then(
      (d) => {
        if (!alive) return;
        setData(d);
        setLoading(false);
      },
      (e: unknown) => {
        if (!alive) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => {
      alive = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, loading, reload, setData };
}

/** Copies text: the async Clipboard API where allowed, else a hidden textarea + execCommand. */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Permission denied or not focused: fall through to the old way.
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'offscreen';
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

interface CopyButtonProps {
  text: string;
  label: string;
  copiedLabel: string;
  failedLabel: string;
  testid: string;
}

export function CopyButton({ text, label, copiedLabel, failedLabel, testid }: CopyButtonProps) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = window.setTimeout(() => setState('idle'), 2500);
    return () => window.clearTimeout(timer);
  }, [state]);
  const onClick = async () => setState((await copyText(text)) ? 'copied' : 'failed');
  return (
    <span class="copy">
      <button type="button" class="btn btn--secondary btn--small" data-testid={testid} onClick={onClick}>
        {label}
      </button>
      {state === 'copied' && (
        <span class="copy__ok" role="status" data-testid={`${testid}-done`}>
          ✓ {copiedLabel}
        </span>
      )}
      {state === 'failed' && (
        <span class="copy__fail" role="alert">
          {failedLabel}
        </span>
      )}
    </span>
  );
}
