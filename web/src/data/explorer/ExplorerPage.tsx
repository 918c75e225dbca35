import { Link, useParams } from 'react-router-dom';
import { useDataset, useTableSchema } from '../../api/data';
import { useT } from '../../i18n/I18nProvider';
import { useDocumentTitle } from '../../shell/useDocumentTitle';
import { Loading, useErrorMessage } from '../../ui/Messages';
import { Explorer } from './Explorer';

/** /datasets/:slug/resources/:id — loads the dataset and the table schema, then the explorer. */
export function ExplorerPage() {
  const t = useT();
  const { slug = '', id = '' } = useParams();
  const errorMessage = useErrorMessage();
  const dataset = useDataset(slug);
  const resource = dataset.data?.resources.find((r) => r.id === id);
  const schema = useTableSchema(slug, id, Boolean(resource?.tabular));
  useDocumentTitle(resource ? `${resource.title} — ${dataset.data?.title ?? ''}` : t('data.explorer.loadingTitle'));

  const back = (
    <Link to={`/datasets/${encodeURIComponent(slug)}`}>
      {dataset.data ? t('data.explorer.backTo', { title: dataset.data.title }) : t('data.dataset.backToCatalog')}
    </Link>
  );

  if (dataset.loading && !dataset.data) {
    return (
      <>
        <h1>{t('data.explorer.loadingTitle')}</h1>
        <Loading />
      </>
    );
  }
  if (!dataset.data || !resource) {
    return (
      <>
        <h1>{t('data.explorer.notFound')}</h1>
        <p className="notice notice--error">
          {dataset.error ? errorMessage(dataset.error) : t('data.explorer.notFoundBody')}
        </p>
        <p>{back}</p>
      </>
    );
  }
  if (!resource.tabular) {
    return (
      <>
        <h1>{resource.title}</h1>
        <p className="empty-state">{t('data.explorer.notTabular')}</p>
        <p>{back}</p>
      </>
    );
  }
  return (
    <div className="explorer-page">
      <nav aria-label={t('data.breadcrumb')} className="breadcrumb small">
        <Link to="/datasets">{t('data.catalog.heading')}</Link>
        <span aria-hidden="true"> › </span>
        {back}
      </nav>
      <div className="explorer-heading">
        <h1>{resource.title}</h1>
        <p className="muted">{dataset.data.title}</p>
      </div>
      {schema.loading && !schema.data ? (
        <Loading />
      ) : !schema.data ? (
        <p className="notice notice--error">{schema.error ? errorMessage(schema.error) : t('error.loadFailed')}</p>
      ) : (
        <Explorer slug={slug} resource={resource} schema={schema.data} />
      )}
    </div>
  );
}
