import { Link } from 'react-router-dom';
import { useT } from '../../i18n/I18nProvider';
import { useSession } from '../../session/SessionProvider';
import { signInPath } from '../../ui/navigation';

/** Empty result: either nothing matches the criteria, or the catalog is empty. */
export function CatalogEmpty({ filtered }: { filtered: boolean }) {
  const t = useT();
  const { user } = useSession();
  if (filtered) {
    return (
      <div className="empty-state">
        <p>{t('data.catalog.noMatch')}</p>
        <p>
          <Link to="/datasets">{t('data.catalog.clearAll')}</Link>
        </p>
      </div>
    );
  }
  return (
    <div className="empty-state">
      <p>{t('data.catalog.empty')}</p>
      <p>
        {user ? (
          <Link to="/datasets/new" className="button">
            {t('data.catalog.publishFirst')}
          </Link>
        ) : (
          <Link to={signInPath('/datasets/new')}>{t('data.catalog.signInToPublish')}</Link>
        )}
      </p>
    </div>
  );
}
