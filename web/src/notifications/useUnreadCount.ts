import { useCallback, useEffect, useState } from 'react';
import { useLocation } from 'react-router-dom';
import { fetchNotifications } from '../api/notifications';
import { NOTIFICATIONS_CHANGED, POLL_MS } from './events';

/** Unread notifications of the signed-in user: polled every 60 s, on navigation and on demand. */
export function useUnreadCount(enabled: boolean): number {
  const [count, setCount] = useState(0);
  const { pathname } = useLocation();

  const refresh = useCallback(async (signal?: AbortSignal) => {
    try {
      const page = await fetchNotifications({ unread: true, _limit: 1 }, signal);
      setCount(page.unreadCount);
    } catch {
      /* keep the last known count; the next poll tries again */
    }
  }, []);

  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    void refresh(controller.signal);
    return () => controller.abort();
  }, [enabled, pathname, refresh]);

  useEffect(() => {
    if (!enabled) return;
    const timer = window.setInterval(() => {
      if (document.visibilityState !== 'hidden') void refresh();
    }, POLL_MS);
    const onChanged = () => void refresh();
    window.addEventListener(NOTIFICATIONS_CHANGED, onChanged);
    return () => {
      window.clearInterval(timer);
      window.removeEventListener(NOTIFICATIONS_CHANGED, onChanged);
    };
  }, [enabled, refresh]);

  return enabled ? count : 0;
}
