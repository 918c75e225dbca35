import {
  useId,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'react';
import { useT } from '../i18n/I18nProvider';

interface ControlProps {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: true;
}

interface ShellProps {
  label: string;
  hint?: string;
  error?: string;
  className?: string;
  children: (control: ControlProps) => ReactNode;
}

/**
 * Label + hint + error message around one form control. The control gets
 * `aria-describedby` (hint, error) and `aria-invalid` when in error.
 */
export function FieldShell({ label, hint, error, className, children }: ShellProps) {
  const t = useT();
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={['field', error ? 'field--invalid' : '', className ?? ''].filter(Boolean).join(' ')}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p id={hintId} className="field__hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="field__error">
          <span className="visually-hidden">{t('common.errorPrefix')} </span>
          {error}
        </p>
      )}
      {children({ id, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined })}
    </div>
  );
}

type Base = { label: string; hint?: string; error?: string; value: string; onValueChange: (value: string) => void };

export function TextField({
  label,
  hint,
  error,
  value,
  onValueChange,
  className,
  ...rest
}: Base & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'id'>) {
  return (
    <FieldShell label={label} hint={hint} error={error} className={className}>
      {(control) => <input {...rest} {...control} value={value} onChange={(e) => onValueChange(e.target.value)} />}
    </FieldShell>
  );
}

export function TextAreaField({
  label,
  hint,
  error,
  value,
  onValueChange,
  className,
  ...rest
}: Base & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'onChange' | 'id'>) {
  return (
    <FieldShell label={label} hint={hint} error={error} className={className}>
      {(control) => (
        <textarea rows={4} {...rest} {...control} value={value} onChange={(e) => onValueChange(e.target.value)} />
      )}
    </FieldShell>
  );
}

export function SelectField({
  label,
  hint,
  error,
  value,
  onValueChange,
  className,
  options,
  ...rest
}: Base & { options: { value: string; label: string }[] } & Omit<
    SelectHTMLAttributes<HTMLSelectElement>,
    'value' | 'onChange' | 'id'
  >) {
  return (
    <FieldShell label={label} hint={hint} error={error} className={className}>
      {(control) => (
        <select {...rest} {...control} value={value} onChange={(e) => onValueChange(e.target.value)}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </FieldShell>
  );
}
