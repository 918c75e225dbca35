import { useId, useState, type FormEvent } from 'react';
import type { TableField } from '../../api/data';
import { useT } from '../../i18n/I18nProvider';
import { opLabel } from './opLabel';
import { OPS, type Filter, type Op } from './viewState';

const TEXT_ONLY: Op[] = ['contains', 'startswith'];
const ORDERED: Op[] = ['lt', 'lte', 'gt', 'gte'];

/** Column + operator + value → a new filter. */
export function FilterBuilder({ fields, onAdd }: { fields: TableField[]; onAdd: (filter: Filter) => void }) {
  const t = useT();
  const id = useId();
  const [column, setColumn] = useState(fields[0]?.name ?? '');
  const [op, setOp] = useState<Op>('eq');
  const [value, setValue] = useState('');
  const [error, setError] = useState(false);
  const field = fields.find((f) => f.name === column);
  const ops = OPS.filter((o) => {
    if (!field) return true;
    if (TEXT_ONLY.includes(o)) return field.type === 'string';
    if (ORDERED.includes(o)) return field.type !== 'boolean';
    return true;
  });
  const currentOp = ops.includes(op) ? op : 'eq';
  const inputType =
    field?.type === 'integer' || field?.type === 'number' ? 'number' : field?.type === 'date' ? 'date' : 'text';

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const v = currentOp === 'isnull' ? value || 'true' : value.trim();
    if (!column || (currentOp !== 'isnull' && v === '')) {
      setError(true);
      document.getElementById(`${id}-value`)?.focus();
      return;
    }
    setError(false);
    onAdd({ column, op: currentOp, value: v });
    setValue('');
  };

  return (
    <form className="filter-builder" onSubmit={onSubmit} noValidate aria-label={t('data.explorer.filters')}>
      <div className="field">
        <label htmlFor={`${id}-col`}>{t('data.explorer.filterColumn')}</label>
        <select id={`${id}-col`} value={column} onChange={(e) => setColumn(e.target.value)}>
          {fields.map((f) => (
            <option key={f.name} value={f.name}>
              {f.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-op`}>{t('data.explorer.operator')}</label>
        <select id={`${id}-op`} value={currentOp} onChange={(e) => setOp(e.target.value as Op)}>
          {ops.map((o) => (
            <option key={o} value={o}>
              {opLabel(t, o)}
            </option>
          ))}
        </select>
      </div>
      <div className={error ? 'field field--invalid' : 'field'}>
        <label htmlFor={`${id}-value`}>{t('data.explorer.value')}</label>
        {currentOp === 'isnull' ? (
          <select id={`${id}-value`} value={value || 'true'} onChange={(e) => setValue(e.target.value)}>
            <option value="true">{t('data.op.isEmpty')}</option>
            <option value="false">{t('data.op.isNotEmpty')}</option>
          </select>
        ) : field?.type === 'boolean' ? (
          <select
            id={`${id}-value`}
            value={value}
            onChange={(e) => setValue(e.target.value)}
            aria-invalid={error || undefined}
          >
            <option value="">—</option>
            <option value="true">true</option>
            <option value="false">false</option>
          </select>
        ) : (
          <input
            id={`${id}-value`}
            type={currentOp === 'in' ? 'text' : inputType}
            step="any"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            aria-invalid={error || undefined}
            aria-describedby={error ? `${id}-error` : currentOp === 'in' ? `${id}-hint` : undefined}
          />
        )}
        {currentOp === 'in' && (
          <p id={`${id}-hint`} className="field__hint small">
            {t('data.explorer.inHint')}
          </p>
        )}
        {error && (
          <p id={`${id}-error`} className="field__error">
            {t('data.explorer.valueRequired')}
          </p>
        )}
      </div>
      <button type="submit" className="button button--secondary">
        {t('data.explorer.addFilter')}
      </button>
    </form>
  );
}
