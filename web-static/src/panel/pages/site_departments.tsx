import { useState } from 'preact/hooks';
import { useApp } from '../app_context.ts';
import { Badge, ErrorBox, Field, Input, Spinner, useAsync } from '../components/ui.tsx';
import { errorText } from '../errors.ts';
import { canManage, type Department, type Operator, type Site } from '../panel_api.ts';

export function DepartmentsTab({ site }: { site: Site }) {
  const { api, t } = useApp();
  const deps = useAsync(() => api.departments(site.id), [site.id]);
  const ops = useAsync(() => api.operators(site.id), [site.id]);
  const [error, setError] = useState<unknown>(null);
  const manage = canManage(site.role);

  const replace = (d: Department) => deps.data && deps.setData(deps.data.map((x) => (x.slug === d.slug ? d : x)));

  const toggle = async (dep: Department, userId: number, on: boolean) => {
    const operators = on ? [...dep.operators, userId] : dep.operators.filter((id) => id !== userId);
    setError(null);
    replace({ ...dep, operators }); // optimistic; the answer or a reload corrects it
    try {
      replace(await api.updateDepartment(site.id, dep.slug, { operators }));
    } catch (err) {
      setError(err);
      deps.reload();
    }
  };

  const remove = async (dep: Department) => {
    if (!window.confirm(t('departments.delete_confirm', { name: dep.name }))) return;
    setError(null);
    try {
      await api.deleteDepartment(site.id, dep.slug);
      if (deps.data) deps.setData(deps.data.filter((x) => x.slug !== dep.slug));
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div class="stack">
      {manage && <CreateDepartment site={site} onCreated={(d) => deps.setData([...(deps.data ?? []), d])} />}
      <ErrorBox message={error ? errorText(error, t) : null} testid="departments-error" />
      {deps.loading && !deps.data && <Spinner label={t('common.loading')} />}
      {deps.error !== null && !deps.data && <ErrorBox message={errorText(deps.error, t)} />}
      {deps.data && deps.data.length === 0 && <p class="muted">{t('departments.empty')}</p>}
      {deps.data?.map((dep) => (
        <DepartmentCard
          key={dep.slug}
          dep={dep}
          operators={ops.data ?? []}
          editable={manage && !dep.managed_by_config}
          onToggle={(id, on) => void toggle(dep, id, on)}
          onDelete={() => void remove(dep)}
        />
      ))}
    </div>
  );
}

interface CardProps {
  dep: Department;
  operators: Operator[];
  editable: boolean;
  onToggle: (userId: number, on: boolean) => void;
  onDelete: () => void;
}

function DepartmentCard({ dep, operators, editable, onToggle, onDelete }: CardProps) {
  const { t } = useApp();
  return (
    <section class="panel" data-testid="department-row" data-slug={dep.slug}>
      <div class="panel__head">
        <h2>
          {dep.name} <span class="muted small">{t('departments.count', { count: dep.operators.length })}</span>
        </h2>
        <div class="panel__tools">
          {dep.managed_by_config && <Badge kind="info">{t('site.managed')}</Badge>}
          {editable && (
            <button type="button" class="btn btn--danger-ghost btn--small" data-testid="delete-department" onClick={onDelete}>
              {t('common.delete')}
            </button>
          )}
        </div>
      </div>
      <fieldset class="checklist" disabled={!editable}>
        <legend class="sr-only">{t('departments.operators')}</legend>
        {operators.length === 0 && <p class="muted">{t('departments.no_operators')}</p>}
        {operators.map((op) => (
          <label key={op.user_id} class="check">
            <input
              type="checkbox"
              data-testid="department-operator"
              data-email={op.email}
              checked={dep.operators.includes(op.user_id)}
              onChange={(e) => onToggle(op.user_id, (e.currentTarget as HTMLInputElement).checked)}
            />
            <span class="person">
              <span>{op.name || op.email}</span>
              {op.name && <span class="person__email">{op.email}</span>}
            </span>
          </label>
        ))}
      </fieldset>
    </section>
  );
}

function CreateDepartment({ site, onCreated }: { site: Site; onCreated: (d: Department) => void }) {
  const { api, t } = useApp();
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    if (name.trim() === '') return;
    setBusy(true);
    setError(null);
    try {
      onCreated(await api.addDepartment(site.id, name.trim()));
      setName('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="panel form" onSubmit={onSubmit} noValidate>
      <h2>{t('departments.create')}</h2>
      <ErrorBox message={error ? errorText(error, t) : null} />
      <div class="form__row form__row--end">
        <Field id="department-name" label={t('departments.name')}>
          <Input id="department-name" testid="department-name" value={name} onValue={setName} maxLength={200} />
        </Field>
        <button type="submit" class="btn btn--primary" data-testid="department-submit" disabled={busy || name.trim() === ''}>
          {t('departments.create')}
        </button>
      </div>
    </form>
  );
}
