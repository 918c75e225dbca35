import { Link } from 'react-router-dom';
import type { AppNotification } from '../api/notifications';
import { useI18n } from '../i18n/I18nProvider';
import { safeNext } from '../ui/navigation';

/** One notification: its text links to the page concerned; following it marks it read. */
export function NotificationItem({ item, onOpen }: { item: AppNotification; onOpen: (item: AppNotification) => void }) {
  const { t, formatDateTime } = useI18n();
  return (
    <li className={item.read ? 'notification' : 'notification notification--unread'}>
      {!item.read && <span className="visually-hidden">{t('notif.unread')}: </span>}
      <Link to={safeNext(item.link, '/notifications')} onClick={() => onOpen(item)} className="notification__link">
        {item.text}
      </Link>
      <p className="small muted notification__meta">
        <time dateTime={item.createdAt}>{formatDateTime(item.createdAt)}</time>
        {!item.read && (
          <span className="badge" aria-hidden="true">
            {t('notif.new')}
          </span>
        )}
      </p>
    </li>
  );
}
