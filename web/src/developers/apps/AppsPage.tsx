import { Link, useNavigate } from 'react-router-dom';
import { useApiGet } from '../../api/hooks';
import type { CreatedDevApp, DevApp, ListPage } from '../../api/types';
import { useT } from '../../i18n/I18nProvider';
import { RequireUser } from '../../session/RequireUser';
import { useDocumentTitle } from '../../shell/useDocumentTitle';
import { Loading, useErrorMessage } from '../../ui/Messages';
import { AppForm } from './AppForm';

/** What the app page receives right after registration: the secret, shown this once. */
export interface RegisteredState {
  clientSecret?: string;
}

function AppList() {
  const t = useT();
  const errorMessage = useErrorMessage();
  const navigate = useNavigate();
  const apps = useApiGet<ListPage<DevApp>>('/apps?_limit=100');
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
                <h3 className="card__title"><Link to={`/developers/apps/${encodeURIComponent(app.id)}`}>{app.name}</Link></h3>
                {app.description && <p>{app.description}</p>}
                <p className="small muted">
                  {t('dev.app.clientId')} <code>{app.clientId}</code>
                  {' · '}
                  {app.organization ? t('dev.apps.ofOrganization', { name: app.organization.name }) : t('dev.apps.personal')}
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>
      <AppForm onSaved={onRegistered} />
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
