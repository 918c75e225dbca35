import { Link } from 'react-router-dom';
import type { BadgeDefinition, UserProfile } from '../api/recognition';
import { useI18n } from '../i18n/I18nProvider';
import { pick } from './localized';

/** The badges a person holds, each with the criterion that earned it. */
export function ProfileBadges({
  badges,
  definitions,
}: {
  badges: UserProfile['badges'];
  definitions: BadgeDefinition[];
}) {
  const { t, lang, formatDate } = useI18n();
  const byCode = new Map(definitions.map((d) => [d.code, d]));
  return (
    <section aria-labelledby="profile-badges" className="subpanel">
      <h2 id="profile-badges">{t('people.badges.heading')}</h2>
      {badges.length === 0 ? (
        <div className="empty-state">
          <p>
            {t('people.profile.noBadges')} <Link to="/badges">{t('people.profile.howBadges')}</Link>
          </p>
        </div>
      ) : (
        <>
          <ul className="badge-grid">
            {badges.map((b) => (
              <li key={`${b.code}-${b.awardedAt}`} className="card badge-card">
                <h3 className="card__title">{pick(lang, b.name)}</h3>
                {byCode.get(b.code) && <p className="card__body">{pick(lang, byCode.get(b.code)?.criterion)}</p>}
                <p className="small muted">{t('people.badges.awarded', { date: formatDate(b.awardedAt) })}</p>
              </li>
            ))}
          </ul>
          <p className="small">
            <Link to="/badges">{t('people.profile.allBadges')}</Link>
          </p>
        </>
      )}
    </section>
  );
}
