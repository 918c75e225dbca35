import { columnTypes, type Migration } from './types.js';

/**
 * "My data" (issue 13, item 6): export jobs, claimed by a background worker, and the date an account was erased
 * (its profile then answers as a tombstone).
 */
export const myData: Migration = {
  name: '027_my_data',
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('data_exports')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull())
      // pending → running → ready | failed
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('progress', 'integer', (c) => c.notNull())
      .addColumn('file_path', 'text')
      .addColumn('bytes', 'bigint')
      .addColumn('error', 'text')
      .addColumn('attempts', 'integer', (c) => c.notNull())
      // A running job whose lease ended (its process died) is claimed again.
      .addColumn('lease_until', t.timestamp)
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addColumn('ready_at', t.timestamp)
      .addColumn('expires_at', t.timestamp)
      .execute();
    await db.schema.createIndex('data_exports_user').on('data_exports').columns(['user_id', 'created_at']).execute();
    await db.schema.createIndex('data_exports_status').on('data_exports').columns(['status']).execute();
    await db.schema.alterTable('users').addColumn('erased_at', t.timestamp).execute();
  },
};
