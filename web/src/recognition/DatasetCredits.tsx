import { Link } from 'react-router-dom';
import { useDatasetContributors } from '../api/recognition';
import type { OrgRef } from '../api/data';
import { formatNumber } from '../data/format';
import { useI18n } from '../i18n/I18nProvider';
import { profilePath } from './paths';
import { ReviewTime } from './ReviewTime';

const THANKS = 5;

/** Credits on a dataset page: contributors, the organization's review time and a thank-you list. */
export function DatasetCredits({ slug, organization }: { slug: string; organization: OrgRef | null }) {
  const { t, lang, formatDate } = useI18n();
  const contributors = useDatasetContributors(slug);
  const items = contributors.data?.items ?? [];
  const latest = [...items].sort((a, b) => b.lastContributionAt.localeCompare(a.lastContributionAt)).slice(0, THANKS);

  return (
    <section aria-labelledby="dataset-contributors" className="subpanel credits">
      <h2 id="dataset-contributors">{t('people.credits.heading')}</h2>
      {organization && <ReviewTime organization={organization} />}
      {contributors.loading && !contributors.data ? null : contributors.error ? (
        <p className="muted">{t('people.credits.loadFailed')}</p>
      ) : items.length === 0 ? (
        <div className="empty-state">
          <p>{t('people.credits.empty')}</p>
        </div>
      ) : (
        <>
          <ul className="credits__list">
            {items.map((c) => (
              <li key={c.handle}>
                <Link to={profilePath(c.handle)}>{c.name}</Link>{' '}
                <span className="muted small">
                  {t('people.credits.count', { count: formatNumber(lang, c.acceptedContributions) })}
                </span>
              </li>
            ))}
          </ul>
          <h3 id="dataset-thanks">{t('people.credits.thanks')}</h3>
          <ul className="link-list" aria-labelledby="dataset-thanks">
            {latest.map((c) => (
              <li key={c.handle}>
                {t('people.credits.thanksItem', { name: c.name })}{' '}
                <span className="muted small">
                  (<Link to={profilePath(c.handle)}>@{c.handle}</Link>,{' '}
                  {t('people.credits.lastOn', { date: formatDate(c.lastContributionAt) })})
                </span>
              </li>
            ))}
          </ul>
          <p className="small">
            <Link to={`/leaderboards?dataset=${encodeURIComponent(slug)}`}>{t('people.credits.board')}</Link>
          </p>
        </>
      )}
    </section>
  );
}
