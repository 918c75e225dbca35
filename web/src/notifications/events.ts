/** In-page signal that notifications were read, so the header bell refreshes at once. */
export const NOTIFICATIONS_CHANGED = 'mt:notifications-changed';

export function announceNotificationsChanged(): void {
  window.dispatchEvent(new Event(NOTIFICATIONS_CHANGED));
}

export const POLL_MS = 60_000;
