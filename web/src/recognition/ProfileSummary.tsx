import { Link } from 'react-router-dom';
import type { TrustLevelRules, UserProfile } from '../api/recognition';
import { formatNumber } from '../data/format';
import { useI18n } from '../i18n/I18nProvider';
import { pick } from './localized';

/** Member since, reputation, trust level and contribution statistics. */
export function ProfileSummary({ profile, rules }: { profile: UserProfile; rules: TrustLevelRules | undefined }) {
  const { t, lang, formatDate } = useI18n();
  const level = rules?.levels.find((l) => l.level === profile.trustLevel);
  const n = (v: number) => formatNumber(lang, v);
  return (
    <dl className="details profile-summary">
      <div>
        <dt>{t('people.profile.memberSince')}</dt>
        <dd>
          <time dateTime={profile.createdAt}>{formatDate(profile.createdAt)}</time>
        </dd>
      </div>
      <div>
        <dt>{t('people.profile.reputation')}</dt>
        <dd className="profile-summary__big">{n(profile.reputation)}</dd>
      </div>
      <div>
        <dt>{t('people.profile.trustLevel')}</dt>
        <dd>
          {level
            ? t('people.trust.levelName', { level: profile.trustLevel, name: pick(lang, level.name) })
            : t('people.trust.level', { level: profile.trustLevel })}
          <br />
          <Link to="/trust-levels" className="small">
            {t('people.profile.trustRules')}
          </Link>
        </dd>
      </div>
      <div>
        <dt>{t('people.stats.accepted')}</dt>
        <dd>{n(profile.stats.acceptedContributions)}</dd>
      </div>
      <div>
        <dt>{t('people.stats.rows')}</dt>
        <dd>{n(profile.stats.rowsChanged)}</dd>
      </div>
      <div>
        <dt>{t('people.stats.reviews')}</dt>
        <dd>{n(profile.stats.reviews)}</dd>
      </div>
      <div>
        <dt>{t('people.stats.datasets')}</dt>
        <dd>{n(profile.stats.datasetsImproved)}</dd>
      </div>
    </dl>
  );
}
