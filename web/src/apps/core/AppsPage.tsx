import { Link, useNavigate } from 'react-router-dom';
import { itemsOf, useMyOrganizations } from '../../api/platform';
import { useDevApps, type CreatedDevApp, type DevApp } from '../../api/developers';
import { useT } from '../../i18n/I18nProvider';
import { RequireUser } from '../../session/RequireUser';
import { useDocumentTitle } from '../../shell/useDocumentTitle';
import { Loading, useErrorMessage } from '../../ui/Messages';
import { AppForm } from './AppForm';

/** What the app page receives right after registration: the secret, shown this once. */
export interface RegisteredState {
  clientSecret?: string;
}

/** Links to the review queues of the organizations the user owns or administers. */
function ReviewQueues() {
  const t = useT();
  const orgs = useMyOrganizations();
  const managed = itemsOf(orgs.data).filter((o) => o.role === 'owner' || o.role === 'admin');
  if (managed.length === 0) return null;
  return (
    <section aria-labelledby="review-queues-heading" className="panel">
      <h2 id="review-queues-heading">{t('dev.apps.reviewHeading')}</h2>
      <p className="muted">{t('dev.apps.reviewIntro')}</p>
      <ul className="link-list">
        {managed.map((o) => (
          <li key={o.slug}>
            <Link to={`/organizations/${encodeURIComponent(o.slug)}/accreditations`}>
              {t('dev.apps.reviewLink', { name: o.name })}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}

function AppList() {
  const t = useT();
  const errorMessage = useErrorMessage();
  const navigate = useNavigate();
  const apps = useDevApps();
  const items = apps.data?.items ?? [];
  const onRegistered = (app: DevApp | CreatedDevApp) => {
    const state: RegisteredState = { clientSecret: 'clientSecret' in app ? app.clientSecret : undefined };
    navigate(`/developers/apps/${encodeURIComponent(app.id)}`, { state });
  };
  return (
    <div className="stack">
      <section aria-labelledby="apps-heading" className="panel">
        <h2 id="apps-heading">{t('dev.apps.listHeading')}</h2>
        {apps.loading && !apps.data ? (
          <Loading />
        ) : apps.error ? (
          <p className="notice notice--error">{errorMessage(apps.error)}</p>
        ) : items.length === 0 ? (
          <div className="empty-state">
            <p>{t('dev.apps.empty')}</p>
            <p className="muted">{t('dev.apps.emptyHint')}</p>
          </div>
        ) : (
          <ul className="card-list">
            {items.map((app) => (
              <li key={app.id} className="card">
                <h3 className="card__title">
                  <Link to={`/developers/apps/${encodeURIComponent(app.id)}`}>{app.name}</Link>
                </h3>
                {app.description && <p>{app.description}</p>}
                <p className="small muted">
                  {t('dev.app.clientId')} <code>{app.clientId}</code>
                  {' · '}
                  {app.organization
                    ? t('dev.apps.ofOrganization', { name: app.organization.name })
                    : t('dev.apps.personal')}
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>
      <AppForm onSaved={onRegistered} />
      <ReviewQueues />
    </div>
  );
}

/** /developers/apps: your apps and the registration form. */
export function AppsPage() {
  const t = useT();
  useDocumentTitle(t('dev.apps.title'));
  return (
    <>
      <nav aria-label={t('dev.common.breadcrumb')} className="breadcrumb">
        <Link to="/developers">{t('dev.portal.heading')}</Link>
      </nav>
      <div className="page-heading">
        <h1>{t('dev.apps.heading')}</h1>
        <p className="lead">{t('dev.apps.lead')}</p>
      </div>
      <RequireUser>{() => <AppList />}</RequireUser>
    </>
  );
}
