// F18: the visitor answers the call on a phone, or moves a running call there, by scanning a QR
// code of a one-time link (call_device_link; 2 minutes, used once). The phone page takes the
// visitor's side; this tab then shows «Звонок продолжается на другом устройстве» with «Вернуть
// звонок сюда» (the shared view's `elsewhere` phase). qr.js (the QR code maker, qr_entry.ts) is
// fetched only on the click, so call.js stays within its size budget.
import { useEffect, useRef } from 'preact/hooks';
import type { CallController } from '../../shared/call_controller.ts';
import type { CallT } from '../../shared/call_i18n.ts';
import { CallIcon } from '../../shared/call_view.tsx';

export type QrSvg = (text: string) => SVGSVGElement;

export const phoneLinkCss = '.cv-qr{padding:8px;text-align:center;font-size:13px}.cv-qr svg{display:block;width:176px;margin:0 auto 6px}';

export function PhoneLink({ c, t, qr }: { c: CallController; t: CallT; qr: () => Promise<QrSvg> }) {
  const v = c.view;
  const link = v.deviceLink;
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let live = !!link;
    if (link) qr().then((make) => live && box.current?.replaceChildren(make(link.url)), () => live && c.closeDeviceLink());
    return () => {
      live = false;
    };
  }, [link?.url]);
  const ringing = v.phase === 'ringing-in';
  if (!ringing && (!v.leg || v.phase !== 'active')) return null;
  const label = t(ringing ? 'call.answerOnMyPhone' : 'call.toPhone');
  return link ? (
    <div class="cv-qr" role="dialog" aria-label={label} data-testid="call-qr" data-url={link.url}>
      <div ref={box} />
      {t('call.qrHint')}
      <button type="button" class="cv-b" data-testid="call-qr-close" onClick={() => c.closeDeviceLink()}>
        {t('call.close')}
      </button>
    </div>
  ) : (
    <button type="button" class="cv-b" data-testid="call-device-link" onClick={() => (qr().catch(() => {}), c.requestDeviceLink())}>
      <CallIcon d="phone" />
      {label}
    </button>
  );
}
