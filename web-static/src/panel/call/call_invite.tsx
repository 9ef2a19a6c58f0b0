// F18: «Пригласить оператора» lists the site's online operators who are not in a call (asked
// from the daemon, call_invitable); picking one rings them («Приглашение в звонок от …») and
// closes the list: the dock then shows how each invitation goes («Приглашение отправлено: Борис —
// звонит…», «… принял», ...), from the daemon's call_invite_state. «Выйти из звонка» leaves a call
// that goes on with another operator. Panel only: the widget's call chunk does not carry it.
import type { CallController } from '../../shared/call_controller.ts';
import type { InviteStatus } from '../../shared/call_model.ts';
import type { Params } from '../../shared/i18n.ts';
import { CallIcon } from '../../shared/call_view.tsx';

type T = (key: string, params?: Params) => string;

/** An answered (or refused) invitation can be hidden; a ringing one stays until it is answered. */
export function inviteSettled(i: InviteStatus): boolean {
  return i.state !== 'sent' && i.state !== 'ringing';
}

export function CallInvite({ c, t }: { c: CallController; t: T }) {
  const v = c.view;
  const call = v.call;
  if (!call || !v.leg || v.phase !== 'active') return null;
  const operators = call.participants.filter((p) => p.kind === 'operator').length;
  const nameOf = (i: InviteStatus) => i.name || call.participants.find((p) => p.kind === 'operator' && p.id === i.id)?.name || `#${i.id}`;
  return (
    <div class="calldock__invite">
      <button type="button" class="btn btn--small" data-testid="call-invite" onClick={() => c.invitable()}>
        <CallIcon d="phone" />
        {t('call.invite')}
      </button>
      {operators > 1 && (
        <button type="button" class="btn btn--small" data-testid="call-leave" onClick={() => c.leave()}>
          {t('call.leave')}
        </button>
      )}
      {v.invitable && (
        <ul class="calldock__ops" data-testid="call-invitable">
          {v.invitable.length === 0 && <li>{t('call.invite_none')}</li>}
          {v.invitable.map((o) => (
            <li key={o.id}>
              <button type="button" class="btn btn--link" data-testid="call-invite-operator" onClick={() => c.invite(o.id)}>
                {o.name}
              </button>
            </li>
          ))}
        </ul>
      )}
      {v.invites && v.invites.length > 0 && (
        <ul class="calldock__invites" data-testid="call-invites">
          {v.invites.map((i) => (
            <li key={i.id} data-testid="call-invite-state" data-operator={i.id} data-state={i.state}>
              <span>{t(`call.invite_state.${i.state}`, { name: nameOf(i) })}</span>
              {inviteSettled(i) && (
                <button type="button" class="btn btn--link calldock__hide" aria-label={t('call.invite_hide')} title={t('call.invite_hide')} onClick={() => c.dismissInvite(i.id)}>
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
