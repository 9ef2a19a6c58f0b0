import { useState } from 'preact/hooks';
import { useApp } from '../app_context.ts';
import { Badge, ErrorBox, Field, Input, Notice, Spinner, useAsync } from '../components/ui.tsx';
import { errorText } from '../errors.ts';
import { canManage, kRoles, type Operator, type Role, type Site } from '../panel_api.ts';

export function OperatorsTab({ site }: { site: Site }) {
  const { api, t, me } = useApp();
  const ops = useAsync(() => api.operators(site.id), [site.id]);
  const [error, setError] = useState<unknown>(null);
  const [busyId, setBusyId] = useState<number | null>(null);
  const manage = canManage(site.role);
  // Only an owner may hand out (or take away) the owner role.
  const grantable = kRoles.filter((r) => r !== 'owner' || site.role === 'owner');

  const replace = (op: Operator) => {
    if (ops.data) ops.setData(ops.data.map((o) => (o.user_id === op.user_id ? op : o)));
  };

  const act = async (op: Operator, action: () => Promise<Operator>) => {
    setBusyId(op.user_id);
    setError(null);
    try {
      replace(await action());
    } catch (err) {
      setError(err);
      ops.reload();
    } finally {
      setBusyId(null);
    }
  };

  return (
    <div class="stack">
      {manage && (
        <InviteForm
          site={site}
          roles={grantable}
          onInvited={(op) => ops.setData([...(ops.data ?? []).filter((o) => o.user_id !== op.user_id), op])}
        />
      )}
      <ErrorBox message={error ? errorText(error, t) : null} testid="operators-error" />
      {ops.loading && !ops.data && <Spinner label={t('common.loading')} />}
      {ops.error !== null && !ops.data && <ErrorBox message={errorText(ops.error, t)} />}
      {ops.data && ops.data.length === 0 && <p class="muted">{t('operators.empty')}</p>}
      {ops.data && ops.data.length > 0 && (
        <div class="panel panel--flush">
          <table class="table" data-testid="operator-table">
            <thead>
              <tr>
                <th>{t('operators.name')}</th>
                <th>{t('operators.role')}</th>
                <th>{t('operators.status')}</th>
                {manage && <th class="table__actions" />}
              </tr>
            </thead>
            <tbody>
              {ops.data.map((op) => {
                const self = op.user_id === me?.user.id;
                const locked = !manage || self || op.managed_by_config || (op.role === 'owner' && site.role !== 'owner');
                return (
                  <tr key={op.user_id} data-testid="operator-row" data-email={op.email} class={op.disabled ? 'is-muted' : undefined}>
                    <td>
                      <div class="person">
                        <span class="person__name">
                          {op.name || op.email}
                          {self && <span class="muted"> ({t('operators.you')})</span>}
                        </span>
                        {op.name && <span class="person__email">{op.email}</span>}
                      </div>
                    </td>
                    <td>
                      {locked ? (
                        <span data-testid="operator-role-text">{t(`role.${op.role}`)}</span>
                      ) : (
                        <select
                          data-testid="operator-role"
                          aria-label={t('operators.role')}
                          value={op.role}
                          disabled={busyId === op.user_id}
                          onChange={(e) => {
                            const role = (e.currentTarget as HTMLSelectElement).value as Role;
                            void act(op, () => api.setOperatorRole(site.id, op.user_id, role));
                          }}
                        >
                          {grantable.map((r) => (
                            <option key={r} value={r}>
                              {t(`role.${r}`)}
                            </option>
                          ))}
                        </select>
                      )}
                    </td>
                    <td data-testid="operator-status">
                      {op.disabled ? (
                        <Badge kind="danger">{t('operators.disabled')}</Badge>
                      ) : op.pending ? (
                        <Badge kind="warn">{t('operators.pending')}</Badge>
                      ) : (
                        <Badge kind="ok">{t('operators.active')}</Badge>
                      )}
                      {op.managed_by_config && <Badge kind="info">{t('site.managed')}</Badge>}
                    </td>
                    {manage && (
                      <td class="table__actions">
                        {!locked &&
                          (op.disabled ? (
                            <button
                              type="button"
                              class="btn btn--secondary btn--small"
                              data-testid="enable-operator"
                              disabled={busyId === op.user_id}
                              onClick={() => void act(op, () => api.setOperatorDisabled(site.id, op.user_id, false))}
                            >
                              {t('operators.enable')}
                            </button>
                          ) : (
                            <button
                              type="button"
                              class="btn btn--danger-ghost btn--small"
                              data-testid="disable-operator"
                              disabled={busyId === op.user_id}
                              onClick={() => void act(op, () => api.setOperatorDisabled(site.id, op.user_id, true))}
                            >
                              {t('operators.disable')}
                            </button>
                          ))}
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function InviteForm({ site, roles, onInvited }: { site: Site; roles: readonly Role[]; onInvited: (op: Operator) => void }) {
  const { api, t } = useApp();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('operator');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    const addr = email.trim();
    if (!addr.includes('@')) return;
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      onInvited(await api.inviteOperator(site.id, addr, role));
      setDone(addr);
      setEmail('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="panel form" onSubmit={onSubmit} noValidate data-testid="invite-form">
      <h2>{t('operators.invite')}</h2>
      <ErrorBox message={error ? errorText(error, t) : null} testid="invite-form-error" />
      <Notice message={done ? t('operators.invited', { email: done }) : null} testid="invite-sent" />
      <div class="form__row form__row--end">
        <Field id="invite-email" label={t('operators.email')}>
          <Input id="invite-email" testid="invite-email" type="email" autocomplete="off" value={email} onValue={setEmail} />
        </Field>
        <Field id="invite-role" label={t('operators.role')}>
          <select id="invite-role" data-testid="invite-role" value={role} onChange={(e) => setRole((e.currentTarget as HTMLSelectElement).value as Role)}>
            {roles.map((r) => (
              <option key={r} value={r}>
                {t(`role.${r}`)}
              </option>
            ))}
          </select>
        </Field>
        <button type="submit" class="btn btn--primary" data-testid="invite-submit" disabled={busy || !email.includes('@')}>
          {t('operators.submit')}
        </button>
      </div>
    </form>
  );
}
