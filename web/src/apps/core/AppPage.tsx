import { useEffect, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom';
import { useAction } from '../../api/hooks';
import { useDevApp, useDevAppActions, useSensitiveCalls } from '../../api/developers';
import { useWebFlag } from '../../api/iteration';
import { useI18n } from '../../i18n/I18nProvider';
import { RequireUser } from '../../session/RequireUser';
import { useDocumentTitle } from '../../shell/useDocumentTitle';
import { CopyField } from '../../ui/CopyField';
import { ErrorAlert, Loading, StatusMessage, useErrorMessage } from '../../ui/Messages';
import { TableWrap } from '../../ui/TableWrap';
import { AccreditationsSection } from './AccreditationsSection';
import { AppForm } from './AppForm';
import type { RegisteredState } from './AppsPage';
import { ConfirmButton } from './ConfirmButton';
import { KeysSection } from './KeysSection';
import { SecretNotice } from './SecretNotice';
import { PlanControl } from './PlanControl';
import { useSession } from '../../session/SessionProvider';

function SensitiveCalls({ appId }: { appId: string }) {
  const { t, formatDateTime } = useI18n();
  const calls = useSensitiveCalls(appId);
  const items = calls.data?.items ?? [];
  return (
    <section aria-labelledby="calls-heading" className="panel">
      <h2 id="calls-heading">{t('dev.calls.heading')}</h2>
      <p className="muted">{t('dev.calls.intro')}</p>
      {calls.loading && !calls.data ? (
        <Loading />
      ) : items.length === 0 ? (
        <p className="empty-state">{t('dev.calls.empty')}</p>
      ) : (
        <TableWrap label={t('dev.calls.heading')}>
          <table>
            <caption className="visually-hidden">{t('dev.calls.heading')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('dev.calls.col.at')}</th>
                <th scope="col">{t('dev.calls.col.request')}</th>
                <th scope="col">{t('dev.calls.col.scope')}</th>
                <th scope="col">{t('dev.calls.col.purpose')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id}>
                  <td>
                    <time dateTime={c.at}>{formatDateTime(c.at)}</time>
                  </td>
                  <td>
                    <code>
                      {c.method} {c.path}
                    </code>
                  </td>
                  <td>
                    <code>{c.scope}</code>
                  </td>
                  <td className="cell--wrap">{c.purpose}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  );
}

function AppDetails({ id }: { id: string }) {
  const { t, formatDate } = useI18n();
  const errorMessage = useErrorMessage();
  const navigate = useNavigate();
  const location = useLocation();
  const app = useDevApp(id);
  const actions = useDevAppActions();
  const { user } = useSession();
  // The platform's own web releases its flags page through a flag (docs/flags.md); shown when none is configured.
  const flagsPage = useWebFlag('flags-page', true);
  const reset = useAction();
  const remove = useAction();
  const [secret, setSecret] = useState<string | null>(
    () => (location.state as RegisteredState | null)?.clientSecret ?? null,
  );
  const [status, setStatus] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const data = app.data;
  useDocumentTitle(data ? t('dev.app.title', { name: data.name }) : t('dev.apps.title'));

  // The secret lives in this page's memory only: forget it from the history entry.
  useEffect(() => {
    if ((location.state as RegisteredState | null)?.clientSecret)
      navigate(location.pathname, { replace: true, state: null });
  }, [location, navigate]);

  if (app.loading && !data) return <Loading />;
  if (app.error || !data)
    return <p className="notice notice--error">{app.error ? errorMessage(app.error) : t('error.generic')}</p>;

  const onReset = async () => {
    setStatus(null);
    const result = await reset.run(() => actions.resetSecret(id));
    if (result.ok) setSecret(result.value.clientSecret);
  };
  const onDelete = async () => {
    const result = await remove.run(() => actions.remove(id));
    if (result.ok) navigate('/developers/apps');
  };

  return (
    <>
      <div className="page-heading">
        <h1>{data.name}</h1>
        {data.description && <p className="lead">{data.description}</p>}
      </div>
      <div className="stack">
        <section aria-labelledby="credentials-heading" className="panel">
          <h2 id="credentials-heading">{t('dev.app.credentials')}</h2>
          {secret && (
            <SecretNotice
              heading={t('dev.app.secretHeading')}
              onDismiss={() => setSecret(null)}
              fields={[{ label: t('dev.app.clientSecret'), value: secret }]}
            />
          )}
          <CopyField label={t('dev.app.clientId')} value={data.clientId} />
          <dl className="details">
            <div>
              <dt>{t('dev.app.owner')}</dt>
              <dd>
                <Link to={`/users/${encodeURIComponent(data.owner.handle)}`}>@{data.owner.handle}</Link>
              </dd>
            </div>
            <div>
              <dt>{t('dev.app.organization')}</dt>
              <dd>
                {data.organization ? (
                  <Link to={`/organizations/${encodeURIComponent(data.organization.slug)}`}>
                    {data.organization.name}
                  </Link>
                ) : (
                  t('dev.app.personal')
                )}
              </dd>
            </div>
            <div>
              <dt>{t('dev.app.plan')}</dt>
              <dd>
                <code>{data.plan}</code>
              </dd>
            </div>
            <div>
              <dt>{t('dev.app.created')}</dt>
              <dd>
                <time dateTime={data.createdAt}>{formatDate(data.createdAt)}</time>
              </dd>
            </div>
            <div>
              <dt>{t('dev.app.homepage')}</dt>
              <dd>
                {data.homepage ? (
                  <a href={data.homepage} rel="noopener noreferrer">
                    {data.homepage}
                  </a>
                ) : (
                  '—'
                )}
              </dd>
            </div>
            <div>
              <dt>{t('dev.app.redirectUris')}</dt>
              <dd>
                {data.redirectUris.length ? (
                  <ul className="link-list">
                    {data.redirectUris.map((u) => (
                      <li key={u}>
                        <code className="break">{u}</code>
                      </li>
                    ))}
                  </ul>
                ) : (
                  t('dev.app.noRedirectUris')
                )}
              </dd>
            </div>
          </dl>
          <ErrorAlert error={reset.error} />
          <p className="muted">{t('dev.app.resetIntro')}</p>
          <ConfirmButton
            small={false}
            disabled={reset.pending}
            label={t('dev.app.reset')}
            question={t('dev.app.resetQuestion')}
            confirmLabel={t('dev.app.resetConfirm')}
            onConfirm={onReset}
          />
          <nav aria-label={t('dev.app.moreLinks')}>
            <ul className="inline-list dev-app-links">
              <li>
                <Link to={`/developers/apps/${encodeURIComponent(id)}/usage`}>{t('dev.app.usage')}</Link>
              </li>
              {flagsPage && (
                <li>
                  <Link to={`/developers/apps/${encodeURIComponent(id)}/flags`}>{t('dev.app.flags')}</Link>
                </li>
              )}
              <li>
                <Link to="/developers/webhooks">{t('dev.app.webhooks')}</Link>
              </li>
              <li>
                <Link to="/developers">{t('dev.app.docs')}</Link>
              </li>
            </ul>
          </nav>
          {user?.isAdmin && <PlanControl appId={id} current={data.plan} onChanged={() => app.reload()} />}
        </section>

        <StatusMessage>{status}</StatusMessage>
        {editing ? (
          <div>
            <AppForm
              app={data}
              onSaved={(saved) => {
                app.setData(() => saved);
                setEditing(false);
                setStatus(t('dev.app.saved'));
              }}
            />
            <button type="button" className="button button--secondary" onClick={() => setEditing(false)}>
              {t('dev.common.cancel')}
            </button>
          </div>
        ) : (
          <p>
            <button
              type="button"
              className="button button--secondary"
              onClick={() => {
                setStatus(null);
                setEditing(true);
              }}
            >
              {t('dev.app.edit')}
            </button>
          </p>
        )}

        <KeysSection appId={id} />
        <AccreditationsSection appId={id} />
        <SensitiveCalls appId={id} />

        <section aria-labelledby="danger-heading" className="panel">
          <h2 id="danger-heading">{t('dev.app.deleteHeading')}</h2>
          <p className="muted">{t('dev.app.deleteIntro')}</p>
          <ErrorAlert error={remove.error} />
          <ConfirmButton
            small={false}
            disabled={remove.pending}
            label={t('dev.app.delete')}
            question={t('dev.app.deleteQuestion', { name: data.name })}
            confirmLabel={t('dev.app.deleteConfirm')}
            onConfirm={onDelete}
          />
        </section>
      </div>
    </>
  );
}

/** /developers/apps/:id */
export function AppPage() {
  const { t } = useI18n();
  const { id = '' } = useParams();
  return (
    <>
      <nav aria-label={t('dev.common.breadcrumb')} className="breadcrumb">
        <Link to="/developers">{t('dev.portal.heading')}</Link> ›{' '}
        <Link to="/developers/apps">{t('dev.apps.heading')}</Link>
      </nav>
      <RequireUser>{() => <AppDetails key={id} id={id} />}</RequireUser>
    </>
  );
}
