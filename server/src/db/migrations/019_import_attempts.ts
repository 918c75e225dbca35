import type { Migration } from './types.js';

/**
 * Import jobs count their attempts: a job requeued after its process died runs again, but one that kills the
 * process every time (a file that exhausts memory) must end failed with a reason instead of looping forever.
 */
export const importAttempts: Migration = {
  name: '019_import_attempts',
  async up(db) {
    await db.schema
      .alterTable('jobs')
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
