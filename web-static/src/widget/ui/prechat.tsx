// The pre-chat department choice: a short list of buttons before the first message. Arrow keys,
// Home and End move between the options (one tab stop), Enter or Space picks one; names are
// rendered as text.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ChatClient, ChatState } from '../client.ts';
import type { WidgetT } from '../i18n.ts';
import { moveChoice } from '../prechat.ts';

export function PrechatChoice({ t, s, client }: { t: WidgetT; s: ChatState; client: ChatClient }) {
  const options = s.site?.departments ?? [];
  const [current, setCurrent] = useState(0);
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);
  // Focus moves synchronously in onKey. An effect keyed on `current` would run after the next
  // key press when keys come fast, and pull focus back to a stale option; only the first
  // render (or a changed list) focuses from here.
  useEffect(() => buttons.current[0]?.focus(), [options.length]);
  const onKey = (e: KeyboardEvent) => {
    // From the focused option, not the state: keys repeat faster than Preact re-renders.
    const from = buttons.current.indexOf(e.target as HTMLButtonElement);
    const at = from >= 0 ? from : current;
    const next = moveChoice(options, at, e.key);
    if (next !== at) {
      e.preventDefault();
      setCurrent(next);
      buttons.current[next]?.focus();
    }
  };
  return (
    <div class="pc" role="group" aria-labelledby="callpy-pc-title" data-testid="callpy-prechat" onKeyDown={onKey}>
      <div class="pc-t" id="callpy-pc-title">
        {t('prechat.title')}
      </div>
      {options.map((d, i) => (
        <button
          key={d.id}
          type="button"
          class="pc-o"
          tabIndex={i === current ? 0 : -1}
          ref={(el) => {
            buttons.current[i] = el;
          }}
          data-testid="callpy-prechat-option"
          onClick={() => client.chooseDepartment(d.id)}
        >
          {d.name}
        </button>
      ))}
    </div>
  );
}

/** "Department: X · Change" above the composer until the first message opens the dialog. */
export function PrechatChosen({ t, s, client }: { t: WidgetT; s: ChatState; client: ChatClient }) {
  if (s.dialogId !== null || s.messages.length > 0) return null;
  const chosen = s.site?.departments.find((d) => d.id === s.department);
  if (!chosen) return null;
  return (
    <div class="bn info" data-testid="callpy-prechat-chosen">
      <span class="txt">{t('prechat.chosen', { name: chosen.name })}</span>
      <button type="button" class="lnk" onClick={() => client.chooseDepartment(null)}>
        {t('prechat.change')}
      </button>
    </div>
  );
}
