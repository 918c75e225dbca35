import { Link } from 'react-router-dom';
import { formatNumber } from '../data/format';
import { useI18n } from '../i18n/I18nProvider';
import { useDocumentTitle } from '../shell/useDocumentTitle';
import { ErrorAlert, Loading } from '../ui/Messages';
import { pick } from './localized';
import { useBadges } from './useRules';

/** /badges: every badge and the rule that awards it. */
export function BadgesPage() {
  const { t, lang } = useI18n();
  const badges = useBadges();
  useDocumentTitle(t('people.badges.pageHeading'));
  const items = badges.data?.items ?? [];
  return (
    <>
      <div className="page-heading">
        <h1>{t('people.badges.pageHeading')}</h1>
        <p className="lead">{t('people.badges.intro')}</p>
        <p className="small">
          <Link to="/trust-levels">{t('people.leaderboard.rulesLink')}</Link> ·{' '}
          <Link to="/leaderboards">{t('people.leaderboard.heading')}</Link>
        </p>
      </div>
      <ErrorAlert error={badges.error} />
      {badges.loading && !badges.data ? (
        <Loading />
      ) : items.length === 0 ? (
        !badges.error && <p className="empty-state">{t('people.badges.none')}</p>
      ) : (
        <ul className="badge-grid">
          {items.map((b) => (
            <li key={b.code} className="card badge-card">
              <h2 className="card__title">{pick(lang, b.name)}</h2>
              <p className="card__body">{pick(lang, b.criterion)}</p>
              <p className="small muted">{t('people.badges.holders', { count: formatNumber(lang, b.holders) })}</p>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
