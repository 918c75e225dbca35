import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useT } from '../../i18n/I18nProvider';

/**
 * A destructive action in two steps: the button reveals "Confirm" and "Cancel" (focus moves to
 * Cancel, the safe choice); nothing happens until Confirm.
 */
export function ConfirmButton({
  label,
  confirmLabel,
  question,
  onConfirm,
  disabled,
  small = true,
}: {
  label: ReactNode;
  confirmLabel: string;
  question: string;
  onConfirm: () => void | Promise<void>;
  disabled?: boolean;
  small?: boolean;
}) {
  const t = useT();
  const [asking, setAsking] = useState(false);
  const cancel = useRef<HTMLButtonElement>(null);
  const size = small ? ' button--small' : '';
  useEffect(() => {
    if (asking) cancel.current?.focus();
  }, [asking]);
  if (!asking) {
    return (
      <button
        type="button"
        className={`button button--danger${size}`}
        disabled={disabled}
        onClick={() => setAsking(true)}
      >
        {label}
      </button>
    );
  }
  return (
    <span className="confirm" role="group" aria-label={question}>
      <span className="confirm__question">{question}</span>
      <button
        type="button"
        className={`button button--danger${size}`}
        disabled={disabled}
        onClick={() => {
          setAsking(false);
          void onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button ref={cancel} type="button" className={`button button--secondary${size}`} onClick={() => setAsking(false)}>
        {t('dev.common.cancel')}
      </button>
    </span>
  );
}
