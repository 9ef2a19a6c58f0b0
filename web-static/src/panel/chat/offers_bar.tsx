// Dialogs offered to me because nobody answered in the site's first-response time (§4): shown
// above the dialog list, highlighted, with «Взять» to become the dialog's operator.
import { useApp } from '../app_context.ts';
import { navigate } from '../location.ts';
import { useChat } from './chat_context.tsx';
import { visitorDisplayName } from './operator_client.ts';

export function OffersBar() {
  const { t } = useApp();
  const { client, state } = useChat();
  const offered = state.offers
    .map((id) => state.dialogs.find((d) => d.id === id))
    .filter((d): d is NonNullable<typeof d> => d !== undefined && d.status === 'open');
  if (offered.length === 0) return null;
  return (
    <section class="offers" role="region" aria-label={t('offer.title')} data-testid="offers">
      <h2 class="offers__title">{t('offer.title')}</h2>
      <p class="offers__hint">{t('offer.hint')}</p>
      <ul class="offers__list">
        {offered.map((d) => (
          <li key={d.id} class="offers__item" data-testid="offer" data-dialog-id={d.id}>
            <span class="offers__name">
              {d.visitorName || visitorDisplayName(state.visitors.find((v) => v.id === d.visitor)) || t('visitors.anonymous', { id: d.visitor })}
            </span>
            <span class="offers__last">{d.lastMessage}</span>
            <button
              type="button"
              class="btn btn--primary btn--small"
              data-testid="offer-take"
              onClick={() => {
                if (client.take(d.id)) navigate(`/dialogs/${d.id}`);
              }}
            >
              {t('offer.take')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
