import { Link, useParams, useSearchParams } from 'react-router-dom';
import { seg } from '../../api/client';
import { useDataset } from '../../api/data';
import { useT } from '../../i18n/I18nProvider';
import { RequireUser } from '../../session/RequireUser';
import { useDocumentTitle } from '../../shell/useDocumentTitle';
import { Loading, useErrorMessage } from '../../ui/Messages';
import { DatasetForm } from './DatasetForm';

/** /datasets/new */
export function NewDatasetPage() {
  const t = useT();
  const [params] = useSearchParams();
  useDocumentTitle(t('data.form.newTitle'));
  return (
    <div className="narrow-wide">
      <h1>{t('data.form.newTitle')}</h1>
      <p className="muted">{t('data.form.newIntro')}</p>
      <RequireUser>{() => <DatasetForm defaultOrganization={params.get('organization') ?? undefined} />}</RequireUser>
    </div>
  );
}

/** /datasets/:slug/edit */
export function EditDatasetPage() {
  const { slug = '' } = useParams();
  return (
    <div className="narrow-wide">
      <RequireUser>{() => <EditDataset slug={slug} />}</RequireUser>
    </div>
  );
}

function EditDataset({ slug }: { slug: string }) {
  const t = useT();
  const errorMessage = useErrorMessage();
  const dataset = useDataset(slug);
  const data = dataset.data;
  useDocumentTitle(data ? t('data.form.editTitleOf', { title: data.title }) : t('data.form.editTitle'));
  if (!data) {
    return (
      <>
        <h1>{t('data.form.editTitle')}</h1>
        {dataset.loading ? (
          <Loading />
        ) : (
          <p className="notice notice--error">{dataset.error ? errorMessage(dataset.error) : t('error.loadFailed')}</p>
        )}
      </>
    );
  }
  return (
    <>
      <h1>{t('data.form.editTitleOf', { title: data.title })}</h1>
      <p>
        <Link to={`/datasets/${seg(data.slug)}`}>{t('data.form.backToDataset')}</Link>
      </p>
      {data.viewerCanEdit ? (
        <DatasetForm dataset={data} />
      ) : (
        <p className="notice notice--error">{t('data.form.forbidden')}</p>
      )}
    </>
  );
}
