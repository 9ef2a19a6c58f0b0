// F18: «Пригласить оператора» lists the site's online operators who are not in a call (asked
// from the daemon, call_invitable); picking one rings them («Приглашение в звонок от …»).
// «Выйти из звонка» leaves a call that goes on with another operator. Panel only: the widget's
// call chunk does not carry it.
import type { CallController } from '../../shared/call_controller.ts';
import { CallIcon } from '../../shared/call_view.tsx';

export function CallInvite({ c, t }: { c: CallController; t: (key: string) => string }) {
  const v = c.view;
  const call = v.call;
  if (!call || !v.leg || v.phase !== 'active') return null;
  const operators = call.participants.filter((p) => p.kind === 'operator').length;
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
    </div>
  );
}
