// Shown when no operator of the site is online (or the site is closed). The offline form
// (F7: the request is stored as a dialog and e-mailed to the site's addresses) replaces
// this notice: render the form here, the App already decides when it is shown.
import type { WidgetT } from '../i18n.ts';

export function OfflineNotice({ t }: { t: WidgetT }) {
  return (
    <div class="off" role="status" data-testid="callpy-offline">
      <div class="ot">{t('offline.title')}</div>
      <div>{t('offline.body')}</div>
    </div>
  );
}
