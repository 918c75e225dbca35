import { NavLink } from 'react-router-dom';
import { useT } from '../i18n/I18nProvider';
import { useUnreadCount } from './useUnreadCount';

/** Header link to the notification center, with the unread count. Signed-in users only. */
export function NotificationBell() {
  const t = useT();
  const count = useUnreadCount(true);
  return (
    <NavLink to="/notifications" className="bell" aria-label={t('notif.bell', { count })}>
      <svg aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="22" height="22" className="bell__icon">
        <path
          fill="currentColor"
          d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
        />
      </svg>
      {count > 0 && (
        <span className="bell__count" aria-hidden="true">
          {count > 99 ? '99+' : count}
        </span>
      )}
    </NavLink>
  );
}
