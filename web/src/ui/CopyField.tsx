import { useId, useRef, useState } from 'react';
import { useT } from '../i18n/I18nProvider';
import { StatusMessage } from './Messages';

/** Read-only value with a Copy button (Clipboard API, manual fallback). */
export function CopyField({ label, value }: { label: string; value: string }) {
  const t = useT();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState<'idle' | 'copied' | 'failed'>('idle');

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setStatus('copied');
    } catch {
      input.current?.focus();
      input.current?.select();
      setStatus('failed');
    }
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
