import { columnTypes, type Migration } from './types.js';

/**
 * Cosignatures of the log's checkpoints by witnesses (C2SP tlog-cosignature), kept to be published with the
 * checkpoint they cosign: one per checkpoint size and witness key.
 */
export const logCosignatures: Migration = {
  name: '026_log_cosignatures',
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('log_cosignatures')
      .addColumn('size', 'bigint', (c) => c.notNull())
      // `<name>+<key hash>`: which witness key.
      .addColumn('key_id', 'text', (c) => c.notNull())
      .addColumn('witness', 'text', (c) => c.notNull())
      .addColumn('signed_at', 'bigint', (c) => c.notNull())
      .addColumn('line', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('log_cosignatures_pk', ['size', 'key_id'])
      .execute();
  },
};
