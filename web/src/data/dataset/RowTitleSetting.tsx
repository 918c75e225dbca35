import { useId, useState, type FormEvent } from 'react';
import { useAction } from '../../api/hooks';
import { useDatasetActions, useTableSchema, type ResourceView } from '../../api/data';
import { useT } from '../../i18n/I18nProvider';
import { ErrorAlert, Loading, StatusMessage } from '../../ui/Messages';

interface Props {
  slug: string;
  resource: ResourceView;
  onSaved: () => void;
}

/** The publisher's choice of the column rows are recognised by (reviewers, contributors, history). */
export function RowTitleSetting({ slug, resource, onSaved }: Props) {
  const t = useT();
  const id = useId();
  const schema = useTableSchema(slug, resource.id);
  const datasets = useDatasetActions();
  const [value, setValue] = useState(resource.titleColumn ?? '');
  const [saved, setSaved] = useState(false);
  const action = useAction();

  if (schema.loading && !schema.data) return <Loading />;
  const fields = schema.data?.fields ?? [];

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    const outcome = await action.run(() => datasets.updateResource(slug, resource.id, { titleColumn: value || null }));
    if (outcome.ok) {
      setSaved(true);
      onSaved();
    }
  };

  return (
    <form className="inline-form" onSubmit={(e) => void onSubmit(e)}>
      <div className="field field--compact">
        <label htmlFor={`${id}-title`}>{t('data.rowTitle.label')}</label>
        <select
          id={`${id}-title`}
          value={value}
          aria-describedby={`${id}-hint`}
          onChange={(e) => {
            setValue(e.target.value);
            setSaved(false);
          }}
        >
          <option value="">{t('data.rowTitle.automatic')}</option>
          {fields.map((f) => (
            <option key={f.name} value={f.name}>
              {f.name}
            </option>
          ))}
        </select>
        <p id={`${id}-hint`} className="field__hint small muted">
          {t('data.rowTitle.hint')}
        </p>
      </div>
      <button type="submit" className="button button--small" disabled={action.pending}>
        {t('data.rowTitle.save')}
      </button>
      <ErrorAlert error={action.error ?? schema.error} />
      <StatusMessage>{saved ? t('data.rowTitle.saved') : ''}</StatusMessage>
    </form>
  );
}
