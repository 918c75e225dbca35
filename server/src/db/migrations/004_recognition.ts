import { columnTypes, type Migration } from './types.js';

/**
 * Recognition: read models fed only by the `recognition.*` event consumers. No foreign keys: these
 * tables are derived from events, and a consumer must never get stuck on a row it cannot write.
 */
export const recognition: Migration = {
  name: '004_recognition',
  async up(db, dialect) {
    const t = columnTypes(dialect);

    await db.schema
      .createTable('reputation_entries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('points', 'integer', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('dataset_id', 'text')
      .addColumn('organization_id', 'text')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addUniqueConstraint('reputation_entries_event_uq', ['event_id', 'user_id', 'reason'])
      .execute();
    await db.schema
      .createIndex('reputation_entries_user_idx')
      .on('reputation_entries')
      .columns(['user_id', 'id'])
      .execute();
    await db.schema
      .createIndex('reputation_entries_time_idx')
      .on('reputation_entries')
      .columns(['created_at'])
      .execute();
    await db.schema
      .createIndex('reputation_entries_dataset_idx')
      .on('reputation_entries')
      .columns(['dataset_id', 'created_at'])
      .execute();
    await db.schema
      .createIndex('reputation_entries_org_idx')
      .on('reputation_entries')
      .columns(['organization_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('user_badges')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('badge', 'text', (c) => c.notNull())
      // 0 for every non-repeatable badge, so (user, badge) is unique for them.
      .addColumn('occurrence', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('awarded_at', t.timestamp, (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('user_badges_pk', ['user_id', 'badge', 'occurrence'])
      .execute();
    await db.schema.createIndex('user_badges_badge_idx').on('user_badges').column('badge').execute();

    await db.schema
      .createTable('trust_levels')
      .addColumn('user_id', 'text', (c) => c.primaryKey())
      .addColumn('level', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('signed_up_at', t.timestamp)
      .addColumn('accepted_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('accepted_base', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('spam_count', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();

    await db.schema
      .createTable('user_stats')
      .addColumn('user_id', 'text', (c) => c.primaryKey())
      .addColumn('accepted_contributions', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('rows_changed', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('reviews', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('datasets_improved', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();

    // Each consumer writes only its own tables: consumers run concurrently, and rows shared between
    // them would make their transactions wait on (or deadlock with) each other.
    await db.schema
      .createTable('reputation_totals')
      .addColumn('user_id', 'text', (c) => c.primaryKey())
      .addColumn('points', 'integer', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('contribution_days')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('dataset_id', 'text', (c) => c.notNull())
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('accepted', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('contribution_days_pk', ['user_id', 'dataset_id', 'day'])
      .execute();
    await db.schema
      .createIndex('contribution_days_user_day_idx')
      .on('contribution_days')
      .columns(['user_id', 'day'])
      .execute();

    await db.schema
      .createTable('dataset_contributors')
      .addColumn('dataset_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('accepted', 'integer', (c) => c.notNull())
      .addColumn('rows_changed', 'integer', (c) => c.notNull())
      .addColumn('first_at', t.timestamp, (c) => c.notNull())
      .addColumn('last_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('dataset_contributors_pk', ['dataset_id', 'user_id'])
      .execute();
    await db.schema
      .createIndex('dataset_contributors_rank_idx')
      .on('dataset_contributors')
      .columns(['dataset_id', 'accepted'])
      .execute();

    await db.schema
      .createTable('review_durations')
      .addColumn('event_id', 'text', (c) => c.primaryKey())
      .addColumn('contribution_id', 'text', (c) => c.notNull())
      .addColumn('organization_id', 'text')
      .addColumn('dataset_id', 'text')
      .addColumn('reviewer_id', 'text')
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('submitted_at', t.timestamp, (c) => c.notNull())
      .addColumn('reviewed_at', t.timestamp, (c) => c.notNull())
      .addColumn('seconds', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('review_durations_org_idx')
      .on('review_durations')
      .columns(['organization_id', 'reviewed_at'])
      .execute();

    // Belt and braces over the dispatcher's cursor: an event handled once by a consumer is never
    // applied again, even if it is delivered again (cursor reset, replay).
    await db.schema
      .createTable('recognition_processed')
      .addColumn('consumer', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('recognition_processed_pk', ['consumer', 'event_id'])
      .execute();
  },
};
