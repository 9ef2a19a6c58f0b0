// Working-hours editor. All rules live in hours_model.ts; this file only renders a draft.
import { useState } from 'preact/hooks';
import { ApiError } from '../../shared/api.ts';
import { useApp } from '../app_context.ts';
import { Badge, ErrorBox, Field, Notice, Spinner, useAsync } from '../components/ui.tsx';
import { errorText } from '../errors.ts';
import {
  draftFromHours,
  hoursFromDraft,
  kCommonTimezones,
  kWeekdays,
  nextInterval,
  validateDraft,
  type Hours,
  type HoursDraft,
  type Interval,
  type Problem,
} from '../hours_model.ts';
import type { Key } from '../i18n/index.ts';
import { canManage, type Site } from '../panel_api.ts';

export function HoursTab({ site }: { site: Site }) {
  const { api, t } = useApp();
  const hours = useAsync(() => api.hours(site.id), [site.id]);
  if (hours.loading && !hours.data) return <Spinner label={t('common.loading')} />;
  if (!hours.data) return <ErrorBox message={errorText(hours.error, t)} />;
  return <HoursEditor site={site} initial={hours.data} onSaved={hours.setData} />;
}

function problemText(kind: Problem['kind'], t: (k: Key) => string): string {
  return t(`hours.err_${kind}` as Key);
}

function HoursEditor({ site, initial, onSaved }: { site: Site; initial: Hours; onSaved: (h: Hours) => void }) {
  const { api, t } = useApp();
  const readOnly = site.managed_by_config || !canManage(site.role);
  const [draft, setDraft] = useState<HoursDraft>(() => draftFromHours(initial, site.timezone));
  const [tried, setTried] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const edit = (fn: (d: HoursDraft) => void) => {
    setSaved(false);
    setDraft((d) => {
      const copy = structuredClone(d);
      fn(copy);
      return copy;
    });
  };

  const problems = validateDraft(draft);
  const shown = tried ? problems : [];
  const problemAt = (path: string) => shown.find((p) => p.path === path);
  const serverField = error instanceof ApiError ? error.field : undefined;

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setTried(true);
    if (readOnly || problems.length > 0) return;
    setBusy(true);
    setError(null);
    try {
      const h = await api.setHours(site.id, hoursFromDraft(draft));
      onSaved(h);
      setDraft(draftFromHours(h, site.timezone));
      setTried(false);
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const tz = problemAt('timezone');
  return (
    <form class="form hours" onSubmit={onSubmit} noValidate data-testid="hours-form">
      <div class="hours__status">
        {initial.open_now === true && (
          <Badge kind="ok" testid="open-now">
            ● {t('hours.open_now')}
          </Badge>
        )}
        {initial.open_now === false && (
          <Badge kind="danger" testid="open-now">
            ● {t('hours.closed_now')}
          </Badge>
        )}
        {site.managed_by_config && <Badge kind="info">{t('site.managed')}</Badge>}
      </div>
      {site.managed_by_config && <div class="alert alert--info">{t('site.managed_hint')}</div>}

      <fieldset class="panel" disabled={readOnly}>
        <Field id="hours-timezone" label={t('hours.timezone')} error={tz ? problemText(tz.kind, t) : null} invalid={serverField === 'timezone'}>
          <input
            id="hours-timezone"
            data-testid="hours-timezone"
            list="hours-timezones"
            autocomplete="off"
            value={draft.timezone}
            onInput={(e) => {
              const v = (e.currentTarget as HTMLInputElement).value;
              edit((d) => void (d.timezone = v));
            }}
          />
          <datalist id="hours-timezones">
            {kCommonTimezones.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
        </Field>
        <label class="check">
          <input
            type="checkbox"
            data-testid="hours-always-open"
            checked={draft.alwaysOpen}
            onChange={(e) => {
              const on = (e.currentTarget as HTMLInputElement).checked;
              edit((d) => void (d.alwaysOpen = on));
            }}
          />
          <span>{t('hours.always_open')}</span>
        </label>
      </fieldset>

      {!draft.alwaysOpen && (
        <fieldset class="panel" disabled={readOnly}>
          <legend class="panel__legend">{t('hours.weekly')}</legend>
          {kWeekdays.map((day) => (
            <div class="hours__day" key={day} data-testid={`hours-day-${day}`}>
              <div class="hours__dayname">{t(`day.${day}` as Key)}</div>
              <IntervalList
                list={draft.weekly[day]}
                path={`weekly.${day}`}
                problemAt={problemAt}
                onChange={(fn) => edit((d) => fn(d.weekly[day]))}
                testid={`hours-${day}`}
              />
            </div>
          ))}
        </fieldset>
      )}

      <fieldset class="panel" disabled={readOnly}>
        <legend class="panel__legend">{t('hours.exceptions')}</legend>
        <p class="muted">{t('hours.exceptions_hint')}</p>
        {draft.exceptions.map((ex, i) => {
          const dateProblem = problemAt(`exceptions.${i}.date`);
          return (
            <div class="hours__exception" key={i} data-testid="hours-exception">
              <div class={dateProblem ? 'field field--error hours__date' : 'field hours__date'}>
                <label for={`ex-date-${i}`}>{t('hours.date')}</label>
                <input
                  id={`ex-date-${i}`}
                  type="date"
                  data-testid="hours-exception-date"
                  value={ex.date}
                  onInput={(e) => {
                    const v = (e.currentTarget as HTMLInputElement).value;
                    edit((d) => void (d.exceptions[i]!.date = v));
                  }}
                />
                {dateProblem && <div class="field__error">{problemText(dateProblem.kind, t)}</div>}
              </div>
              <label class="check hours__closed">
                <input
                  type="checkbox"
                  data-testid="hours-exception-closed"
                  checked={ex.closed}
                  onChange={(e) => {
                    const on = (e.currentTarget as HTMLInputElement).checked;
                    edit((d) => {
                      const x = d.exceptions[i]!;
                      x.closed = on;
                      if (!on && x.intervals.length === 0) x.intervals.push({ start: '10:00', end: '16:00' });
                    });
                  }}
                />
                <span>{t('hours.closed')}</span>
              </label>
              {!ex.closed && (
                <IntervalList
                  list={ex.intervals}
                  path={`exceptions.${i}.intervals`}
                  problemAt={problemAt}
                  onChange={(fn) => edit((d) => fn(d.exceptions[i]!.intervals))}
                  testid={`hours-exception-${i}`}
                />
              )}
              <button
                type="button"
                class="icon-btn"
                title={t('hours.remove_exception')}
                aria-label={t('hours.remove_exception')}
                data-testid="hours-remove-exception"
                onClick={() => edit((d) => void d.exceptions.splice(i, 1))}
              >
                ×
              </button>
            </div>
          );
        })}
        <button
          type="button"
          class="btn btn--secondary btn--small"
          data-testid="hours-add-exception"
          onClick={() => edit((d) => void d.exceptions.push({ date: '', closed: true, intervals: [] }))}
        >
          {t('hours.add_exception')}
        </button>
      </fieldset>

      {/* Next to the button: the form is long and the top is out of view when saving. */}
      <ErrorBox message={error ? errorText(error, t) : tried && problems.length > 0 ? t('hours.fix_errors') : null} testid="hours-error" />
      <Notice message={saved ? t('common.saved') : null} testid="hours-saved" />
      {!readOnly && (
        <div class="form__actions">
          <button type="submit" class="btn btn--primary" data-testid="hours-save" disabled={busy}>
            {busy ? t('common.saving') : t('common.save')}
          </button>
        </div>
      )}
    </form>
  );
}

interface IntervalListProps {
  list: Interval[];
  path: string;
  problemAt: (path: string) => Problem | undefined;
  onChange: (fn: (list: Interval[]) => void) => void;
  testid: string;
}

function IntervalList({ list, path, problemAt, onChange, testid }: IntervalListProps) {
  const { t } = useApp();
  return (
    <div class="intervals" data-testid={testid}>
      {list.length === 0 && <span class="muted intervals__off">{t('hours.day_off')}</span>}
      {list.map((iv, i) => {
        const p = problemAt(`${path}.${i}`);
        return (
          <div class={p ? 'interval interval--error' : 'interval'} key={i}>
            <input
              class="time"
              inputMode="numeric"
              placeholder="09:00"
              maxLength={5}
              aria-label={t('hours.from')}
              data-testid="interval-start"
              value={iv.start}
              onInput={(e) => {
                const v = (e.currentTarget as HTMLInputElement).value;
                onChange((l) => void (l[i]!.start = v));
              }}
            />
            <span class="interval__dash">–</span>
            <input
              class="time"
              inputMode="numeric"
              placeholder="18:00"
              maxLength={5}
              aria-label={t('hours.to')}
              data-testid="interval-end"
              value={iv.end}
              onInput={(e) => {
                const v = (e.currentTarget as HTMLInputElement).value;
                onChange((l) => void (l[i]!.end = v));
              }}
            />
            <button
              type="button"
              class="icon-btn"
              title={t('hours.remove_interval')}
              aria-label={t('hours.remove_interval')}
              data-testid="interval-remove"
              onClick={() => onChange((l) => void l.splice(i, 1))}
            >
              ×
            </button>
            {p && <span class="interval__error">{t(`hours.err_${p.kind}` as Key)}</span>}
          </div>
        );
      })}
      <button
        type="button"
        class="btn btn--link btn--small"
        data-testid="interval-add"
        onClick={() => onChange((l) => void l.push(nextInterval(l)))}
      >
        {t('hours.add_interval')}
      </button>
    </div>
  );
}
