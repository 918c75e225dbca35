import { RequireUser } from '../session/RequireUser';
import { useT } from '../i18n/I18nProvider';
import { useDocumentTitle } from '../shell/useDocumentTitle';
import { NotificationCenter } from './NotificationCenter';

/** /notifications */
export function NotificationsPage() {
  const t = useT();
  useDocumentTitle(t('notif.heading'));
  return (
    <>
      <h1>{t('notif.heading')}</h1>
      <RequireUser>{(user) => <NotificationCenter key={user.id} />}</RequireUser>
    </>
  );
}
