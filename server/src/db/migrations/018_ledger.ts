import { type Migration } from './types.js';

/**
 * The transparency log (ledger): entries in log order, the hash of every perfect subtree
 * (level, index) integrated into a signed checkpoint, and the signed checkpoints themselves.
 * Rows are only ever added; the tree can be rebuilt from the events table.
 */
export const ledger: Migration = {
  name: '018_ledger',
  async up(db, dialect) {
    const bytes = dialect === 'postgres' ? 'bytea' : 'blob';
    const timestamp = dialect === 'postgres' ? 'timestamptz' : 'text';

    await db.schema
      .createTable('log_entries')
      .addColumn('idx', 'bigint', (c) => c.primaryKey())
      .addColumn('event_id', 'text', (c) => c.notNull().unique())
      // The canonical JSON entry (UTF-8): the leaf is SHA-256(0x00 || entry).
      .addColumn('entry', 'text', (c) => c.notNull())
      .addColumn('created_at', timestamp, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('log_nodes')
      .addColumn('level', 'integer', (c) => c.notNull())
      .addColumn('idx', 'bigint', (c) => c.notNull())
      .addColumn('hash', bytes, (c) => c.notNull())
      .addPrimaryKeyConstraint('log_nodes_pk', ['level', 'idx'])
      .execute();

    await db.schema
      .createTable('log_checkpoints')
      // One checkpoint per size: a second, different root for a size (a fork) cannot be stored.
      .addColumn('size', 'bigint', (c) => c.primaryKey())
      .addColumn('root_hash', bytes, (c) => c.notNull())
      .addColumn('note', 'text', (c) => c.notNull())
      .addColumn('created_at', timestamp, (c) => c.notNull())
      .execute();
  },
};
