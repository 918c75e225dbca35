import { Link } from 'react-router-dom';
import { useApiGet } from '../api/hooks';
import { itemsOf, type ActivityItem, type OrganizationSummary, type Page } from '../api/types';
import { useI18n } from '../i18n/I18nProvider';
import { useSession } from '../session/SessionProvider';
import { useDocumentTitle } from '../shell/useDocumentTitle';
import { Loading, useErrorMessage } from '../ui/Messages';

function OrganizationList() {
  const { t } = useI18n();
  const { user } = useSession();
  const errorMessage = useErrorMessage();
  const orgs = useApiGet<Page<OrganizationSummary>>('/organizations');
  const items = itemsOf(orgs.data);

  if (orgs.loading && !orgs.data) return <Loading />;
  if (orgs.error) return <p className="notice notice--error">{errorMessage(orgs.error)}</p>;
  if (items.length === 0) {
    return (
      <div className="empty-state">
        <p>{t('home.orgs.empty')}</p>
        <p className="muted">{user ? t('home.orgs.emptySignedIn') : t('home.orgs.emptySignedOut')}</p>
      </div>
    );
  }
  return (
    <ul className="card-list">
      {items.map((org) => (
        <li key={org.slug} className="card">
          <h3 className="card__title">
            <Link to={`/organizations/${encodeURIComponent(org.slug)}`}>{org.name}</Link>
          </h3>
          {org.description && <p className="card__body">{org.description}</p>}
          {typeof org.membersCount === 'number' && (
            <p className="muted small">{t('home.orgs.members', { count: org.membersCount })}</p>
          )}
        </li>
      ))}
    </ul>
  );
}

const describedTypes = [
  'user.registered',
  'organization.created',
  'organization.updated',
  'organization.member_joined',
  'organization.ownership_transferred',
] as const;

/** One sentence per event type, in the reader's language; unknown types fall back to their name. */
function describeActivity(item: ActivityItem, t: ReturnType<typeof useI18n>['t']): string {
  const actor = item.actor ? `@${item.actor.handle}` : t('activity.someone');
  const known = describedTypes.find((type) => type === item.type);
  return known ? t(`activity.${known}`, { actor }) : t('activity.other', { actor, type: item.type });
}

function ActivityFeed() {
  const { t, formatDateTime } = useI18n();
  const errorMessage = useErrorMessage();
  const activity = useApiGet<Page<ActivityItem>>('/activity');
  const items = itemsOf(activity.data);

  if (activity.loading && !activity.data) return <Loading />;
  if (activity.error) return <p className="notice notice--error">{errorMessage(activity.error)}</p>;
  if (items.length === 0) return <p className="empty-state">{t('home.activity.empty')}</p>;
  return (
    <ol className="activity">
      {items.map((item, index) => (
        <li key={item.id ?? index} className="activity__item">
          <p>
            {describeActivity(item, t)}
            {item.organization && (
              <>
                {' — '}
                <Link to={`/organizations/${encodeURIComponent(item.organization.slug)}`}>
                  {item.organization.name}
                </Link>
              </>
            )}
          </p>
          <p className="muted small">
            <time dateTime={item.occurredAt}>{formatDateTime(item.occurredAt)}</time>
          </p>
        </li>
      ))}
    </ol>
  );
}

export function HomePage() {
  const { t } = useI18n();
  const { user } = useSession();
  useDocumentTitle(t('home.title'));

  return (
    <>
      <section className="hero" aria-labelledby="home-heading">
        <h1 id="home-heading">{t('app.name')}</h1>
        <p className="lead">{t('home.intro1')}</p>
        <p className="lead">{t('home.intro2')}</p>
        {user ? (
          <p>
            {t('home.welcome', { name: user.name || user.handle })} <Link to="/account">{t('home.goToAccount')}</Link>
          </p>
        ) : (
          <p className="actions">
            <Link to="/signup" className="button">
              {t('home.ctaSignUp')}
            </Link>
            <Link to="/signin" className="button button--secondary">
              {t('home.ctaSignIn')}
            </Link>
          </p>
        )}
      </section>
      <div className="grid-2">
        <section aria-labelledby="home-orgs">
          <h2 id="home-orgs">{t('home.orgs.heading')}</h2>
          <OrganizationList />
        </section>
        <section aria-labelledby="home-activity">
          <h2 id="home-activity">{t('home.activity.heading')}</h2>
          <ActivityFeed />
        </section>
      </div>
    </>
  );
}
