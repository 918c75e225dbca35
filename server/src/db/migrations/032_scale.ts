import { columnTypes, type Migration } from './types.js';

/**
 * Import jobs claimed by any instance (issue 16, item 2): a lease that the holder renews (`lease_until`), the
 * instance holding it (`lease_owner`, for operators) and a fencing token (`fence`), raised at every claim. Every
 * write of a job's holder checks the token it claimed with: after a second instance claimed an expired lease, the
 * first one can no longer write progress, rows or the result.
 */
export const scale: Migration = {
  name: '032_scale',
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema.alterTable('jobs').addColumn('lease_until', t.timestamp).execute();
    await db.schema.alterTable('jobs').addColumn('lease_owner', 'text').execute();
    await db.schema
      .alterTable('jobs')
      .addColumn('fence', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};
