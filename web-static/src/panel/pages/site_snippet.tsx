import { useApp } from '../app_context.ts';
import { CopyButton, ErrorBox, Spinner, useAsync } from '../components/ui.tsx';
import { errorText } from '../errors.ts';
import type { Key } from '../i18n/index.ts';
import type { Site } from '../panel_api.ts';

export function SnippetTab({ site }: { site: Site }) {
  const { api, t } = useApp();
  const snippet = useAsync(() => api.snippet(site.id), [site.id]);
  if (snippet.loading) return <Spinner label={t('common.loading')} />;
  if (!snippet.data) return <ErrorBox message={errorText(snippet.error, t)} />;
  return (
    <div class="snippets">
      <p class="lead">{t('snippet.intro')}</p>
      <SnippetBlock code={snippet.data.body_start} title="snippet.body_start" hint="snippet.body_start_hint" id="body-start" />
      <SnippetBlock code={snippet.data.anywhere} title="snippet.anywhere" hint="snippet.anywhere_hint" id="anywhere" />
    </div>
  );
}

function SnippetBlock({ code, title, hint, id }: { code: string; title: Key; hint: Key; id: string }) {
  const { t } = useApp();
  return (
    <section class="panel snippet">
      <div class="snippet__head">
        <div>
          <h2>{t(title)}</h2>
          <p class="muted">{t(hint)}</p>
        </div>
        <CopyButton text={code} label={t('snippet.copy')} copiedLabel={t('snippet.copied')} failedLabel={t('snippet.copy_failed')} testid={`copy-${id}`} />
      </div>
      <pre class="code" data-testid={`snippet-${id}`}>
        <code>{code}</code>
      </pre>
    </section>
  );
}
