import { Link } from 'react-router-dom';
import type { OrgRef } from '../api/data';
import { useReviewStats } from '../api/recognition';
import { useT } from '../i18n/I18nProvider';
import { humanDuration } from './localized';

/** "Median time to review: …" for the organization publishing a dataset (public review-stats). */
export function ReviewTime({ organization }: { organization: OrgRef }) {
  const t = useT();
  const stats = useReviewStats(organization.slug);
  const s = stats.data;
  if (!s) return null;
  return (
    <p className="review-time">
      {s.medianSecondsToReview === null
        ? t('people.credits.noReviews', { org: organization.name, days: s.windowDays })
        : t('people.credits.median', {
            duration: humanDuration(t, s.medianSecondsToReview),
            days: s.windowDays,
            count: s.reviewed,
          })}{' '}
      <Link to={`/leaderboards?organization=${encodeURIComponent(organization.slug)}`} className="small">
        {t('people.credits.orgBoard', { org: organization.name })}
      </Link>
    </p>
  );
}
