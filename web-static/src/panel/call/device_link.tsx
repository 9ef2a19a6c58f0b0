// F23: «Перевести на телефон» — a one-time link from the daemon, shown as a QR code the operator
// scans with the phone; the call then goes on there and comes back with «Вернуть звонок сюда».
import { useMemo } from 'preact/hooks';
import type { CallController } from '../../shared/call_controller.ts';
import type { CallT } from '../../shared/call_i18n.ts';
import { CallIcon } from '../../shared/call_view.tsx';
import { qrPath } from './qr_path.ts';

export function DeviceLink({ c, t }: { c: CallController; t: CallT }) {
  const v = c.view;
  const link = v.deviceLink;
  const qr = useMemo(() => (link ? qrPath(link.url) : null), [link?.url]);
  // A running call of this tab moves to the phone; a ringing one is answered there (F20).
  const ringing = v.phase === 'ringing-in';
  if (!ringing && (!v.leg || v.phase !== 'active')) return null;
  if (!link || !qr) {
    return (
      <button type="button" class="btn btn--small calldock__phone" data-testid="call-device-link" onClick={() => c.requestDeviceLink()}>
        <CallIcon d="phone" />
        {t(ringing ? 'call.answerOnPhone' : 'call.toPhone')}
      </button>
    );
  }
  return (
    <div class="calldock__qr" role="dialog" aria-label={t('call.toPhone')} data-testid="call-qr" data-url={link.url}>
      <svg viewBox={`0 0 ${qr.size} ${qr.size}`} width="176" height="176" role="img" aria-label={link.url} shape-rendering="crispEdges">
        <rect width={qr.size} height={qr.size} fill="#fff" />
        <path d={qr.d} fill="#000" />
      </svg>
      <p>{t('call.qrHint')}</p>
      <button type="button" class="btn btn--small" data-testid="call-qr-close" onClick={() => c.closeDeviceLink()}>
        {t('call.close')}
      </button>
    </div>
  );
}
