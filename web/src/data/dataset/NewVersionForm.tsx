import { useState, type FormEvent } from 'react';
import type { ResourceCreated } from '../../api/data';
import { useI18n } from '../../i18n/I18nProvider';
import { ErrorAlert } from '../../ui/Messages';
import { communityResourceApi, resourceApi } from '../paths';
import { FileInput } from './FileInput';
import { ForceOption } from './ForceOption';
import { ProgressBar } from './ProgressBar';
import { useUpload } from './useUpload';

/** Upload a new version of a file resource (`community`: of one's own community resource); the current one stays live until imported. */
export function NewVersionForm({
  slug,
  resourceId,
  onUploaded,
  community = false,
  threshold = 0.1,
}: {
  slug: string;
  resourceId: string;
  onUploaded: (created: ResourceCreated) => void;
  community?: boolean;
  /** The resource's publish guard: the rejected share above which a version does not go live unless forced. */
  threshold?: number;
}) {
  const { t } = useI18n();
  const upload = useUpload();
  const [file, setFile] = useState<File | null>(null);
  const [missing, setMissing] = useState(false);
  const [force, setForce] = useState(false);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) {
      setMissing(true);
      return;
    }
    setMissing(false);
    const form = new FormData();
    // Text fields before the file: the server reads them as the multipart stream arrives.
    if (force) form.append('force', '1');
    form.append('file', file);
    const created = await upload.run<ResourceCreated>(
      `${community ? communityResourceApi(slug, resourceId) : resourceApi(slug, resourceId)}/versions`,
      form,
    );
    if (created) onUploaded(created);
  };

  return (
    <form className="form" onSubmit={(e) => void onSubmit(e)} noValidate>
      <ErrorAlert error={upload.error} shownFields={['file']} />
      <FileInput
        onFile={setFile}
        hint={t('data.upload.versionHint')}
        error={missing ? t('data.upload.fileRequired') : undefined}
      />
      <ForceOption id={`force-${resourceId}`} threshold={threshold} force={force} onChange={setForce} />
      {upload.pending && <ProgressBar label={t('data.upload.progress')} percent={upload.percent} />}
      <div className="actions">
        <button type="submit" className="button" disabled={upload.pending}>
          {t('data.upload.submit')}
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
