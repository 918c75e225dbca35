import { useState } from 'react';
import { Link, NavLink, useNavigate } from 'react-router-dom';
import { useT } from '../i18n/I18nProvider';
import { useSession } from '../session/SessionProvider';
import { NotificationBell } from '../notifications/NotificationBell';
import { LanguageSwitch } from './LanguageSwitch';

export function Header() {
  const t = useT();
  const { user, loading, signOut } = useSession();
  const navigate = useNavigate();
  const [signOutFailed, setSignOutFailed] = useState(false);

  const onSignOut = async () => {
    setSignOutFailed(false);
    try {
      await signOut();
      navigate('/');
    } catch {
      setSignOutFailed(true);
    }
  };

  return (
    <header className="site-header">
      <div className="container site-header__inner">
        <Link to="/" className="brand">
          <span className="brand__mark" aria-hidden="true">
            M
          </span>
          <span className="brand__name">{t('app.name')}</span>
        </Link>
        <nav aria-label={t('nav.label')} className="site-nav">
          <ul>
            <li>
              <NavLink to="/datasets">{t('nav.datasets')}</NavLink>
            </li>
            <li>
              <NavLink to="/reuses">{t('nav.reuses')}</NavLink>
            </li>
            <li>
              <NavLink to="/developers">{t('nav.developers')}</NavLink>
            </li>
            {!loading &&
              (user ? (
                <>
                  <li className="site-nav__user">
                    <NavLink to={`/users/${encodeURIComponent(user.handle)}`} title={t('header.profile')}>
                      <span className="visually-hidden">{t('nav.signedInAs')} </span>@{user.handle}
                    </NavLink>
                  </li>
                  <li>
                    <NotificationBell />
                  </li>
                  <li>
                    <NavLink to="/review">{t('nav.review')}</NavLink>
                  </li>
                  {user.isAdmin && (
                    <li>
                      <NavLink to="/moderation">{t('nav.moderation')}</NavLink>
                    </li>
                  )}
                  <li>
                    <NavLink to="/account">{t('nav.account')}</NavLink>
                  </li>
                  <li>
                    <button
                      type="button"
                      className="button button--small button--secondary"
                      onClick={() => void onSignOut()}
                    >
                      {t('nav.signOut')}
                    </button>
                  </li>
                </>
              ) : (
                <>
                  <li>
                    <NavLink to="/signin">{t('nav.signIn')}</NavLink>
                  </li>
                  <li>
                    <NavLink to="/signup">{t('nav.signUp')}</NavLink>
                  </li>
                </>
              ))}
          </ul>
        </nav>
        <LanguageSwitch />
      </div>
      <div role="alert" className="live-region">
        {signOutFailed && (
          <div className="container">
            <p className="notice notice--error">{t('nav.signOutFailed')}</p>
          </div>
        )}
      </div>
    </header>
  );
}
