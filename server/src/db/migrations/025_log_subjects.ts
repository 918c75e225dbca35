import { sql } from 'kysely';
import type { Migration } from './types.js';

/**
 * The subject of each log entry as a column, so that anyone can find the entries about a dataset, a contribution or
 * an app on the transparency page (the entry holds it already; hashed entries have none). Existing entries are
 * filled from their JSON.
 */
export const logSubjects: Migration = {
  name: '025_log_subjects',
  async up(db, dialect) {
    await db.schema.alterTable('log_entries').addColumn('subject', 'text').execute();
    const fromJson = dialect === 'postgres' ? sql`(entry::jsonb ->> 'subject')` : sql`json_extract(entry, '$.subject')`;
    await sql`update log_entries set subject = ${fromJson}`.execute(db);
    await db.schema.createIndex('log_entries_subject_idx').on('log_entries').columns(['subject', 'idx']).execute();
  },
};
