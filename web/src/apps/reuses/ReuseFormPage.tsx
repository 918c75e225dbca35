import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { useAction } from '../../api/hooks';
import {
  REUSE_TYPES,
  useReuse,
  useReuseActions,
  type ReuseInput,
  type ReuseType,
  type ReuseView,
} from '../../api/reuses';
import { useDataset } from '../../api/data';
import { useMyOrganizations } from '../../api/platform';
import { useT } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/en';
import { RequireUser } from '../../session/RequireUser';
import { useDocumentTitle } from '../../shell/useDocumentTitle';
import { SelectField, TextAreaField, TextField } from '../../ui/Field';
import { ErrorAlert, Loading, useErrorMessage } from '../../ui/Messages';
import { useFormErrors } from '../../ui/useFormErrors';
import { required, validate, type Check } from '../../ui/validate';
import { DatasetPicker, type PickedDataset } from './DatasetPicker';
import { typeKey } from './ReuseCard';
import { reusePath } from './paths';

type Field = 'title' | 'description' | 'url' | 'image' | 'type' | 'topics' | 'datasets' | 'organization';

const httpUrl: Check = (v) => {
  try {
    const u = new URL(v.trim());
    return u.protocol === 'https:' || u.protocol === 'http:' ? null : 'reuses.validation.url';
  } catch {
    return v.trim() ? 'reuses.validation.url' : 'validation.required';
  }
};
const httpsImage: Check = (v) => {
  if (!v.trim()) return null;
  try {
    return new URL(v.trim()).protocol === 'https:' ? null : 'reuses.validation.image';
  } catch {
    return 'reuses.validation.image';
  }
};

/** /reuses/new (`?dataset=slug` preselects a dataset) */
export function NewReusePage() {
  const t = useT();
  useDocumentTitle(t('reuses.form.newTitle'));
  return (
    <div className="narrow-wide">
      <h1>{t('reuses.form.newTitle')}</h1>
      <p className="muted">{t('reuses.form.newIntro')}</p>
      <RequireUser>{() => <NewReuse />}</RequireUser>
    </div>
  );
}

function NewReuse() {
  const [params] = useSearchParams();
  const preset = params.get('dataset');
  const dataset = useDataset(preset);
  if (preset && dataset.loading) return <Loading />;
  const initial =
    dataset.data && dataset.data.status === 'published' ? [{ slug: dataset.data.slug, title: dataset.data.title }] : [];
  return <ReuseForm initialDatasets={initial} />;
}

/** /reuses/:slug/edit */
export function EditReusePage() {
  const { slug = '' } = useParams();
  return (
    <div className="narrow-wide">
      <RequireUser>{() => <EditReuse slug={slug} />}</RequireUser>
    </div>
  );
}

function EditReuse({ slug }: { slug: string }) {
  const t = useT();
  const errorMessage = useErrorMessage();
  const reuse = useReuse(slug);
  const data = reuse.data;
  useDocumentTitle(data ? t('reuses.form.editTitleOf', { title: data.title }) : t('reuses.form.editTitle'));
  if (!data) {
    return (
      <>
        <h1>{t('reuses.form.editTitle')}</h1>
        {reuse.loading ? (
          <Loading />
        ) : (
          <p className="notice notice--error">{reuse.error ? errorMessage(reuse.error) : t('error.loadFailed')}</p>
        )}
      </>
    );
  }
  return (
    <>
      <h1>{t('reuses.form.editTitleOf', { title: data.title })}</h1>
      <p>
        <Link to={reusePath(data.slug)}>{t('reuses.form.back')}</Link>
      </p>
      {data.viewerCanEdit ? (
        <ReuseForm reuse={data} initialDatasets={data.datasets} />
      ) : (
        <p className="notice notice--error">{t('reuses.form.forbidden')}</p>
      )}
    </>
  );
}

function ReuseForm({ reuse, initialDatasets }: { reuse?: ReuseView; initialDatasets: PickedDataset[] }) {
  const t = useT();
  const navigate = useNavigate();
  const action = useAction();
  const reuses = useReuseActions();
  const { errorFor, accept } = useFormErrors<Field>(action);
  const orgs = useMyOrganizations();
  const [values, setValues] = useState({
    title: reuse?.title ?? '',
    description: reuse?.description ?? '',
    url: reuse?.url ?? '',
    image: reuse?.image ?? '',
    type: (reuse?.type ?? 'application') as ReuseType,
    topics: reuse?.topics.join(', ') ?? '',
    organization: reuse?.organization?.slug ?? '',
  });
  const [datasets, setDatasets] = useState<PickedDataset[]>(initialDatasets);
  const set = (k: keyof typeof values) => (v: string) => setValues((cur) => ({ ...cur, [k]: v }));
  // Server errors on `datasets.N` show on the picker.
  const datasetError =
    errorFor('datasets') ?? Object.entries(action.fieldErrors).find(([k]) => k.startsWith('datasets'))?.[1];
  const [datasetsMissing, setDatasetsMissing] = useState(false);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const errors = validate<Field>({ ...values, datasets: '' }, { title: required, url: httpUrl, image: httpsImage });
    setDatasetsMissing(datasets.length === 0);
    if (!accept(errors) || datasets.length === 0) {
      if (Object.keys(errors).length === 0)
        requestAnimationFrame(() => document.querySelector<HTMLElement>('.dataset-picker input')?.focus());
      return;
    }
    const body: ReuseInput = {
      title: values.title.trim(),
      description: values.description,
      url: values.url.trim(),
      image: values.image.trim() || null,
      type: values.type,
      topics: values.topics
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
      datasets: datasets.map((d) => d.slug),
      organization: values.organization || null,
    };
    const result = await action.run(() => (reuse ? reuses.update(reuse.slug, body) : reuses.create(body)));
    if (result.ok) navigate(reusePath(result.value.slug), { state: { saved: true } });
  };

  const orgOptions = [
    { value: '', label: t('reuses.field.noOrganization') },
    ...(orgs.data?.items ?? []).map((o) => ({ value: o.slug, label: o.name })),
  ];
  if (values.organization && !orgOptions.some((o) => o.value === values.organization))
    orgOptions.push({ value: values.organization, label: reuse?.organization?.name ?? values.organization });

  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate className="reuse-form">
      <ErrorAlert
        error={action.error}
        shownFields={[
          'title',
          'description',
          'url',
          'image',
          'type',
          'topics',
          'organization',
          ...Object.keys(action.fieldErrors).filter((k) => k.startsWith('datasets') || k.startsWith('topics')),
        ]}
      />
      <TextField
        label={t('reuses.field.title')}
        value={values.title}
        onValueChange={set('title')}
        error={errorFor('title')}
        required
        maxLength={200}
      />
      <SelectField
        label={t('reuses.field.type')}
        value={values.type}
        onValueChange={set('type')}
        error={errorFor('type')}
        options={REUSE_TYPES.map((ty) => ({ value: ty, label: t(typeKey(ty)) }))}
      />
      <TextField
        label={t('reuses.field.url')}
        hint={t('reuses.field.urlHint')}
        type="url"
        value={values.url}
        onValueChange={set('url')}
        error={errorFor('url')}
        required
        maxLength={2000}
      />
      <TextAreaField
        label={t('reuses.field.description')}
        hint={t('reuses.field.descriptionHint')}
        value={values.description}
        onValueChange={set('description')}
        error={errorFor('description')}
        rows={6}
        maxLength={10000}
      />
      <TextField
        label={t('reuses.field.image')}
        hint={t('reuses.field.imageHint')}
        type="url"
        value={values.image}
        onValueChange={set('image')}
        error={errorFor('image')}
        maxLength={2000}
      />
      <TextField
        label={t('reuses.field.topics')}
        hint={t('reuses.field.topicsHint')}
        value={values.topics}
        onValueChange={set('topics')}
        error={errorFor('topics') ?? Object.entries(action.fieldErrors).find(([k]) => k.startsWith('topics.'))?.[1]}
      />
      <DatasetPicker
        value={datasets}
        onChange={(v) => {
          setDatasets(v);
          if (v.length) setDatasetsMissing(false);
        }}
        error={datasetsMissing ? t('reuses.validation.datasets' as MessageKey) : datasetError}
      />
      <SelectField
        label={t('reuses.field.organization')}
        hint={t('reuses.field.organizationHint')}
        value={values.organization}
        onValueChange={set('organization')}
        error={errorFor('organization')}
        options={orgOptions}
      />
      <p>
        <button type="submit" className="button" disabled={action.pending}>
          {action.pending ? t('common.saving') : reuse ? t('reuses.form.save') : t('reuses.form.publish')}
        </button>
      </p>
    </form>
  );
}
