import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { toApiError, type ApiError } from '../api/client';
import { useAction } from '../api/hooks';
import { cursorOf } from '../api/platform';
import {
  fetchNotifications,
  markAllNotificationsRead,
  markNotificationRead,
  type AppNotification,
} from '../api/notifications';
import { useI18n } from '../i18n/I18nProvider';
import { ErrorAlert, Loading, StatusMessage } from '../ui/Messages';
import { announceNotificationsChanged } from './events';
import { NotificationItem } from './NotificationItem';

const PAGE = 30;

/** List of notifications (unread emphasised), "Mark all as read", unread-only filter, paging. */
export function NotificationCenter() {
  const { t, lang } = useI18n();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [items, setItems] = useState<AppNotification[]>([]);
  const [unread, setUnread] = useState(0);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const markAll = useAction();

  const load = useCallback(
    async (cursor: string | null, signal?: AbortSignal) => {
      setLoading(true);
      setError(null);
      // In the interface's language, fetched again when it changes (the server renders at read time).
      try {
        const page = await fetchNotifications(
          { _limit: PAGE, lang, ...(unreadOnly ? { unread: true } : {}), ...(cursor ? { _cursor: cursor } : {}) },
          signal,
        );
        setItems((prev) => (cursor ? [...prev, ...page.items] : page.items));
        setUnread(page.unreadCount);
        setNext(cursorOf(page.next));
      } catch (err) {
        if (signal?.aborted) return;
        setError(toApiError(err));
      }
      setLoading(false);
    },
    [unreadOnly, lang],
  );

  useEffect(() => {
    const controller = new AbortController();
    void load(null, controller.signal);
    return () => controller.abort();
  }, [load]);

  const onOpen = (item: AppNotification) => {
    if (item.read) return;
    setItems((prev) => prev.map((n) => (n.id === item.id ? { ...n, read: true } : n)));
    setUnread((c) => Math.max(0, c - 1));
    markNotificationRead(item.id).then(announceNotificationsChanged, () => undefined);
  };

  const onMarkAll = async () => {
    setStatus(null);
    const result = await markAll.run(() => markAllNotificationsRead());
    if (!result.ok) return;
    setItems((prev) => (unreadOnly ? [] : prev.map((n) => ({ ...n, read: true }))));
    setUnread(0);
    setStatus(t('notif.allRead'));
    announceNotificationsChanged();
  };

  return (
    <div className="notifications">
      <p className="muted">{t('notif.unreadCount', { count: unread })}</p>
      <div className="actions notifications__actions">
        <button
          type="button"
          className="button button--secondary button--small"
          onClick={() => void onMarkAll()}
          disabled={markAll.pending}
        >
          {t('notif.markAll')}
        </button>
        <button
          type="button"
          className="button button--secondary button--small"
          aria-pressed={unreadOnly}
          onClick={() => setUnreadOnly((v) => !v)}
        >
          {t('notif.unreadOnly')}
        </button>
        <Link to="/account#notification-preferences" className="small">
          {t('notif.settingsLink')}
        </Link>
      </div>
      <StatusMessage>{status}</StatusMessage>
      <ErrorAlert error={error ?? markAll.error} />
      {items.length === 0 ? (
        loading ? (
          <Loading />
        ) : (
          !error && (
            <div className="empty-state">
              <p>{unreadOnly ? t('notif.emptyUnread') : t('notif.empty')}</p>
            </div>
          )
        )
      ) : (
        <ul className="notification-list">
          {items.map((n) => (
            <NotificationItem key={n.id} item={n} onOpen={onOpen} />
          ))}
        </ul>
      )}
      {next && (
        <button
          type="button"
          className="button button--secondary button--small"
          disabled={loading}
          onClick={() => void load(next)}
        >
          {loading ? t('common.loading') : t('notif.more')}
        </button>
      )}
    </div>
  );
}
