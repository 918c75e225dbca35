import { Link, useLocation, useSearchParams } from 'react-router-dom';
import { auth } from '../../api/platform';
import { useT } from '../../i18n/I18nProvider';
import { useSession } from '../../session/SessionProvider';
import { useDocumentTitle } from '../../shell/useDocumentTitle';
import { ErrorAlert, Loading, StatusMessage } from '../../ui/Messages';
import { signInPath } from '../../ui/navigation';
import { useTokenAction } from './useTokenAction';

export function AcceptInvitationPage() {
  const t = useT();
  useDocumentTitle(t('accept.title'));
  const [params] = useSearchParams();
  const location = useLocation();
  const token = params.get('token');
  const { user, loading } = useSession();
  const state = useTokenAction(Boolean(token && user), () => auth.acceptInvitation(token ?? ''));

  const here = `${location.pathname}${location.search}`;
  const org = state.status === 'done' ? { slug: state.value.slug, name: state.value.name } : null;

  return (
    <div className="narrow">
      <h1>{t('accept.heading')}</h1>
      {!token ? (
        <p className="notice notice--error">{t('accept.missingToken')}</p>
      ) : loading ? (
        <Loading />
      ) : !user ? (
        <>
          <p>{t('accept.signInFirst')}</p>
          <p className="actions">
            <Link to={signInPath(here)} className="button">
              {t('accept.signIn')}
            </Link>
            <Link to={`/signup?next=${encodeURIComponent(here)}`} className="button button--secondary">
              {t('accept.signUp')}
            </Link>
          </p>
        </>
      ) : null}
      <ErrorAlert error={state.status === 'failed' ? state.error : null} />
      <StatusMessage tone={state.status === 'done' ? 'success' : 'info'}>
        {state.status === 'pending' && t('accept.pending')}
        {state.status === 'done' && t('accept.done')}
      </StatusMessage>
      {state.status === 'done' && (
        <p>
          {org ? (
            <Link to={`/organizations/${encodeURIComponent(org.slug)}`}>{t('accept.goToOrg', { name: org.name })}</Link>
          ) : (
            <Link to="/account">{t('accept.goToAccount')}</Link>
          )}
        </p>
      )}
    </div>
  );
}
