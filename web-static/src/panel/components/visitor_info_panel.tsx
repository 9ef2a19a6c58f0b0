// The visitor-info side panel (F4, F12): location, device, browser and OS, contact details and
// the site's custom data, the referrer and the pages visited with times. Shown next to the chat
// pane and from the Visitors list. Everything in it comes from the visitor's browser, so it is
// rendered as text only (Preact escapes it; links are http(s) only and open without opener).
import { useEffect, useState } from 'preact/hooks';
import { useApp } from '../app_context.ts';
import { fetchVisitorDetails, referrerLabel, safeHref, type VisitorDetails } from '../chat/visitor_details.ts';
import { pageLabel, timeLabel } from '../chat/visitor_info.ts';
import { ErrorBox } from './ui.tsx';

function Link({ url, label, testid }: { url: string; label: string; testid?: string }) {
  const href = safeHref(url);
  if (!href) return <span data-testid={testid}>{label}</span>;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer" title={url} data-testid={testid}>
      {label}
    </a>
  );
}

function Row({ label, children, testid }: { label: string; children: preact.ComponentChildren; testid: string }) {
  return (
    <>
      <dt>{label}</dt>
      <dd data-testid={testid}>{children}</dd>
    </>
  );
}

export function VisitorInfoView({ v }: { v: VisitorDetails }) {
  const { t, lang } = useApp();
  const now = Date.now();
  const unknown = <span class="muted">{t('vinfo.unknown')}</span>;
  const contact = [v.contact.name, v.contact.email, v.contact.phone].some((x) => x !== '');
  return (
    <div class="vinfo__body">
      <dl class="vinfo__facts">
        <Row label={t('vinfo.location')} testid="vinfo-location">
          {v.location?.name || unknown}
        </Row>
        <Row label={t('vinfo.device')} testid="vinfo-device">
          {t(`visitors.${v.device}`)}
        </Row>
        <Row label={t('vinfo.browser')} testid="vinfo-browser">
          {v.browser || unknown}
        </Row>
        <Row label={t('vinfo.os')} testid="vinfo-os">
          {v.os || unknown}
        </Row>
        <Row label={t('vinfo.referrer')} testid="vinfo-referrer">
          {v.referrer ? <Link url={v.referrer} label={referrerLabel(v.referrer)} /> : <span class="muted">{t('vinfo.direct')}</span>}
        </Row>
        {v.createdAt > 0 && (
          <Row label={t('vinfo.first_seen')} testid="vinfo-first-seen">
            {timeLabel(v.createdAt, now, lang)}
          </Row>
        )}
      </dl>
      {contact && (
        <>
          <h3 class="vinfo__head">{t('vinfo.contact')}</h3>
          <dl class="vinfo__facts" data-testid="vinfo-contact">
            {v.contact.name && <Row label={t('vinfo.name')} testid="vinfo-contact-name">{v.contact.name}</Row>}
            {v.contact.email && <Row label={t('vinfo.email')} testid="vinfo-contact-email">{v.contact.email}</Row>}
            {v.contact.phone && <Row label={t('vinfo.phone')} testid="vinfo-contact-phone">{v.contact.phone}</Row>}
          </dl>
        </>
      )}
      {v.custom.length > 0 && (
        <>
          <h3 class="vinfo__head">{t('vinfo.custom')}</h3>
          <dl class="vinfo__facts" data-testid="vinfo-custom">
            {v.custom.map((c) => (
              <Row key={c.key} label={c.key} testid="vinfo-custom-value">
                {c.value}
              </Row>
            ))}
          </dl>
        </>
      )}
      <h3 class="vinfo__head">{t('vinfo.pages')}</h3>
      {v.pages.length === 0 ? (
        <p class="muted">{t('vinfo.no_pages')}</p>
      ) : (
        <ol class="vinfo__pages" data-testid="vinfo-pages">
          {[...v.pages].reverse().map((p, i) => (
            <li key={`${p.ts}-${i}`} data-testid="vinfo-page" data-url={p.url}>
              <time class="vinfo__time">{timeLabel(p.ts, now, lang)}</time>
              <Link url={p.url} label={pageLabel(p)} />
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

/**
 * Loads GET /api/panel/visitors/{id}; `refresh` (e.g. the visitor's current page) reloads it
 * when the live view changes, so new pages appear while the panel is open.
 */
export function VisitorInfoPanel({ visitor, refresh, onClose }: { visitor: number; refresh?: string; onClose?: () => void }) {
  const { t, api } = useApp();
  const [details, setDetails] = useState<VisitorDetails | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    fetchVisitorDetails(api.client, visitor).then(
      (d) => {
        if (!live) return;
        setDetails(d);
        setFailed(false);
      },
      () => {
        if (live) setFailed(true);
      },
    );
    return () => {
      live = false;
    };
  }, [api, visitor, refresh]);
  return (
    <aside class="vinfo" aria-label={t('vinfo.title')} data-testid="visitor-info" data-visitor-id={visitor}>
      <div class="vinfo__top">
        <h2>{t('vinfo.title')}</h2>
        {onClose && (
          <button type="button" class="btn btn--link" aria-label={t('vinfo.close')} data-testid="visitor-info-close" onClick={onClose}>
            ×
          </button>
        )}
      </div>
      {failed && !details ? (
        <ErrorBox message={t('vinfo.load_failed')} testid="visitor-info-error" />
      ) : details && details.id === visitor ? (
        <VisitorInfoView v={details} />
      ) : (
        <p class="muted">{t('common.loading')}</p>
      )}
    </aside>
  );
}
