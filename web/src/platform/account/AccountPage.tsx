import { NotificationPreferencesSection } from '../../notifications/NotificationPreferencesSection';
import { useT } from '../../i18n/I18nProvider';
import { RequireUser } from '../../session/RequireUser';
import { useDocumentTitle } from '../../shell/useDocumentTitle';
import { MyOrganizationsSection } from './MyOrganizationsSection';
import { ProfileSection } from './ProfileSection';
import { TokensSection } from './TokensSection';
import { Link } from 'react-router-dom';

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
            <section aria-labelledby="authorized-apps-heading" className="panel">
              <h2 id="authorized-apps-heading">{t('account.appsHeading')}</h2>
              <p>{t('account.appsLead')}</p>
              <p>
                <Link to="/account/apps">{t('account.appsLink')}</Link> ·{' '}
                <Link to="/developers/apps">{t('account.myAppsLink')}</Link> ·{' '}
                <Link to="/account/data">{t('myData.link')}</Link>
              </p>
            </section>
            <NotificationPreferencesSection />
          </div>
        )}
      </RequireUser>
    </>
  );
}
