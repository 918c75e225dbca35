import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useProfile, type ReputationEntry } from '../api/recognition';
import { useI18n } from '../i18n/I18nProvider';
import { useDocumentTitle } from '../shell/useDocumentTitle';
import { Loading, useErrorMessage } from '../ui/Messages';
import { ContributionCalendar } from './ContributionCalendar';
import { DatasetsImproved } from './DatasetsImproved';
import { ProfileBadges } from './ProfileBadges';
import { ProfileSummary } from './ProfileSummary';
import { ReputationLedger } from './ReputationLedger';
import { useBadges, useTrustLevels } from './useRules';

/** Public profile: /users/:handle. The heading is the person's name. */
export function ProfilePage() {
  const { t, formatDate } = useI18n();
  const { handle = '' } = useParams();
  const errorMessage = useErrorMessage();
  const profile = useProfile(handle);
  const rules = useTrustLevels();
  const badges = useBadges();
  const [entries, setEntries] = useState<ReputationEntry[]>([]);
  const data = profile.data;
  const notFound = profile.error?.status === 404;
  useDocumentTitle(data?.name ?? (notFound ? t('people.profile.notFound') : t('people.profile.loading')));

  if (!data) {
    return (
      <>
        <h1>{notFound ? t('people.profile.notFound') : t('people.profile.loading')}</h1>
        {profile.loading ? (
          <Loading />
        ) : (
          <p className="notice notice--error">
            {notFound
              ? t('people.profile.notFoundBody', { handle })
              : profile.error
                ? errorMessage(profile.error)
                : t('error.loadFailed')}
          </p>
        )}
        <p>
          <Link to="/leaderboards">{t('people.leaderboard.heading')}</Link>
        </p>
      </>
    );
  }

  return (
    <article className="profile">
      <div className="page-heading">
        <h1>{data.name}</h1>
        <p className="muted">@{data.handle}</p>
        {data.erasedAt && (
          <p className="notice notice--info">{t('people.profile.erased', { date: formatDate(data.erasedAt) })}</p>
        )}
      </div>
      <ProfileSummary profile={data} rules={rules.data} />
      <ProfileBadges badges={data.badges} definitions={badges.data?.items ?? []} />
      <ContributionCalendar calendar={data.calendar} />
      <DatasetsImproved count={data.stats.datasetsImproved} entries={entries} />
      <ReputationLedger key={data.handle} handle={data.handle} onLoaded={setEntries} />
    </article>
  );
}
