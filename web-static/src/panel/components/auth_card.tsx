// Frame of the pages shown without a session: sign-in, reset, invitation.
import type { ComponentChildren } from 'preact';
import { kLanguages } from '../../shared/i18n.ts';
import { useApp } from '../app_context.ts';

export function AuthCard({ title, subtitle, children }: { title: string; subtitle?: string; children: ComponentChildren }) {
  const { t, lang, setLang } = useApp();
  return (
    <div class="auth">
      <div class="auth__card">
        <div class="auth__brand">
          <span class="brand__mark" aria-hidden="true" />
          {t('app.name')}
        </div>
        <h1 class="auth__title">{title}</h1>
        {subtitle && <p class="auth__subtitle">{subtitle}</p>}
        {children}
      </div>
      <div class="langswitch" role="group" aria-label={t('lang.label')}>
        {kLanguages.map((l) => (
          <button
            type="button"
            key={l}
            class={l === lang ? 'langswitch__btn is-active' : 'langswitch__btn'}
            aria-pressed={l === lang}
            data-testid={`lang-${l}`}
            onClick={() => setLang(l)}
          >
            {t(`lang.${l}`)}
          </button>
        ))}
      </div>
    </div>
  );
}
