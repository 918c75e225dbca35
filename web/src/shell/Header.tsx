import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { Link, NavLink, useLocation, useNavigate } from 'react-router-dom';
import { useT } from '../i18n/I18nProvider';
import { useSession } from '../session/SessionProvider';
import { NotificationBell } from '../notifications/NotificationBell';
import { LanguageSwitch } from './LanguageSwitch';
import { UserMenu } from './UserMenu';

/**
 * The site header: one line on a laptop; on a narrow screen the navigation folds behind a "Menu" button
 * (disclosure pattern: aria-expanded, focus moves into the menu, Escape closes it and returns focus).
 */
export function Header() {
  const t = useT();
  const { user, loading, signOut } = useSession();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const [signOutFailed, setSignOutFailed] = useState(false);
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const navRef = useRef<HTMLElement>(null);

  // A navigation closes the menu (the new page's heading receives focus from Layout).
  useEffect(() => setOpen(false), [pathname]);

  // Opening moves focus to the first entry; a click outside the header closes it.
  useEffect(() => {
    if (!open) return;
    navRef.current?.querySelector<HTMLElement>('a, button')?.focus();
    const onPointer = (e: PointerEvent) => {
      const header = buttonRef.current?.closest('header');
      if (header && !header.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && open) {
      e.stopPropagation();
      setOpen(false);
      buttonRef.current?.focus();
    }
  };

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
    <header className={`site-header${open ? ' site-header--open' : ''}`} onKeyDown={onKeyDown}>
      <div className="container site-header__inner">
        <Link to="/" className="brand">
          <span className="brand__mark" aria-hidden="true">
            M
          </span>
          <span className="brand__name">{t('app.name')}</span>
        </Link>
        <nav aria-label={t('nav.label')} className="site-nav" id={menuId} ref={navRef}>
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
                  <li>
                    <NavLink to="/review">{t('nav.review')}</NavLink>
                  </li>
                  <li>
                    <NotificationBell />
                  </li>
                  <li className="site-nav__user">
                    <UserMenu handle={user.handle} isAdmin={user.isAdmin} onSignOut={() => void onSignOut()} />
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
        <button
          ref={buttonRef}
          type="button"
          className="button button--small button--secondary site-header__menu"
          aria-expanded={open}
          aria-controls={menuId}
          onClick={() => setOpen((v) => !v)}
        >
          <svg aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="18" height="18">
            <path fill="currentColor" d="M3 6h18v2H3zm0 5h18v2H3zm0 5h18v2H3z" />
          </svg>
          {t('nav.menu')}
        </button>
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
