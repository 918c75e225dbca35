import { useEffect, useId, useRef, useState, type FocusEvent, type KeyboardEvent } from 'react';
import { NavLink, useLocation } from 'react-router-dom';
import { useT } from '../i18n/I18nProvider';

interface Props {
  handle: string;
  isAdmin: boolean;
  onSignOut: () => void;
}

/**
 * The signed-in person's links (profile, account, moderation, sign-out) behind their handle, so the header stays on
 * one line. A disclosure, not an ARIA menu: plain links in a list, Tab moves through them, Escape or leaving closes.
 * On a narrow screen the list is shown flat inside the site menu (styles.css).
 */
export function UserMenu({ handle, isAdmin, onSignOut }: Props) {
  const t = useT();
  const { pathname } = useLocation();
  const [open, setOpen] = useState(false);
  const listId = useId();
  const buttonRef = useRef<HTMLButtonElement>(null);
  const listRef = useRef<HTMLUListElement>(null);

  useEffect(() => setOpen(false), [pathname]);
  useEffect(() => {
    if (open) listRef.current?.querySelector<HTMLElement>('a, button')?.focus();
  }, [open]);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && open) {
      e.stopPropagation();
      setOpen(false);
      buttonRef.current?.focus();
    }
  };
  const onBlur = (e: FocusEvent<HTMLDivElement>) => {
    if (open && !e.currentTarget.contains(e.relatedTarget as Node | null)) setOpen(false);
  };

  return (
    <div className={`user-menu${open ? ' user-menu--open' : ''}`} onKeyDown={onKeyDown} onBlur={onBlur}>
      <button
        ref={buttonRef}
        type="button"
        className="user-menu__toggle"
        aria-expanded={open}
        aria-controls={listId}
        onClick={() => setOpen((v) => !v)}
      >
        <span className="visually-hidden">{t('nav.signedInAs')} </span>
        <span className="user-menu__handle">@{handle}</span>
        <svg aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="16" height="16">
          <path fill="currentColor" d="M7 10l5 5 5-5z" />
        </svg>
      </button>
      <ul id={listId} ref={listRef} className="user-menu__list">
        <li>
          <NavLink to={`/users/${encodeURIComponent(handle)}`}>{t('nav.profile', { handle })}</NavLink>
        </li>
        <li>
          <NavLink to="/account">{t('nav.account')}</NavLink>
        </li>
        {isAdmin && (
          <li>
            <NavLink to="/moderation">{t('nav.moderation')}</NavLink>
          </li>
        )}
        <li>
          <button type="button" className="button button--small button--secondary" onClick={onSignOut}>
            {t('nav.signOut')}
          </button>
        </li>
      </ul>
    </div>
  );
}
