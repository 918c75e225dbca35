import { columnTypes, type Migration } from './types.js';

/** Discussions, moderation (flags, hidden content, suspensions) and per-dataset community settings. */
export const discussions: Migration = {
  name: '006_discussions',
  async up(db, dialect) {
    const t = columnTypes(dialect);

    await db.schema
      .createTable('discussion_threads')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // 'dataset' | 'resource' | 'contribution' (later 'reuse'); subject_id is that object's id.
      .addColumn('subject_kind', 'text', (c) => c.notNull())
      .addColumn('subject_id', 'text', (c) => c.notNull())
      // Every subject belongs to a dataset: its visibility (drafts) and reviewers decide access.
      .addColumn('dataset_id', 'text', (c) => c.notNull().references('datasets.id').onDelete('cascade'))
      .addColumn('organization_id', 'text')
      .addColumn('author_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('resolution', 'text')
      .addColumn('closed_by', 'text')
      .addColumn('closed_at', t.timestamp)
      .addColumn('message_count', 'integer', (c) => c.notNull())
      .addColumn('last_message_at', t.timestamp, (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('discussion_threads_subject_idx')
      .on('discussion_threads')
      .columns(['subject_kind', 'subject_id', 'id'])
      .execute();
    await db.schema
      .createIndex('discussion_threads_dataset_idx')
      .on('discussion_threads')
      .columns(['dataset_id', 'id'])
      .execute();

    await db.schema
      .createTable('discussion_messages')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('thread_id', 'text', (c) => c.notNull().references('discussion_threads.id').onDelete('cascade'))
      .addColumn('author_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('helpful_by', 'text')
      .addColumn('helpful_at', t.timestamp)
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('discussion_messages_thread_idx')
      .on('discussion_messages')
      .columns(['thread_id', 'id'])
      .execute();
    await db.schema
      .createIndex('discussion_messages_author_idx')
      .on('discussion_messages')
      .columns(['author_id', 'created_at'])
      .execute();

    await db.schema
      .createTable('discussion_subscriptions')
      .addColumn('thread_id', 'text', (c) => c.notNull().references('discussion_threads.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('discussion_subscriptions_pk', ['thread_id', 'user_id'])
      .execute();

    await db.schema
      .createTable('moderation_flags')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('target_kind', 'text', (c) => c.notNull())
      .addColumn('target_id', 'text', (c) => c.notNull())
      .addColumn('target_author_id', 'text')
      .addColumn('reporter_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      // "reporter:kind:id" while open, null once handled: one open flag per reporter and target (portable
      // alternative to a partial unique index; NULLs never collide).
      .addColumn('open_key', 'text', (c) => c.unique())
      .addColumn('handled_by', 'text')
      .addColumn('handled_at', t.timestamp)
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('moderation_flags_status_idx')
      .on('moderation_flags')
      .columns(['status', 'id'])
      .execute();
    await db.schema
      .createIndex('moderation_flags_target_idx')
      .on('moderation_flags')
      .columns(['target_kind', 'target_id'])
      .execute();

    await db.schema
      .createTable('moderation_hidden')
      .addColumn('target_kind', 'text', (c) => c.notNull())
      .addColumn('target_id', 'text', (c) => c.notNull())
      .addColumn('author_id', 'text')
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('hidden_by', 'text', (c) => c.notNull())
      .addColumn('hidden_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('moderation_hidden_pk', ['target_kind', 'target_id'])
      .execute();

    await db.schema
      .createTable('user_suspensions')
      .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('until', t.timestamp)
      .addColumn('suspended_by', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('dataset_community_settings')
      .addColumn('dataset_id', 'text', (c) => c.primaryKey().references('datasets.id').onDelete('cascade'))
      .addColumn('allow_direct_edits', t.bool, (c) => c.notNull())
      .addColumn('reviewers_opt_in', t.bool, (c) => c.notNull())
      .addColumn('updated_by', 'text')
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
  },
};
