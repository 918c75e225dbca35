import { columnTypes, type Migration } from './types.js';

/**
 * The home page and translated import reports: datasets featured by the platform's administrators, and each
 * rejected row's reason as a stable code with parameters (the English text stays in `reason`).
 */
export const home: Migration = {
  name: '015_home',
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema.alterTable('datasets').addColumn('featured_at', t.timestamp).execute();
    await db.schema.createIndex('datasets_featured_idx').on('datasets').columns(['featured_at']).execute();
    await db.schema.alterTable('import_rejections').addColumn('code', 'text').execute();
    await db.schema.alterTable('import_rejections').addColumn('params', t.json).execute();
  },
};
