import { useId } from 'react';
import { useT } from '../../i18n/I18nProvider';

/** The "File" input shared by the upload forms. */
export function FileInput({
  onFile,
  error,
  hint,
}: {
  onFile: (file: File | null) => void;
  error?: string;
  hint?: string;
}) {
  const t = useT();
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={error ? 'field field--invalid' : 'field'}>
      <label htmlFor={id}>{t('data.upload.file')}</label>
      {hint && (
        <p id={`${id}-hint`} className="field__hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="field__error">
          <span className="visually-hidden">{t('common.errorPrefix')} </span>
          {error}
        </p>
      )}
      <input
        id={id}
        type="file"
        name="file"
        aria-describedby={describedBy}
        aria-invalid={error ? true : undefined}
        onChange={(e) => onFile(e.target.files?.[0] ?? null)}
      />
    </div>
  );
}
