// The small dialogs of the chat controls (F17): rename the visitor, e-mail the transcript,
// invite a colleague, transfer to a department or an online operator. Each one sends its
// request through the operator client and closes; the outcome shows in the control bar.
// Names typed by visitors and operators are rendered as text.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useApp } from '../app_context.ts';
import { useChat } from '../chat/chat_context.tsx';
import { inviteTargets, looksLikeEmail } from '../chat/dialog_controls.ts';
import type { DialogEntry } from '../chat/model.ts';
import type { Department } from '../panel_api.ts';
import { errorText } from '../errors.ts';
import { ErrorBox } from './ui.tsx';

export type ControlDialogKind = 'rename' | 'transcript' | 'invite' | 'transfer';

/** A modal card: Escape or the backdrop closes it; focus starts inside and returns on close. */
function Modal({ title, testid, onClose, children }: { title: string; testid: string; onClose: () => void; children: ComponentChildren }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const back = document.activeElement as HTMLElement | null;
    const first = box.current?.querySelector<HTMLElement>('input, button, select');
    first?.focus();
    return () => back?.focus?.();
  }, []);
  return (
    <div
      class="cmodal"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onClose();
      }}
    >
      <div
        class="cmodal__card"
        ref={box}
        role="dialog"
        aria-modal="true"
        aria-label={title}
        data-testid={testid}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            onClose();
          }
        }}
      >
        <h3 class="cmodal__title">{title}</h3>
        {children}
      </div>
    </div>
  );
}

function Buttons({ onClose, ok, disabled }: { onClose: () => void; ok: string; disabled?: boolean }) {
  const { t } = useApp();
  return (
    <div class="cmodal__buttons">
      <button type="button" class="btn btn--ghost btn--small" onClick={onClose}>
        {t('controls.cancel')}
      </button>
      <button type="submit" class="btn btn--primary btn--small" data-testid="control-submit" disabled={disabled}>
        {ok}
      </button>
    </div>
  );
}

export function RenameDialog({ entry, current, onClose }: { entry: DialogEntry; current: string; onClose: () => void }) {
  const { t } = useApp();
  const { client } = useChat();
  const [name, setName] = useState(current);
  return (
    <Modal title={t('controls.rename_title')} testid="rename-dialog" onClose={onClose}>
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          client.controls.rename(entry.visitor, name);
          onClose();
        }}
      >
        <label class="field">
          <span class="field__label">{t('controls.rename_label')}</span>
          <input class="input" data-testid="rename-input" maxLength={100} value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
          <span class="field__hint">{t('controls.rename_hint')}</span>
        </label>
        <Buttons onClose={onClose} ok={t('controls.save')} />
      </form>
    </Modal>
  );
}

export function TranscriptDialog({ entry, contactEmail, onClose }: { entry: DialogEntry; contactEmail: string; onClose: () => void }) {
  const { t } = useApp();
  const { client } = useChat();
  const [email, setEmail] = useState(contactEmail);
  const bad = email.trim() !== '' && !looksLikeEmail(email);
  return (
    <Modal title={t('controls.transcript_title')} testid="transcript-dialog" onClose={onClose}>
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (bad) return;
          client.controls.transcript(entry.id, email);
          onClose();
        }}
      >
        <label class="field">
          <span class="field__label">{t('controls.transcript_label')}</span>
          <input
            class="input"
            type="email"
            data-testid="transcript-email"
            maxLength={254}
            value={email}
            aria-invalid={bad}
            onInput={(e) => setEmail((e.currentTarget as HTMLInputElement).value)}
          />
          <span class="field__hint">{t('controls.transcript_hint')}</span>
        </label>
        <Buttons onClose={onClose} ok={t('controls.send')} disabled={bad} />
      </form>
    </Modal>
  );
}

function OperatorChoice({ people, onPick, testid }: { people: { id: number; name: string }[]; onPick: (id: number) => void; testid: string }) {
  const { t } = useApp();
  if (people.length === 0) return <p class="field__hint">{t('controls.nobody_online')}</p>;
  return (
    <ul class="cmodal__list" role="list">
      {people.map((o) => (
        <li key={o.id}>
          <button type="button" class="transfer__option" data-testid={testid} data-user-id={o.id} onClick={() => onPick(o.id)}>
            <span class="presence__dot presence__dot--focused" aria-hidden="true" />
            {o.name || t('chat.operator_id', { id: o.id })}
          </button>
        </li>
      ))}
    </ul>
  );
}

export function InviteDialog({ entry, onClose }: { entry: DialogEntry; onClose: () => void }) {
  const { t } = useApp();
  const { client, state } = useChat();
  const people = inviteTargets(state.team[entry.site] ?? [], entry, state.user?.id);
  return (
    <Modal title={t('controls.invite_title')} testid="invite-dialog" onClose={onClose}>
      <OperatorChoice
        people={people}
        testid="invite-option"
        onPick={(id) => {
          client.controls.invite(entry.id, id);
          onClose();
        }}
      />
      <div class="cmodal__buttons">
        <button type="button" class="btn btn--ghost btn--small" onClick={onClose}>
          {t('controls.cancel')}
        </button>
      </div>
    </Modal>
  );
}

export function TransferDialog({ entry, onClose }: { entry: DialogEntry; onClose: () => void }) {
  const { api, t } = useApp();
  const { client } = useChat();
  const [deps, setDeps] = useState<Department[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api.departments(entry.site).then(setDeps, setError);
  }, [api, entry.site]);
  return (
    <Modal title={t('controls.transfer_title')} testid="transfer-dialog" onClose={onClose}>
      <h4 class="cmodal__sub">{t('controls.to_department')}</h4>
      <ErrorBox message={error ? errorText(error, t) : null} />
      {deps === null && !error && <p class="field__hint">{t('common.loading')}</p>}
      {deps !== null && deps.length === 0 && <p class="field__hint">{t('controls.no_departments')}</p>}
      {deps !== null && deps.length > 0 && (
        <ul class="cmodal__list" role="list">
          {deps.map((d) => (
            <li key={d.id}>
              <button
                type="button"
                class={d.id === entry.department ? 'transfer__option is-on' : 'transfer__option'}
                data-testid="transfer-department"
                data-department-id={d.id}
                disabled={d.id === entry.department}
                onClick={() => {
                  client.controls.transferToDepartment(entry.id, d.id);
                  onClose();
                }}
              >
                {d.name}
              </button>
            </li>
          ))}
        </ul>
      )}
      <h4 class="cmodal__sub">{t('controls.to_operator')}</h4>
      <OperatorChoice
        people={client.transferTargets(entry.site)}
        testid="transfer-operator"
        onPick={(id) => {
          client.transfer(entry.id, id);
          onClose();
        }}
      />
      <div class="cmodal__buttons">
        <button type="button" class="btn btn--ghost btn--small" onClick={onClose}>
          {t('controls.cancel')}
        </button>
      </div>
    </Modal>
  );
}
