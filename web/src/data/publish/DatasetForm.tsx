import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { seg } from '../../api/client';
import { useAction } from '../../api/hooks';
import { itemsOf, useMyOrganizations } from '../../api/platform';
import { useDatasetActions, type DatasetInput, type DatasetStatus, type DatasetView } from '../../api/data';
import { useT } from '../../i18n/I18nProvider';
import { SelectField, TextAreaField, TextField } from '../../ui/Field';
import { ErrorAlert } from '../../ui/Messages';
import { useFormErrors } from '../../ui/useFormErrors';
import { FREQUENCIES, LICENSES, frequencyLabel, licenseLabel, statusLabel } from '../labels';
import {
  PERSONAL,
  SLUG_PATTERN,
  emptyValues,
  nextStatuses,
  toBody,
  validateValues,
  valuesFrom,
  type DatasetBody,
  type FieldName,
  type Values,
} from './formModel';
import { ThemesField } from './ThemesField';

const PUBLISHER_ROLES = new Set(['owner', 'admin', 'editor']);
const SHOWN_FIELDS = [
  'title',
  'slug',
  'organization',
  'description',
  'keywords',
  'themes',
  'license',
  'contactPoint',
  'temporal',
  'spatial',
  'frequency',
  'status',
];

/** A new dataset has no null `spatial` to clear and cannot start archived. */
function creation({ spatial, status, ...rest }: DatasetBody): DatasetInput {
  return { ...rest, ...(spatial ? { spatial } : {}), ...(status && status !== 'archived' ? { status } : {}) };
}

/** Create (no `dataset`) or edit a dataset's metadata; goes to the dataset page when saved. */
export function DatasetForm({ dataset, defaultOrganization }: { dataset?: DatasetView; defaultOrganization?: string }) {
  const t = useT();
  const navigate = useNavigate();
  const creating = !dataset;
  const action = useAction();
  const datasets = useDatasetActions();
  const errors = useFormErrors<FieldName | 'themes'>(action);
  const orgs = useMyOrganizations(creating);
  const [values, setValues] = useState<Values>(() =>
    dataset ? valuesFrom(dataset) : emptyValues(defaultOrganization),
  );
  const set = (field: FieldName) => (value: string) => setValues((prev) => ({ ...prev, [field]: value }));

  const publishable = itemsOf(orgs.data).filter((o) => PUBLISHER_ROLES.has(o.role));
  const orgOptions = [
    { value: PERSONAL, label: t('data.form.personal') },
    ...publishable.map((o) => ({ value: o.slug, label: o.name })),
  ];
  if (values.organization && !publishable.some((o) => o.slug === values.organization)) {
    orgOptions.push({ value: values.organization, label: values.organization });
  }
  // Server problems on nested fields (contactPoint/email, temporal/end) land on the visible control.
  const serverError = (field: FieldName): string | undefined => {
    const nested: Partial<Record<FieldName, string>> = {
      contactName: 'contactPoint',
      contactEmail: 'contactPoint',
      start: 'temporal',
      end: 'temporal',
    };
    return errors.errorFor(field) ?? (nested[field] ? action.fieldErrors[nested[field]] : undefined);
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!errors.accept(validateValues(values, creating))) return;
    const body = toBody(values, creating);
    if (dataset && body.status === dataset.status) delete body.status;
    const result = await action.run(() =>
      dataset ? datasets.update(dataset.slug, body) : datasets.create(creation(body)),
    );
    if (result.ok) navigate(`/datasets/${seg(result.value.slug)}`, { state: { saved: true } });
  };

  const statuses = nextStatuses(dataset ? dataset.status : null);

  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate className="form dataset-form">
      <ErrorAlert error={action.error} shownFields={SHOWN_FIELDS} />
      <TextField
        label={t('data.form.title')}
        required
        maxLength={200}
        value={values.title}
        onValueChange={set('title')}
        error={errors.errorFor('title')}
      />
      {creating && (
        <TextField
          label={`${t('data.form.slug')} ${t('common.optional')}`}
          hint={t('data.form.slugHint')}
          pattern={SLUG_PATTERN}
          maxLength={100}
          autoCapitalize="none"
          spellCheck={false}
          value={values.slug}
          onValueChange={set('slug')}
          error={errors.errorFor('slug')}
        />
      )}
      {creating && (
        <SelectField
          label={t('data.form.organization')}
          hint={t('data.form.organizationHint')}
          value={values.organization}
          onValueChange={set('organization')}
          error={errors.errorFor('organization')}
          options={orgOptions}
        />
      )}
      <TextAreaField
        label={`${t('data.form.description')} ${t('common.optional')}`}
        hint={t('data.form.descriptionHint')}
        rows={8}
        maxLength={20000}
        value={values.description}
        onValueChange={set('description')}
        error={errors.errorFor('description')}
      />
      <TextField
        label={`${t('data.form.keywords')} ${t('common.optional')}`}
        hint={t('data.form.keywordsHint')}
        value={values.keywords}
        onValueChange={set('keywords')}
        error={errors.errorFor('keywords')}
      />
      <ThemesField
        value={values.themes}
        onChange={(themes) => setValues((prev) => ({ ...prev, themes }))}
        error={errors.errorFor('themes')}
      />
      <SelectField
        label={t('data.form.license')}
        hint={t('data.form.licenseHint')}
        value={values.license}
        onValueChange={set('license')}
        error={errors.errorFor('license')}
        options={LICENSES.map((id) => ({ value: id, label: licenseLabel(t, id) }))}
      />
      <fieldset className="field fieldset-group">
        <legend>
          {t('data.form.contact')} <span className="muted">{t('common.optional')}</span>
        </legend>
        <TextField
          label={t('data.form.contactName')}
          autoComplete="off"
          maxLength={120}
          value={values.contactName}
          onValueChange={set('contactName')}
          error={serverError('contactName')}
        />
        <TextField
          label={t('data.form.contactEmail')}
          type="email"
          autoComplete="off"
          maxLength={254}
          value={values.contactEmail}
          onValueChange={set('contactEmail')}
          error={serverError('contactEmail')}
        />
      </fieldset>
      <fieldset className="field fieldset-group">
        <legend>
          {t('data.form.temporal')} <span className="muted">{t('common.optional')}</span>
        </legend>
        <TextField
          label={t('data.form.start')}
          type="date"
          value={values.start}
          onValueChange={set('start')}
          error={serverError('start')}
        />
        <TextField
          label={t('data.form.end')}
          type="date"
          value={values.end}
          onValueChange={set('end')}
          error={serverError('end')}
        />
      </fieldset>
      <TextField
        label={`${t('data.form.spatial')} ${t('common.optional')}`}
        hint={t('data.form.spatialHint')}
        maxLength={200}
        value={values.spatial}
        onValueChange={set('spatial')}
        error={errors.errorFor('spatial')}
      />
      <SelectField
        label={`${t('data.form.frequency')} ${t('common.optional')}`}
        value={values.frequency}
        onValueChange={set('frequency')}
        error={errors.errorFor('frequency')}
        options={[
          { value: '', label: t('data.form.frequencyNone') },
          ...FREQUENCIES.map((f) => ({ value: f, label: frequencyLabel(t, f) })),
        ]}
      />
      <SelectField
        label={t('data.form.status')}
        hint={t('data.form.statusHint')}
        value={values.status}
        onValueChange={set('status')}
        error={errors.errorFor('status')}
        options={statuses.map((s: DatasetStatus) => ({ value: s, label: statusLabel(t, s) }))}
      />
      <div className="actions">
        <button type="submit" className="button" disabled={action.pending}>
          {action.pending ? t('common.saving') : creating ? t('data.form.create') : t('data.form.save')}
        </button>
        <button
          type="button"
          className="button button--secondary"
          onClick={() => navigate(dataset ? `/datasets/${seg(dataset.slug)}` : '/datasets')}
        >
          {t('data.form.cancel')}
        </button>
      </div>
    </form>
  );
}
