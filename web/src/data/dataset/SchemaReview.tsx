import { useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { useAction } from '../../api/hooks';
import {
  FIELD_TYPES,
  useTableSchema,
  type FieldType,
  type ResourceCreated,
  type SchemaInput,
  type TableField,
} from '../../api/data';
import { useT } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/en';
import { ErrorAlert, Loading, StatusMessage, useErrorMessage } from '../../ui/Messages';
import { TableWrap } from '../../ui/TableWrap';
import { ForceOption } from './ForceOption';

interface Props {
  slug: string;
  resourceId: string;
  title: string;
  onApplied: (created: ResourceCreated) => void;
  /** The publish guard's threshold (rejected share) of this resource. */
  threshold?: number;
}

/** Column types of the live table; "Apply schema" re-imports the file with the chosen types. */
export function SchemaReview({ slug, resourceId, title, onApplied, threshold = 0.1 }: Props) {
  const t = useT();
  const errorMessage = useErrorMessage();
  const schema = useTableSchema(slug, resourceId);
  const action = useAction();
  const [types, setTypes] = useState<Record<string, string>>({});
  const [done, setDone] = useState(false);
  const [force, setForce] = useState(false);

  if (schema.loading && !schema.data) return <Loading />;
  if (!schema.data)
    return <p className="notice notice--error">{schema.error ? errorMessage(schema.error) : t('error.loadFailed')}</p>;
  const fields = schema.data.fields;
  const typeOf = (f: TableField) => types[f.name] ?? f.type;
  const changed = fields.filter((f) => typeOf(f) !== f.type);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(false);
    // Types are the live schema's or one of FIELD_TYPES (the select's options); the server re-checks them.
    const body: SchemaInput & { missingValues: string[] } = {
      ...schema.data!,
      missingValues: schema.data!.missingValues ?? [],
      fields: fields.map((f) => {
        if (typeOf(f) === f.type) return { ...f, type: f.type as FieldType };
        const { format: _format, ...rest } = f;
        return { ...rest, type: typeOf(f) as FieldType };
      }),
    };
    const result = await action.run(() =>
      api.PUT('/api/v1/datasets/{slug}/resources/{id}/schema', {
        params: { path: { slug, id: resourceId } },
        body: force ? { ...body, force: true } : body,
      }),
    );
    if (!result.ok) return;
    setDone(true);
    setTypes({});
    schema.setData(() => body);
    onApplied(result.value);
  };

  return (
    <form className="schema-review" onSubmit={(e) => void onSubmit(e)}>
      <p className="small muted">{t('data.schema.intro')}</p>
      <ErrorAlert error={action.error} />
      <StatusMessage>{done ? t('data.schema.applied') : null}</StatusMessage>
      <TableWrap label={t('data.schema.caption', { title })}>
        <table>
          <caption className="visually-hidden">{t('data.schema.caption', { title })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('data.schema.column')}</th>
              <th scope="col">{t('data.schema.type')}</th>
            </tr>
          </thead>
          <tbody>
            {fields.map((f) => {
              const id = `schema-${resourceId}-${f.name}`;
              return (
                <tr key={f.name}>
                  <th scope="row">
                    <span className="mono">{f.name}</span>
                  </th>
                  <td>
                    <select
                      id={id}
                      className="select--compact"
                      value={typeOf(f)}
                      aria-label={t('data.schema.typeOf', { name: f.name })}
                      onChange={(e) => setTypes((prev) => ({ ...prev, [f.name]: e.target.value }))}
                    >
                      {!(FIELD_TYPES as readonly string[]).includes(f.type) && <option value={f.type}>{f.type}</option>}
                      {FIELD_TYPES.map((type) => (
                        <option key={type} value={type}>
                          {t(`data.type.${type}` as MessageKey)}
                        </option>
                      ))}
                    </select>
                    {typeOf(f) !== f.type && <span className="badge">{t('data.schema.changed')}</span>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableWrap>
      <ForceOption id={`retype-force-${resourceId}`} threshold={threshold} force={force} onChange={setForce} />
      <button type="submit" className="button" disabled={action.pending}>
        {t('data.schema.apply')}
      </button>
      {changed.length === 0 && <p className="small muted">{t('data.schema.noChange')}</p>}
    </form>
  );
}
