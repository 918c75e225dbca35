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

/** The public activity, each event told by the server in the reader's language (a new language refetches). */
function ActivityFeed() {
  const { t, lang, formatDateTime } = useI18n();
  const errorMessage = useErrorMessage();
  const activity = useApiGet<Page<ActivityItem>>(`/activity?lang=${lang}`);
  const items = itemsOf(activity.data);

  if (activity.loading && !activity.data) return <Loading />;
  if (activity.error) return <p className="notice notice--error">{errorMessage(activity.error)}</p>;
  if (items.length === 0) return <p className="empty-state">{t('home.activity.empty')}</p>;
  return (
    <ol className="activity">
      {items.map((item, index) => (
        <li key={item.id ?? index} className="activity__item">
          <p>{item.text}</p>
          <p className="muted small">
            <time dateTime={item.occurredAt}>{formatDateTime(item.occurredAt)}</time>
            {item.organization && (
              <>
                {' · '}
                <Link to={`/organizations/${encodeURIComponent(item.organization.slug)}`}>
                  {item.organization.name}
                </Link>
              </>
            )}
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
