import type { Migration } from './types.js';

/**
 * Hardening: the share of rejected rows above which a new version of a resource does not go live (NULL = the
 * platform's default, 10 %).
 */
export const hardening: Migration = {
  name: '013_hardening',
  async up(db, dialect) {
    await db.schema
      .alterTable('resources')
      .addColumn('max_rejected_share', dialect === 'postgres' ? 'double precision' : 'real')
      .execute();
  },
};
