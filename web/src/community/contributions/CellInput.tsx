import type { TableField } from '../../api/data';
import { useT } from '../../i18n/I18nProvider';
import { FieldShell } from '../../ui/Field';

interface Props {
  field: TableField;
  value: string;
  /** The stored value as text (existing rows): the cell is highlighted when it differs. */
  original?: string;
  error?: string;
  onChange: (text: string) => void;
}

/** One cell of the row editor, labelled by its column name; the input follows the column type. */
export function CellInput({ field, value, original, error, onChange }: Props) {
  const t = useT();
  const changed = original !== undefined && value !== original;
  const hint = changed
    ? t('contrib.edit.was', { value: original === '' ? t('contrib.diff.empty') : original })
    : undefined;
  const className = ['cell-input', changed ? 'cell-input--changed' : ''].filter(Boolean).join(' ');
  return (
    <FieldShell label={field.name} hint={hint} error={error} className={className}>
      {(control) =>
        field.type === 'boolean' ? (
          <select {...control} value={value} onChange={(e) => onChange(e.target.value)}>
            <option value="">{t('contrib.edit.emptyValue')}</option>
            <option value="true">{t('contrib.edit.true')}</option>
            <option value="false">{t('contrib.edit.false')}</option>
          </select>
        ) : (
          <input
            {...control}
            type={field.type === 'date' ? 'date' : 'text'}
            inputMode={field.type === 'integer' ? 'numeric' : field.type === 'number' ? 'decimal' : undefined}
            value={value}
            onChange={(e) => onChange(e.target.value)}
          />
        )
      }
    </FieldShell>
  );
}
