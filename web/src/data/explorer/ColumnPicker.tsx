import { useId } from 'react';
import type { TableField } from '../../api/data';
import { useT } from '../../i18n/I18nProvider';

/** Checkboxes choosing the visible columns (`_fields`); null means all. */
export function ColumnPicker({
  fields,
  visible,
  onChange,
}: {
  fields: TableField[];
  visible: string[] | null;
  onChange: (fields: string[] | null) => void;
}) {
  const t = useT();
  const id = useId();
  const shown = visible ?? fields.map((f) => f.name);
  const toggle = (name: string, checked: boolean) => {
    const next = fields.map((f) => f.name).filter((n) => (n === name ? checked : shown.includes(n)));
    if (next.length === 0) return;
    onChange(next.length === fields.length ? null : next);
  };
  return (
    <details className="column-picker">
      <summary>{t('data.explorer.columns', { shown: shown.length, total: fields.length })}</summary>
      <fieldset className="field">
        <legend className="visually-hidden">{t('data.explorer.columnsLegend')}</legend>
        <ul className="checkbox-list column-picker__list">
          {fields.map((f) => (
            <li key={f.name}>
              <input
                type="checkbox"
                id={`${id}-${f.name}`}
                checked={shown.includes(f.name)}
                disabled={shown.length === 1 && shown.includes(f.name)}
                onChange={(e) => toggle(f.name, e.target.checked)}
              />
              <label htmlFor={`${id}-${f.name}`} className="mono">
                {f.name}
              </label>
            </li>
          ))}
        </ul>
        {visible && (
          <button type="button" className="button button--small button--secondary" onClick={() => onChange(null)}>
            {t('data.explorer.allColumns')}
          </button>
        )}
      </fieldset>
    </details>
  );
}
