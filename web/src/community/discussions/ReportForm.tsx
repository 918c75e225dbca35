import { useId, useRef, useState, type FormEvent } from 'react';
import { useAction } from '../../api/hooks';
import { FLAG_REASONS, useModerationActions, type FlagKind, type FlagReason } from '../../api/community';
import { useT } from '../../i18n/I18nProvider';
import { SelectField, TextAreaField } from '../../ui/Field';
import { ErrorAlert, StatusMessage } from '../../ui/Messages';

/**
 * "Report" toggle that reveals a small flag form (reason + note for the
 * moderators). `context` describes the target for screen readers.
 */
export function ReportForm({ kind, id, context }: { kind: FlagKind; id: string; context: string }) {
  const t = useT();
  const formId = useId();
  const action = useAction();
  const moderation = useModerationActions();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState<FlagReason>('spam');
  const [note, setNote] = useState('');
  const [sent, setSent] = useState(false);
  const toggle = useRef<HTMLButtonElement>(null);

  const close = () => {
    setOpen(false);
    action.reset();
    requestAnimationFrame(() => toggle.current?.focus());
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const body = { target: { kind, id }, reason, ...(note.trim() ? { note: note.trim() } : {}) };
    const result = await action.run(() => moderation.report(body));
    if (result.ok) {
      setSent(true);
      setNote('');
      close();
    }
  };

  return (
    <div className="report">
      <button
        ref={toggle}
        type="button"
        className="link-button small"
        aria-expanded={open}
        aria-controls={open ? formId : undefined}
        aria-describedby={`${formId}-context`}
        onClick={() => {
          setSent(false);
          if (open) close();
          else setOpen(true);
        }}
      >
        {t('flag.report')}
      </button>
      <span id={`${formId}-context`} className="visually-hidden">
        {context}
      </span>
      <StatusMessage>{sent ? t('flag.sent') : null}</StatusMessage>
      {open && (
        <form id={formId} className="form report__form" onSubmit={(e) => void onSubmit(e)} noValidate>
          <ErrorAlert error={action.error} shownFields={['reason', 'note', 'target']} />
          <SelectField
            label={t('flag.reason')}
            value={reason}
            onValueChange={(v) => setReason(v as FlagReason)}
            error={action.fieldErrors.reason}
            options={FLAG_REASONS.map((r) => ({ value: r, label: t(`flag.reason.${r}`) }))}
            autoFocus
          />
          <TextAreaField
            label={t('flag.note')}
            hint={t('flag.noteHint')}
            value={note}
            onValueChange={setNote}
            maxLength={2000}
            rows={3}
            error={action.fieldErrors.note}
          />
          <div className="actions">
            <button type="submit" className="button button--small" disabled={action.pending}>
              {t('flag.send')}
            </button>
            <button type="button" className="button button--small button--secondary" onClick={close}>
              {t('disc.cancel')}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
