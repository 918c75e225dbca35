import { NotificationPreferencesSection } from '../../community/notifications/NotificationPreferencesSection';
import { useT } from '../../i18n/I18nProvider';
import { RequireUser } from '../../session/RequireUser';
import { useDocumentTitle } from '../../shell/useDocumentTitle';
import { MyOrganizationsSection } from './MyOrganizationsSection';
import { ProfileSection } from './ProfileSection';
import { TokensSection } from './TokensSection';

export function AccountPage() {
  const t = useT();
  useDocumentTitle(t('account.title'));
  return (
    <>
      <h1>{t('account.heading')}</h1>
      <RequireUser>
        {(user) => (
          <div className="stack">
            <ProfileSection key={user.id} user={user} />
            <MyOrganizationsSection />
            <TokensSection />
            {/* People & notifications — begin */}
            <NotificationPreferencesSection />
            {/* People & notifications — end */}
          </div>
        )}
      </RequireUser>
    </>
  );
}
