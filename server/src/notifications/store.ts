import type { Insertable, Kysely } from 'kysely';
import type { Database, NotificationsTable } from '../db/schema.js';

// Booleans are written 1/0: an integer on SQLite, read as true/false by PostgreSQL.
const trueValue = 1;

/** SQL of the notification center: notifications, preferences and the daily digests' claims. */
export function createNotificationStore() {
  return {
    /** Erasure: a person's notifications, preferences and digest state. */
    async deleteUser(db: Kysely<Database>, userId: string) {
      await db.deleteFrom('notifications').where('userId', '=', userId).execute();
      await db.deleteFrom('notificationPreferences').where('userId', '=', userId).execute();
      await db.deleteFrom('notificationDigests').where('userId', '=', userId).execute();
    },
    preferencesOf(db: Kysely<Database>, userIds: string[]) {
      return db.selectFrom('notificationPreferences').selectAll().where('userId', 'in', userIds).execute();
    },
    async upsertPreference(
      db: Kysely<Database>,
      row: { userId: string; type: string; inApp: boolean; email: 'immediate' | 'daily' | 'off' },
    ) {
      const inApp = row.inApp ? 1 : 0;
      await db
        .insertInto('notificationPreferences')
        .values({ ...row, inApp })
        .onConflict((oc) => oc.columns(['userId', 'type']).doUpdateSet({ inApp, email: row.email }))
        .execute();
    },
    /** False when the user already has a notification of this event (an event delivered again). */
    async insert(db: Kysely<Database>, row: Insertable<NotificationsTable>): Promise<boolean> {
      const inserted = await db
        .insertInto('notifications')
        .values(row)
        .onConflict((oc) => oc.columns(['userId', 'eventId']).doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    /** Users with daily notifications not mailed yet and no digest claimed for `day`. */
    async pendingDigestUsers(db: Kysely<Database>, day: string): Promise<string[]> {
      const rows = await db
        .selectFrom('notifications')
        .select('userId')
        .distinct()
        .where('email', '=', 'daily')
        .where('emailedAt', 'is', null)
        .where('userId', 'not in', (eb) => eb.selectFrom('notificationDigests').select('userId').where('day', '=', day))
        .execute();
      return rows.map((r) => r.userId);
    },
    /** Claims the user's digest of `day`; false when another instance did first. */
    async claimDigest(db: Kysely<Database>, userId: string, day: string, sentAt: string): Promise<boolean> {
      const claimed = await db
        .insertInto('notificationDigests')
        .values({ userId, day, sentAt, count: 0 })
        .onConflict((oc) => oc.columns(['userId', 'day']).doNothing())
        .executeTakeFirst();
      return Number(claimed.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    async setDigestCount(db: Kysely<Database>, userId: string, day: string, count: number) {
      await db
        .updateTable('notificationDigests')
        .set({ count })
        .where('userId', '=', userId)
        .where('day', '=', day)
        .execute();
    },
    /** The user's daily notifications not mailed yet, oldest first. */
    pendingDaily(db: Kysely<Database>, userId: string) {
      return db
        .selectFrom('notifications')
        .select(['id', 'type', 'params', 'link'])
        .where('userId', '=', userId)
        .where('email', '=', 'daily')
        .where('emailedAt', 'is', null)
        .orderBy('id')
        .execute();
    },
    async markEmailed(db: Kysely<Database>, ids: string[], at: string) {
      if (ids.length === 0) return;
      await db.updateTable('notifications').set({ emailedAt: at }).where('id', 'in', ids).execute();
    },
    /** In-app notifications of a user, newest first, from before `beforeId`; `limit + 1` tells if there is more. */
    listInApp(db: Kysely<Database>, userId: string, options: { unread?: boolean; beforeId?: string; limit: number }) {
      let q = db
        .selectFrom('notifications')
        .select(['id', 'type', 'params', 'link', 'readAt', 'createdAt'])
        .where('userId', '=', userId)
        .where('inApp', '=', trueValue);
      if (options.unread) q = q.where('readAt', 'is', null);
      if (options.beforeId) q = q.where('id', '<', options.beforeId);
      return q.orderBy('id', 'desc').limit(options.limit).execute();
    },
    findInApp(db: Kysely<Database>, userId: string, id: string) {
      return db
        .selectFrom('notifications')
        .select(['id', 'readAt'])
        .where('id', '=', id)
        .where('userId', '=', userId)
        .where('inApp', '=', trueValue)
        .executeTakeFirst();
    },
    async markRead(db: Kysely<Database>, id: string, at: string) {
      await db.updateTable('notifications').set({ readAt: at }).where('id', '=', id).execute();
    },
    async markAllRead(db: Kysely<Database>, userId: string, at: string): Promise<number> {
      const r = await db
        .updateTable('notifications')
        .set({ readAt: at })
        .where('userId', '=', userId)
        .where('readAt', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },
    async unreadCount(db: Kysely<Database>, userId: string): Promise<number> {
      const r = await db
        .selectFrom('notifications')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('userId', '=', userId)
        .where('inApp', '=', trueValue)
        .where('readAt', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
  };
}
export type NotificationStore = ReturnType<typeof createNotificationStore>;
