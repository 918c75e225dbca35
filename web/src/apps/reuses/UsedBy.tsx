import { Link } from 'react-router-dom';
import { useDatasetReuses } from '../../api/reuses';
import { useT } from '../../i18n/I18nProvider';
import { useSession } from '../../session/SessionProvider';
import { Loading, useErrorMessage } from '../../ui/Messages';
import { signInPath } from '../../ui/navigation';
import { ReuseCard } from './ReuseCard';

/** "Used by" on a dataset page: the reuses of the dataset, those its organization features first. */
export function UsedBy({ datasetSlug }: { datasetSlug: string }) {
  const t = useT();
  const { user } = useSession();
  const errorMessage = useErrorMessage();
  const page = useDatasetReuses(datasetSlug);
  const newPath = `/reuses/new?dataset=${encodeURIComponent(datasetSlug)}`;
  const items = page.data?.items ?? [];
  return (
    <section aria-labelledby="dataset-used-by" className="subpanel used-by">
      <div className="discussions__head">
        <h2 id="dataset-used-by">{t('reuses.usedBy.heading')}</h2>
        <Link className="button button--small button--secondary" to={user ? newPath : signInPath(newPath)}>
          {t('reuses.usedBy.add')}
        </Link>
      </div>
      {page.loading && !page.data ? (
        <Loading />
      ) : page.error && !page.data ? (
        <p className="notice notice--error">{errorMessage(page.error)}</p>
      ) : items.length === 0 ? (
        <div className="empty-state">
          <p>{t('reuses.usedBy.empty')}</p>
        </div>
      ) : (
        <>
          <ul className="card-list reuse-grid">
            {items.map((r) => (
              <ReuseCard key={r.id} reuse={r} featured={r.featured} headingLevel={3} />
            ))}
          </ul>
          {page.data?.next && (
            <p className="load-more">
              <Link to={`/reuses?dataset=${encodeURIComponent(datasetSlug)}`}>{t('reuses.usedBy.all')}</Link>
            </p>
          )}
        </>
      )}
    </section>
  );
}
