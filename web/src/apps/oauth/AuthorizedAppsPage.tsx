import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useAction } from '../../api/hooks';
import { useAuthorizedApps, useOAuthActions, type AuthorizedApp } from '../../api/developers';
import { useI18n } from '../../i18n/I18nProvider';
import { RequireUser } from '../../session/RequireUser';
import { useDocumentTitle } from '../../shell/useDocumentTitle';
import { ErrorAlert, Loading, StatusMessage, useErrorMessage } from '../../ui/Messages';
import { ConfirmButton } from '../core/ConfirmButton';
import { ScopeList } from './scopes';

function AuthorizedAppList() {
  const { t, formatDateTime } = useI18n();
  const errorMessage = useErrorMessage();
  const apps = useAuthorizedApps();
  const oauth = useOAuthActions();
  const revoke = useAction();
  const [status, setStatus] = useState<string | null>(null);
  const items = apps.data?.items ?? [];

  const onRevoke = async (item: AuthorizedApp) => {
    setStatus(null);
    // The revocation refreshes the list.
    const result = await revoke.run(() => oauth.revoke(item.app.id));
    if (!result.ok) return;
    setStatus(t('oauth.apps.revoked', { app: item.app.name }));
  };

  return (
    <section className="panel" aria-labelledby="authorized-apps-heading">
      <h2 id="authorized-apps-heading" className="visually-hidden">
        {t('oauth.apps.heading')}
      </h2>
      <StatusMessage>{status}</StatusMessage>
      <ErrorAlert error={revoke.error} />
      {apps.loading && !apps.data ? (
        <Loading />
      ) : apps.error ? (
        <p className="notice notice--error">{errorMessage(apps.error)}</p>
      ) : items.length === 0 ? (
        <div className="empty-state">
          <p>{t('oauth.apps.empty')}</p>
          <p className="muted">{t('oauth.apps.emptyHint')}</p>
        </div>
      ) : (
        <ul className="card-list">
          {items.map((item) => (
            <li key={item.app.id} className="card oauth-authorized">
              <h3 className="card__title">
                {item.app.homepage ? (
                  <a href={item.app.homepage} rel="noopener noreferrer">
                    {item.app.name}
                  </a>
                ) : (
                  item.app.name
                )}
              </h3>
              {item.app.description && <p>{item.app.description}</p>}
              <p className="small muted">
                {item.app.organization
                  ? t('oauth.consent.byOrganization', {
                      owner: item.app.owner.name || item.app.owner.handle,
                      organization: item.app.organization.name,
                    })
                  : t('oauth.consent.by', { owner: item.app.owner.name || item.app.owner.handle })}
              </p>
              <p className="small">{t('oauth.apps.scopes')}</p>
              <ScopeList scopes={item.scopes} />
              <dl className="oauth-authorized__dates small">
                <dt>{t('oauth.apps.first')}</dt>
                <dd>
                  <time dateTime={item.firstAuthorizedAt}>{formatDateTime(item.firstAuthorizedAt)}</time>
                </dd>
                <dt>{t('oauth.apps.last')}</dt>
                <dd>
                  <time dateTime={item.lastAuthorizedAt}>{formatDateTime(item.lastAuthorizedAt)}</time>
                </dd>
              </dl>
              <ConfirmButton
                label={t('oauth.apps.revoke')}
                confirmLabel={t('oauth.apps.revokeConfirm')}
                question={t('oauth.apps.revokeQuestion', { app: item.app.name })}
                disabled={revoke.pending}
                onConfirm={() => onRevoke(item)}
              />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** /account/apps — the apps you authorized through OAuth, and revoking them. */
export function AuthorizedAppsPage() {
  const { t } = useI18n();
  useDocumentTitle(t('oauth.apps.title'));
  return (
    <>
      <nav aria-label={t('dev.common.breadcrumb')} className="breadcrumb">
        <Link to="/account">{t('oauth.apps.back')}</Link>
      </nav>
      <div className="page-heading">
        <h1>{t('oauth.apps.heading')}</h1>
        <p className="lead">{t('oauth.apps.lead')}</p>
      </div>
      <RequireUser>{() => <AuthorizedAppList />}</RequireUser>
    </>
  );
}
