import { useApp } from '../app_context.ts';
import { Link } from '../location.ts';

export function NotFoundPage() {
  const { t } = useApp();
  return (
    <section class="page page--narrow empty">
      <h1>{t('notfound.title')}</h1>
      <Link to="/sites" class="btn btn--secondary">
        {t('notfound.back')}
      </Link>
    </section>
  );
}
