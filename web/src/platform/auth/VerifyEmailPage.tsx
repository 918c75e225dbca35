import { Link, useSearchParams } from 'react-router-dom';
import { auth } from '../../api/platform';
import { useT } from '../../i18n/I18nProvider';
import { useSession } from '../../session/SessionProvider';
import { useDocumentTitle } from '../../shell/useDocumentTitle';
import { ErrorAlert, StatusMessage } from '../../ui/Messages';
import { useTokenAction } from './useTokenAction';

export function VerifyEmailPage() {
  const t = useT();
  useDocumentTitle(t('verify.title'));
  const [params] = useSearchParams();
  const token = params.get('token');
  const { user, refresh } = useSession();
  const state = useTokenAction(Boolean(token), async () => {
    await auth.verifyEmail(token ?? '');
    await refresh(); // emailVerified changed
    return true;
  });

  return (
    <div className="narrow">
      <h1>{t('verify.heading')}</h1>
      {!token && <p className="notice notice--error">{t('verify.missingToken')}</p>}
      <ErrorAlert error={state.status === 'failed' ? state.error : null} />
      <StatusMessage tone={state.status === 'done' ? 'success' : 'info'}>
        {state.status === 'pending' && t('verify.pending')}
        {state.status === 'done' && t('verify.done')}
      </StatusMessage>
      {state.status === 'done' && (
        <p>
          <Link to={user ? '/account' : '/signin'}>{user ? t('verify.continue') : t('nav.signIn')}</Link>
        </p>
      )}
    </div>
  );
}
