import { columnTypes, type Migration } from './types.js';

/**
 * The personal-data access log: one row per read of a person's personal data by someone else (a platform
 * administrator, an organization's back office, an accredited app), shown to that person. Rows are never
 * deleted; a record may be hidden from its person until a date, for a stated legal reason. Each record's
 * hash is also a leaf of the transparency log (event `personal_data.accessed`).
 */
export const dataAccess: Migration = {
  name: '024_data_access',
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('data_access_records')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('subject_user_id', 'text', (c) => c.notNull())
      .addColumn('actor_user_id', 'text', (c) => c.notNull())
      .addColumn('actor_handle', 'text', (c) => c.notNull())
      .addColumn('organization_id', 'text')
      .addColumn('app_id', 'text')
      .addColumn('accreditation_id', 'text')
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('legal_basis', 'text', (c) => c.notNull())
      .addColumn('query_id', 'text', (c) => c.notNull())
      .addColumn('fields', t.json, (c) => c.notNull())
      .addColumn('occurred_at', t.timestamp, (c) => c.notNull())
      // The canonical JSON record (with a random nonce, so its hash cannot be guessed) and its SHA-256.
      .addColumn('record', 'text', (c) => c.notNull())
      .addColumn('record_hash', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('hidden_until', t.timestamp)
      .addColumn('hidden_reason', 'text')
      .execute();
    await db.schema
      .createIndex('data_access_subject_idx')
      .on('data_access_records')
      .columns(['subject_user_id', 'id'])
      .execute();
    await db.schema
      .createIndex('data_access_organization_idx')
      .on('data_access_records')
      .columns(['organization_id', 'occurred_at'])
      .execute();
  },
};
