// The notice a blocked visitor sees (F17) in place of the composer: the conversation so far
// stays readable, nothing can be sent.
import type { WidgetT } from '../i18n.ts';

export function BlockedNotice({ t }: { t: WidgetT }) {
  return (
    <div class="off" role="status" data-testid="callpy-blocked">
      <div class="ot">{t('blocked.title')}</div>
      <div>{t('blocked.body')}</div>
    </div>
  );
}
