// The input: Enter sends, Shift+Enter is a newline, an emoji picker inserts at the caret.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ChatClient } from '../client.ts';
import { insertAt, kEmoji } from '../emoji.ts';
import type { WidgetT } from '../i18n.ts';
import { AttachButton, UploadBar, useUploads } from './attach.tsx';

const kMaxRows = 5;

export function Composer({ t, client }: { t: WidgetT; client: ChatClient }) {
  const [text, setText] = useState('');
  const [picker, setPicker] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);
  const files = useUploads(t, client);

  useEffect(() => area.current?.focus(), []);
  useEffect(() => {
    // Grow with the text up to kMaxRows lines.
    const el = area.current;
    if (!el) return;
    el.style.height = 'auto';
    const line = parseFloat(getComputedStyle(el).lineHeight) || 20;
    el.style.height = Math.min(el.scrollHeight, line * kMaxRows + 16) + 'px';
  }, [text]);

  const change = (v: string) => {
    setText(v);
    client.setDraft(v);
  };
  const send = () => {
    if (client.send(text) !== null) setText('');
    setPicker(false);
    area.current?.focus();
  };
  const pick = (e: string) => {
    const el = area.current;
    const r = insertAt(text, el?.selectionStart ?? text.length, el?.selectionEnd ?? text.length, e);
    change(r.text);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(r.caret, r.caret);
    });
  };

  return (
    <div class="cp">
      {files.upload && <UploadBar t={t} u={files.upload} onDismiss={files.dismiss} />}
      {picker && (
        <div class="emo" role="listbox" aria-label={t('input.emoji')} data-testid="callpy-emoji-picker">
          {kEmoji.map((e) => (
            <button type="button" key={e} onClick={() => pick(e)}>
              {e}
            </button>
          ))}
        </div>
      )}
      <button type="button" class={'ib' + (picker ? ' act' : '')} aria-label={t('input.emoji')} title={t('input.emoji')} aria-expanded={picker} onClick={() => setPicker(!picker)} data-testid="callpy-emoji">
        <svg viewBox="0 0 24 24" aria-hidden="true">
          <path d="M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16zm-3.5-9a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zm7 0a1.5 1.5 0 1 0 0-3 1.5 1.5 0 0 0 0 3zM12 17.5c2.3 0 4.3-1.5 5-3.5H7c.7 2 2.7 3.5 5 3.5z" />
        </svg>
      </button>
      <AttachButton t={t} busy={files.upload?.progress != null} onFile={(f) => files.send(f, f.name)} />
      <textarea
        ref={area}
        onPaste={files.onPaste}
        rows={1}
        value={text}
        placeholder={t('input.placeholder')}
        aria-label={t('input.placeholder')}
        maxLength={4000}
        data-testid="callpy-input"
        onInput={(e) => change(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            send();
          } else if (e.key === 'Escape' && picker) setPicker(false);
        }}
      />
      <button type="button" class="snd" aria-label={t('input.send')} title={t('input.send')} disabled={text.trim() === ''} onClick={send} data-testid="callpy-send">
        <svg viewBox="0 0 24 24" aria-hidden="true">
          <path d="M3.4 20.4 21.85 12 3.4 3.6 3.4 10.1 16 12 3.4 13.9z" />
        </svg>
      </button>
    </div>
  );
}
