import { type Migration } from './types.js';

/**
 * Full entry bundles of the transparency log (C2SP tlog-tiles), stored as the bytes served: a bundle of 256
 * entries never changes once integrated, and assembling it from 256 entry rows on every request made `log verify`
 * of a large log wait on the server. Written with the checkpoint that completes them; partial bundles are still
 * built on demand, and bundles integrated before this migration too (a rebuild stores them).
 */
export const logBundles: Migration = {
  name: '034_log_bundles',
  async up(db, dialect) {
    await db.schema
      .createTable('log_bundles')
      // Bundle index N: entries [256·N, 256·N + 256).
      .addColumn('idx', 'bigint', (c) => c.primaryKey())
      .addColumn('bundle', dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
      .execute();
  },
};
