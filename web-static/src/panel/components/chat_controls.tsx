// The chat control panel above the conversation (manual: «панель управления чатом и быстрые
// кнопки»): on the left the operator's quick buttons, on the right «Ещё» that unfolds the
// secondary buttons — transfer to a department/operator, invite, ask for a rating, e-mail the
// history, block, rename, important. Any secondary button can be dragged onto the bar (HTML5
// drag and drop) or pinned with its 📌 toggle (keyboard-accessible); bar buttons can be dragged
// to reorder. The bar is kept per operator in the daemon (preferences `quick_buttons`).
import { useEffect, useRef, useState } from 'preact/hooks';
import { useApp } from '../app_context.ts';
import { useChat } from '../chat/chat_context.tsx';
import type { ControlOutcome } from '../chat/dialog_controls.ts';
import { visitorDisplayName, type DialogEntry } from '../chat/model.ts';
import { isQuickButton, kQuickButtons, pinButton, unpinButton, type QuickButton } from '../chat/preferences.ts';
import { errorText } from '../errors.ts';
import type { T } from '../i18n/index.ts';
import { ErrorBox } from './ui.tsx';
import { InviteDialog, RenameDialog, TranscriptDialog, TransferDialog, type ControlDialogKind } from './control_dialogs.tsx';
import { IconPin } from './control_icons.tsx';
import './controls.css';

const kDragType = 'application/x-callpy-button';
const kIcons: Record<QuickButton, string> = {
  transfer: '⇄',
  invite: '+',
  rename: '✎',
  block: '⊘',
  transcript: '✉',
  rating: '★',
  important: '⚑',
};

function outcomeText(t: T, o: ControlOutcome): string {
  if (o.ok) return o.op === 'transcript' ? t('controls.done_transcript', { email: o.email ?? '' }) : t(`controls.done_${o.op}`);
  const why = o.code === 'offline' ? t('controls.err_offline') : o.code === 'timeout' ? t('controls.err_timeout') : o.code === 'conflict' ? t('controls.err_closed') : o.field === 'email' ? t('controls.err_email') : t('controls.err_other');
  return t('controls.failed', { why });
}

/** Runs one control; dialogs open for the ones that need input. */
function useControl(entry: DialogEntry) {
  const { api, t } = useApp();
  const { client, state } = useChat();
  const [dialog, setDialog] = useState<ControlDialogKind | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState<string | null>(null);
  const open = entry.status === 'open';
  const connected = state.conn === 'open';
  const enabled = (b: QuickButton): boolean => {
    switch (b) {
      case 'important':
        return true;
      case 'rename':
      case 'block':
        return connected;
      default:
        return connected && open;
    }
  };
  const run = async (b: QuickButton) => {
    setError(null);
    setNote(null);
    switch (b) {
      case 'transfer':
      case 'invite':
      case 'rename':
      case 'transcript':
        setDialog(b);
        return;
      case 'block':
        if (window.confirm(t('controls.block_confirm'))) client.controls.block(entry.visitor, true);
        return;
      case 'rating':
        if (client.requestRating(entry.id)) setNote(t('chat.rate_requested'));
        return;
      case 'important':
        try {
          await api.setImportant(entry.id, !entry.important);
          client.patchDialog(entry.id, { important: !entry.important });
        } catch (e) {
          setError(e);
        }
    }
  };
  return { dialog, setDialog, run, enabled, error, note };
}

function label(t: T, b: QuickButton, entry: DialogEntry): string {
  if (b === 'important') return entry.important ? t('controls.unimportant') : t('chat.important');
  return t(`controls.${b}`);
}

export function ChatControls({ entry }: { entry: DialogEntry }) {
  const { t } = useApp();
  const { client, state, prefs, preferences } = useChat();
  const ctl = useControl(entry);
  const [menu, setMenu] = useState(false);
  const [dropAt, setDropAt] = useState<number | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const bar = preferences.value.quickButtons;
  const visitor = state.visitors.find((v) => v.id === entry.visitor);
  const last = state.controls.last;
  const mine = last && (last.dialog === entry.id || last.visitor === entry.visitor) ? last : null;

  useEffect(() => {
    if (!menu) return;
    const outside = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setMenu(false);
    };
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && setMenu(false);
    document.addEventListener('mousedown', outside);
    document.addEventListener('keydown', esc);
    return () => {
      document.removeEventListener('mousedown', outside);
      document.removeEventListener('keydown', esc);
    };
  }, [menu]);
  // An outcome belongs to the dialog it was made in; do not carry it to the next one.
  useEffect(() => () => client.controls.dismiss(), [client, entry.id]);

  const save = (next: QuickButton[]) => void prefs.update({ quickButtons: next });
  const dragStart = (b: QuickButton) => (e: DragEvent) => {
    e.dataTransfer?.setData(kDragType, b);
    e.dataTransfer?.setData('text/plain', b);
    if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
  };
  const dropped = (e: DragEvent): QuickButton | null => {
    const b = e.dataTransfer?.getData(kDragType) || e.dataTransfer?.getData('text/plain');
    return isQuickButton(b) ? b : null;
  };
  const over = (at: number) => (e: DragEvent) => {
    e.preventDefault();
    e.stopPropagation();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'move';
    setDropAt(at);
  };
  const drop = (at: number) => (e: DragEvent) => {
    e.preventDefault();
    e.stopPropagation();
    setDropAt(null);
    const b = dropped(e);
    if (b) save(pinButton(bar, b, at));
  };

  return (
    <div class="cbar" ref={box} data-testid="chat-controls">
      <div
        class={dropAt !== null ? 'cbar__quick is-drop' : 'cbar__quick'}
        data-testid="quick-bar"
        role="toolbar"
        aria-label={t('controls.quick_bar')}
        onDragOver={over(bar.length)}
        onDragLeave={(e) => {
          if (!(e.currentTarget as HTMLElement).contains(e.relatedTarget as Node)) setDropAt(null);
        }}
        onDrop={drop(bar.length)}
      >
        {bar.length === 0 && <span class="cbar__hint">{t('controls.quick_hint')}</span>}
        {bar.map((b, i) => (
          <button
            key={b}
            type="button"
            class={`btn btn--secondary btn--small cbar__btn${dropAt === i ? ' is-before' : ''}${b === 'important' && entry.important ? ' is-on' : ''}`}
            data-testid="quick-button"
            data-button={b}
            draggable={true}
            disabled={!ctl.enabled(b)}
            onDragStart={dragStart(b)}
            onDragOver={over(i)}
            onDrop={drop(i)}
            onClick={() => void ctl.run(b)}
          >
            <span aria-hidden="true">{kIcons[b]}</span> {label(t, b, entry)}
          </button>
        ))}
      </div>
      <div class="cbar__status" role="status" aria-live="polite" data-testid="control-status" data-ok={mine ? String(mine.ok) : undefined}>
        {state.controls.pending.some((p) => p.dialog === entry.id || p.visitor === entry.visitor) ? t('controls.working') : mine ? outcomeText(t, mine) : (ctl.note ?? '')}
      </div>
      <div class="cbar__more">
        <button type="button" class="btn btn--ghost btn--small" data-testid="chat-more" aria-haspopup="true" aria-expanded={menu} onClick={() => setMenu(!menu)}>
          {t('controls.more')} ⋯
        </button>
        {menu && (
          <ul class="cbar__menu" data-testid="chat-more-menu" aria-label={t('controls.more')}>
            {kQuickButtons.map((b) => {
              const pinned = bar.includes(b);
              return (
                <li key={b} class="cbar__item" draggable={true} onDragStart={dragStart(b)} data-testid="more-item" data-button={b}>
                  <button
                    type="button"
                    class="transfer__option"
                    data-testid={`control-${b}`}
                    disabled={!ctl.enabled(b)}
                    onClick={() => {
                      setMenu(false);
                      void ctl.run(b);
                    }}
                  >
                    <span aria-hidden="true" class="cbar__icon">
                      {kIcons[b]}
                    </span>
                    {label(t, b, entry)}
                  </button>
                  <button
                    type="button"
                    class={pinned ? 'cbar__pin is-on' : 'cbar__pin'}
                    data-testid={`pin-${b}`}
                    aria-pressed={pinned}
                    aria-label={t(pinned ? 'controls.unpin' : 'controls.pin', { name: label(t, b, entry) })}
                    title={t(pinned ? 'controls.unpin' : 'controls.pin', { name: label(t, b, entry) })}
                    onClick={() => save(pinned ? unpinButton(bar, b) : pinButton(bar, b))}
                  >
                    <IconPin />
                  </button>
                </li>
              );
            })}
          </ul>
        )}
      </div>
      <ErrorBox message={ctl.error ? errorText(ctl.error, t) : preferences.error ? errorText(preferences.error, t) : null} />
      {ctl.dialog === 'rename' && (
        <RenameDialog entry={entry} current={visitor?.name || entry.visitorName || visitorDisplayName(visitor) || ''} onClose={() => ctl.setDialog(null)} />
      )}
      {ctl.dialog === 'transcript' && <TranscriptDialog entry={entry} contactEmail={visitor?.contact.email ?? ''} onClose={() => ctl.setDialog(null)} />}
      {ctl.dialog === 'invite' && <InviteDialog entry={entry} onClose={() => ctl.setDialog(null)} />}
      {ctl.dialog === 'transfer' && <TransferDialog entry={entry} onClose={() => ctl.setDialog(null)} />}
    </div>
  );
}
