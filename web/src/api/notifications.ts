/** In-app notifications and their preferences: types from the generated schema, and hooks. */
import { useQueryClient } from '@tanstack/react-query';
import { api } from './client';
import { queryKeyOf, useApiQuery } from './query';
import type { QueryOf, RequestBody, ResponseData } from './schema';

export type NotificationPage = ResponseData<'/api/v1/me/notifications', 'get'>;
export type AppNotification = NotificationPage['items'][number];
export type NotificationPreference = ResponseData<'/api/v1/me/notification-preferences', 'get'>['items'][number];
export type EmailMode = NotificationPreference['email'];

const NOTIFICATIONS = '/api/v1/me/notifications';
const PREFERENCES = '/api/v1/me/notification-preferences';

/** One page of the viewer's notifications (the center follows `next` cursors itself). */
export const fetchNotifications = (query: QueryOf<typeof NOTIFICATIONS>, signal?: AbortSignal) =>
  api.GET(NOTIFICATIONS, { params: { query }, signal });
export const markNotificationRead = (id: string) =>
  api.POST(`${NOTIFICATIONS}/{id}/read`, { params: { path: { id } } });
export const markAllNotificationsRead = () => api.POST(`${NOTIFICATIONS}/read-all`, {});

export const useNotificationPreferences = () => useApiQuery(PREFERENCES, {});

/** Saves the viewer's preferences and refreshes the cached ones. */
export function useSaveNotificationPreferences() {
  const client = useQueryClient();
  return (items: RequestBody<typeof PREFERENCES, 'put'>['items']) =>
    api.PUT(PREFERENCES, { body: { items } }).then((saved) => {
      client.setQueryData(queryKeyOf(PREFERENCES, {}), saved);
      return saved;
    });
}
