import { columnTypes, type Migration } from './types.js';

export const notifications: Migration = {
  name: '005_notifications',
  async up(db, dialect) {
    const t = columnTypes(dialect);

    await db.schema
      .createTable('notifications')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      // Rendered in the reader's language at read time, from the type and these parameters.
      .addColumn('params', t.json, (c) => c.notNull())
      .addColumn('link', 'text', (c) => c.notNull())
      // Shown in the notification center (false: kept only for the daily digest).
      .addColumn('in_app', t.bool, (c) => c.notNull())
      // How this notification is mailed: 'immediate' | 'daily' | 'off' (decided when it was made).
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('emailed_at', t.timestamp)
      .addColumn('read_at', t.timestamp)
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addUniqueConstraint('notifications_user_event_uq', ['user_id', 'event_id'])
      .execute();
    await db.schema.createIndex('notifications_user_idx').on('notifications').columns(['user_id', 'id']).execute();
    await db.schema
      .createIndex('notifications_digest_idx')
      .on('notifications')
      .columns(['email', 'emailed_at'])
      .execute();

    await db.schema
      .createTable('notification_preferences')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('in_app', t.bool, (c) => c.notNull())
      .addColumn('email', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('notification_preferences_pk', ['user_id', 'type'])
      .execute();

    // One digest per user per (UTC) day, even with several instances checking at once.
    await db.schema
      .createTable('notification_digests')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('sent_at', t.timestamp, (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('notification_digests_pk', ['user_id', 'day'])
      .execute();
  },
};
