import { useId } from 'react';
import { useT } from '../../i18n/I18nProvider';
import { THEMES, themeLabel } from '../labels';

/** Checkbox group of the EU data themes. */
export function ThemesField({
  value,
  onChange,
  error,
}: {
  value: string[];
  onChange: (next: string[]) => void;
  error?: string;
}) {
  const t = useT();
  const id = useId();
  const toggle = (code: string, checked: boolean) =>
    onChange(checked ? [...value.filter((c) => c !== code), code] : value.filter((c) => c !== code));
  return (
    <fieldset className={error ? 'field field--invalid' : 'field'} aria-describedby={error ? `${id}-error` : undefined}>
      <legend>
        {t('data.form.themes')} <span className="muted">{t('common.optional')}</span>
      </legend>
      {error && (
        <p id={`${id}-error`} className="field__error">
          {error}
        </p>
      )}
      <ul className="checkbox-list theme-grid">
        {THEMES.map((code) => (
          <li key={code}>
            <input
              type="checkbox"
              id={`${id}-${code}`}
              checked={value.includes(code)}
              onChange={(e) => toggle(code, e.target.checked)}
            />
            <label htmlFor={`${id}-${code}`}>{themeLabel(t, code)}</label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}
