import type { ReactNode } from 'react';
import type { TableField } from '../../api/data';
import { CellInput } from './CellInput';

interface Props {
  legend: string;
  fields: TableField[];
  values: Record<string, string>;
  originals?: Record<string, string>;
  /** Column → server message; "" for the change as a whole. */
  errors?: Record<string, string>;
  onChange: (column: string, text: string) => void;
  children?: ReactNode;
}

/** The cells of one row as a form group (existing or new row); `children` are its buttons. */
export function RowEditor({ legend, fields, values, originals, errors = {}, onChange, children }: Props) {
  return (
    <fieldset className="row-editor">
      <legend>{legend}</legend>
      {errors[''] && <p className="field__error">{errors['']}</p>}
      <div className="row-editor__cells">
        {fields.map((f) => (
          <CellInput
            key={f.name}
            field={f}
            value={values[f.name] ?? ''}
            original={originals?.[f.name]}
            error={errors[f.name]}
            onChange={(text) => onChange(f.name, text)}
          />
        ))}
      </div>
      <div className="actions">{children}</div>
    </fieldset>
  );
}
