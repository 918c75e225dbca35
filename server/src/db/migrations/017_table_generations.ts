import type { Migration } from './types.js';

/**
 * The write generation of each resource-version table: bumped in the transaction of every row write after
 * the import (contributions, reverts, direct edits). Results caches and columnar copies are valid for one
 * generation; every instance reads it with the live version, so none serves an answer from before a write
 * committed elsewhere. A table without a row is at generation 0.
 */
export const tableGenerations: Migration = {
  name: '017_table_generations',
  async up(db) {
    await db.schema
      .createTable('table_generations')
      .addColumn('table_name', 'text', (c) => c.primaryKey())
      .addColumn('generation', 'bigint', (c) => c.notNull())
      .execute();
  },
};
