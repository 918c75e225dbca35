import { useId, useRef } from 'react';
import { useCopy } from './useCopy';
import { useT } from '../i18n/I18nProvider';
import { StatusMessage } from './Messages';

/** Read-only value with a Copy button (Clipboard API, manual fallback). */
export function CopyField({ label, value }: { label: string; value: string }) {
  const t = useT();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const { state: status, copy: copyText } = useCopy();

  const copy = async () => {
    if (await copyText(value)) return;
    // No clipboard access: select the value so the user can copy it by hand.
    input.current?.focus();
    input.current?.select();
  };

  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <div className="copy-field">
        <input ref={input} id={id} className="mono" readOnly value={value} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" className="button button--secondary" onClick={() => void copy()}>
          {t('common.copy')}
        </button>
      </div>
      <StatusMessage tone="info">
        {status === 'copied' ? t('common.copied') : status === 'failed' ? t('common.copyFailed') : null}
      </StatusMessage>
    </div>
  );
}
