import { Link } from 'react-router-dom';
import { seg } from '../api/client';
import type { ReputationEntry } from '../api/recognition';
import { useT } from '../i18n/I18nProvider';

/** Datasets this person improved, as traced by the reputation entries loaded so far. */
export function DatasetsImproved({ count, entries }: { count: number; entries: ReputationEntry[] }) {
  const t = useT();
  const slugs = [
    ...new Set(
      entries.filter((e) => e.reason === 'contribution_accepted' && e.dataset).map((e) => e.dataset as string),
    ),
  ];
  return (
    <section aria-labelledby="profile-datasets" className="subpanel">
      <h2 id="profile-datasets">{t('people.datasets.heading')}</h2>
      {count === 0 && slugs.length === 0 ? (
        <div className="empty-state">
          <p>
            {t('people.datasets.empty')} <Link to="/datasets">{t('people.datasets.browse')}</Link>
          </p>
        </div>
      ) : (
        <>
          <p className="muted">{t('people.datasets.count', { count })}</p>
          {slugs.length > 0 && (
            <ul className="link-list">
              {slugs.map((slug) => (
                <li key={slug}>
                  <Link to={`/datasets/${seg(slug)}`}>{slug}</Link>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
