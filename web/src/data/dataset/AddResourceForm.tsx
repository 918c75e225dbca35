import { useId, useState, type FormEvent } from 'react';
import { useAction } from '../../api/hooks';
import { useDatasetActions, type ResourceCreated } from '../../api/data';
import { useT } from '../../i18n/I18nProvider';
import { TextAreaField, TextField } from '../../ui/Field';
import { ErrorAlert } from '../../ui/Messages';
import { communityResourcesApi, datasetApi } from '../paths';
import { FileInput } from './FileInput';
import { ProgressBar } from './ProgressBar';
import { useUpload } from './useUpload';

type Mode = 'file' | 'url';

/** Upload a file (with an upload progress bar) or link a URL: a resource of the dataset, or (`community`) a community resource. */
export function AddResourceForm({
  slug,
  onAdded,
  community = false,
}: {
  slug: string;
  onAdded: (created: ResourceCreated) => void;
  community?: boolean;
}) {
  const t = useT();
  const modeName = useId();
  const [mode, setMode] = useState<Mode>('file');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [url, setUrl] = useState('');
  const [format, setFormat] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [clientErrors, setClientErrors] = useState<Record<string, string>>({});
  const upload = useUpload();
  const link = useAction();
  const datasets = useDatasetActions();
  // The upload's address (a multipart request with progress, outside the typed client).
  const path = community ? communityResourcesApi(slug) : `${datasetApi(slug)}/resources`;

  const focusInvalid = () =>
    requestAnimationFrame(() => document.querySelector<HTMLElement>('.add-resource [aria-invalid="true"]')?.focus());

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const errors: Record<string, string> = {};
    if (mode === 'file' && !file) errors.file = t('data.upload.fileRequired');
    if (mode === 'url') {
      if (!title.trim()) errors.title = t('validation.required');
      if (!/^https?:\/\/\S+$/.test(url.trim())) errors.url = t('validation.url');
    }
    setClientErrors(errors);
    if (Object.keys(errors).length) {
      focusInvalid();
      return;
    }
    let created: ResourceCreated | null = null;
    if (mode === 'file' && file) {
      // Text fields first: the server reads them before streaming the file.
      const form = new FormData();
      form.append('title', title.trim() || file.name);
      form.append('description', description.trim());
      form.append('file', file);
      created = await upload.run<ResourceCreated>(path, form);
    } else {
      const body = {
        title: title.trim(),
        url: url.trim(),
        ...(description.trim() ? { description: description.trim() } : {}),
        ...(format.trim() ? { format: format.trim() } : {}),
      };
      const result = await link.run(() => datasets.addLink(slug, body, community));
      if (result.ok) created = result.value;
    }
    if (created) onAdded(created);
  };

  const serverErrors = mode === 'file' ? {} : link.fieldErrors;
  const errorFor = (field: string) => clientErrors[field] ?? serverErrors[field];
  const pending = upload.pending || link.pending;

  return (
    <form
      className="form add-resource"
      aria-label={community ? t('data.community.add') : undefined}
      onSubmit={(e) => void onSubmit(e)}
      noValidate
    >
      <ErrorAlert
        error={mode === 'file' ? upload.error : link.error}
        shownFields={['title', 'url', 'description', 'format']}
      />
      <fieldset className="field">
        <legend>{t('data.upload.mode')}</legend>
        <div className="radio-row">
          {(['file', 'url'] as const).map((m) => (
            <label key={m} className="radio">
              <input type="radio" name={modeName} value={m} checked={mode === m} onChange={() => setMode(m)} />
              {m === 'file' ? t('data.upload.modeFile') : t('data.upload.modeUrl')}
            </label>
          ))}
        </div>
      </fieldset>
      <TextField
        label={mode === 'file' ? `${t('data.upload.title')} ${t('common.optional')}` : t('data.upload.title')}
        hint={mode === 'file' ? t('data.upload.titleHint') : undefined}
        maxLength={200}
        value={title}
        onValueChange={setTitle}
        error={errorFor('title')}
      />
      <TextAreaField
        label={`${t('data.upload.description')} ${t('common.optional')}`}
        rows={3}
        maxLength={5000}
        value={description}
        onValueChange={setDescription}
        error={errorFor('description')}
      />
      {mode === 'file' ? (
        <FileInput onFile={setFile} hint={t('data.upload.fileHint')} error={clientErrors.file} />
      ) : (
        <>
          <TextField
            label={t('data.upload.url')}
            type="url"
            inputMode="url"
            placeholder="https://"
            value={url}
            onValueChange={setUrl}
            error={errorFor('url')}
          />
          <TextField
            label={`${t('data.upload.format')} ${t('common.optional')}`}
            hint={t('data.upload.formatHint')}
            maxLength={20}
            value={format}
            onValueChange={setFormat}
            error={errorFor('format')}
          />
        </>
      )}
      {upload.pending && <ProgressBar label={t('data.upload.progress')} percent={upload.percent} />}
      <div className="actions">
        <button type="submit" className="button" disabled={pending}>
          {mode === 'file' ? t('data.upload.submit') : t('data.upload.link')}
        </button>
        {upload.pending && (
          <button type="button" className="button button--secondary" onClick={upload.cancel}>
            {t('data.upload.cancel')}
          </button>
        )}
      </div>
    </form>
  );
}
