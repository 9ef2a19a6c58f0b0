// The conversation part of a dialog: messages with author, time and (own ones) delivery
// state, the visitor's live draft under them (sneak peek), and the composer. Every text
// is rendered as text: Preact escapes it, nothing here injects HTML.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { insertAt, kEmoji } from '../../shared/emoji.ts';
import { useApp } from '../app_context.ts';
import type { OperatorMessage } from '../chat/operator_client.ts';
import { timeLabel } from '../chat/visitor_info.ts';
import type { T } from '../i18n/index.ts';
import { IconSmile } from './icons.tsx';
import { FileView } from './file_message.tsx';
import { QuickReplyPicker, StarMessage } from './quick_replies.tsx';
import { insertReply } from '../chat/quick_replies_api.ts';
import { IconReplies } from './control_icons.tsx';
import type { ComponentChildren } from 'preact';

function authorLabel(t: T, m: OperatorMessage, visitorLabel: string): string {
  if (m.mine) return t('chat.you');
  if (m.author.kind === 'visitor') return visitorLabel;
  if (m.author.kind === 'system') return t('chat.system');
  return m.author.name || t('chat.operator');
}

interface MessagesProps {
  messages: OperatorMessage[];
  visitorLabel: string;
  typing: string | null;
  onRetry?: (cid: string) => void;
  empty: string;
  /** F15: the dialog's site; with it every stored text message gets a ☆ that saves it as a quick reply. */
  site?: string;
}

export function MessageList({ messages, visitorLabel, typing, onRetry, empty, site }: MessagesProps) {
  const { t, lang } = useApp();
  const box = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const now = Date.now();
  // Stay at the bottom while the operator is there; do not yank them down while reading up.
  useLayoutEffect(() => {
    const el = box.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [messages, typing]);
  const onScroll = () => {
    const el = box.current;
    if (el) stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
  };
  return (
    <div class="messages" ref={box} onScroll={onScroll} data-testid="chat-messages" aria-label={t('chat.messages')} role="log">
      {messages.length === 0 && <div class="messages__empty">{empty}</div>}
      {messages.map((m) =>
        m.author.kind === 'system' ? (
          // "Anna took over the dialog": a centered muted note, not a bubble with an author.
          <div key={m.key} class="msg msg--system" data-testid="chat-message" data-kind="system" data-mine="false" role="note">
            <div class="msg__text">
              {m.text} <time class="msg__time">{timeLabel(m.ts, now, lang)}</time>
            </div>
          </div>
        ) : (
          <div
            key={m.key}
            class={`msg msg--${m.mine ? 'mine' : m.author.kind}`}
            data-testid="chat-message"
            data-state={m.delivery}
            data-mine={m.mine ? 'true' : 'false'}
          >
            <div class="msg__meta">
              <span class="msg__author">{authorLabel(t, m, visitorLabel)}</span>
              <time class="msg__time">{timeLabel(m.ts, now, lang)}</time>
              {site && m.id !== null && !m.file && <StarMessage site={site} text={m.text} />}
            </div>
            <div class="msg__text">{m.file ? <FileView f={m.file} /> : m.text}</div>
            {m.mine && m.delivery !== 'sent' && (
              <div class={`msg__state msg__state--${m.delivery}`} data-testid="chat-message-state">
                {t(`chat.${m.delivery}`)}
                {m.delivery === 'failed' && onRetry && m.cid && (
                  <button type="button" class="btn btn--link" data-testid="chat-retry" onClick={() => onRetry(m.cid!)}>
                    {t('chat.retry')}
                  </button>
                )}
              </div>
            )}
            {m.mine && m.delivery === 'sent' && (
              <div class="msg__state msg__state--sent" title={t('chat.sent')}>
                ✓
              </div>
            )}
          </div>
        ),
      )}
      {typing !== null && (
        <div class="peek" data-testid="chat-typing-preview" aria-live="polite">
          <span class="peek__label">{typing ? t('chat.visitor_draft') : t('chat.visitor_typing')}</span>
          {typing && <span class="peek__text">{typing}</span>}
        </div>
      )}
    </div>
  );
}

/** The visitor's rating (F17) in the pane header: stars and the comment, nothing when not rated. */
export function RatingView({ rating, comment }: { rating: number | null | undefined; comment?: string }) {
  const { t } = useApp();
  if (!rating) return null;
  return (
    <span class="rating" data-testid="chat-rating" data-stars={rating}>
      <span class="rating__stars" role="img" aria-label={t('chat.rating', { n: rating })} title={t('chat.rating', { n: rating })}>
        {'★'.repeat(rating)}
        <span class="off">{'★'.repeat(5 - rating)}</span>
      </span>
      {comment && <span class="rating__comment">«{comment}»</span>}
    </span>
  );
}

/** The small badge of a rated dialog in the dialog and History lists. */
export function RatingBadge({ rating }: { rating: number | null | undefined }) {
  const { t } = useApp();
  if (!rating) return null;
  return (
    <span class="dlist__rating" data-testid="dialog-rating" data-stars={rating} title={t('chat.rating', { n: rating })} aria-label={t('chat.rating', { n: rating })}>
      ★{rating}
    </span>
  );
}

interface ComposerProps {
  onSend: (text: string) => void;
  onDraft: (text: string) => void;
  /** Resets the draft when the dialog changes. */
  dialogKey: number;
  /** F16 (components/file_message.tsx): the attach button, the upload's status, pasted images. */
  attach?: ComponentChildren;
  status?: ComponentChildren;
  onPaste?: (e: ClipboardEvent) => void;
  /** F15: the dialog's site; with it the «Быстрые ответы» button opens the picker. */
  site?: string;
}

export function Composer({ onSend, onDraft, dialogKey, attach, status, onPaste, site }: ComposerProps) {
  const { t } = useApp();
  const [text, setText] = useState('');
  const [picker, setPicker] = useState(false);
  const [replies, setReplies] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    setText('');
    setPicker(false);
    setReplies(false);
    input.current?.focus();
  }, [dialogKey]);
  const change = (v: string) => {
    setText(v);
    onDraft(v);
  };
  const send = () => {
    if (text.trim() === '') return;
    onSend(text);
    setText('');
    input.current?.focus();
  };
  const pick = (emoji: string) => {
    const el = input.current;
    const r = insertAt(text, el?.selectionStart ?? text.length, el?.selectionEnd ?? text.length, emoji);
    change(r.text);
    setPicker(false);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(r.caret, r.caret);
    });
  };
  // A picked reply goes in at the caret for editing; it is not sent.
  const pickReply = (body: string) => {
    const el = input.current;
    const r = insertReply(text, el?.selectionStart ?? text.length, el?.selectionEnd ?? text.length, body);
    change(r.text);
    setReplies(false);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(r.caret, r.caret);
    });
  };
  return (
    <div class="composer">
      {status}
      {replies && site && <QuickReplyPicker site={site} onPick={pickReply} onClose={() => setReplies(false)} />}
      {picker && (
        <div class="emoji" data-testid="chat-emoji-picker" role="listbox" aria-label={t('chat.emoji')}>
          {kEmoji.map((e) => (
            <button key={e} type="button" class="emoji__btn" role="option" aria-selected="false" onClick={() => pick(e)}>
              {e}
            </button>
          ))}
        </div>
      )}
      <label class="sr-only" for="chat-input">
        {t('chat.input')}
      </label>
      <textarea
        id="chat-input"
        ref={input}
        class="composer__input"
        data-testid="chat-input"
        spellcheck={true}
        rows={2}
        maxLength={10000}
        placeholder={t('chat.placeholder')}
        value={text}
        onPaste={onPaste}
        onInput={(e) => change((e.currentTarget as HTMLTextAreaElement).value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            send();
          } else if (e.key === 'Escape' && picker) {
            setPicker(false);
          }
        }}
      />
      <div class="composer__tools">
        <button
          type="button"
          class="btn btn--ghost btn--small composer__emoji"
          data-testid="chat-emoji"
          aria-expanded={picker}
          title={t('chat.emoji')}
          aria-label={t('chat.emoji')}
          onClick={() => setPicker(!picker)}
        >
          <IconSmile />
        </button>
        {site && (
          <button
            type="button"
            class="btn btn--ghost btn--small composer__qr"
            data-testid="chat-quick-replies"
            aria-expanded={replies}
            title={t('qr.button')}
            aria-label={t('qr.button')}
            onClick={() => {
              setPicker(false);
              setReplies(!replies);
            }}
          >
            <IconReplies />
          </button>
        )}
        {attach}
        <button type="button" class="btn btn--primary btn--small" data-testid="chat-send" disabled={text.trim() === ''} onClick={send}>
          {t('chat.send')}
        </button>
      </div>
    </div>
  );
}
