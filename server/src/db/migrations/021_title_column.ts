import type { Migration } from './types.js';

/**
 * The column a publisher chooses as a row's title (reviewers and contributors recognise rows by it);
 * NULL: the automatic choice (a name-like text column, else the first text column).
 */
export const titleColumn: Migration = {
  name: '021_title_column',
  async up(db) {
    await db.schema.alterTable('resources').addColumn('title_column', 'text').execute();
  },
};
