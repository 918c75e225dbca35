import { columnTypes, type Migration } from './types.js';

/**
 * Capture (issue 14, items 1, 2, 5): public capture keys of apps, the daily salts of cookieless visitor ids
 * (a row per UTC day, deleted once the day is over), batches already received (idempotency), raw captured events,
 * their per-minute/hour/day rollups, experiments and their exposures.
 * Times of captured events are epoch milliseconds (bigint): bucket arithmetic is the same integer division on
 * both dialects.
 */
export const capture: Migration = {
  name: '029_capture',
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('capture_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('app_id', 'text', (c) => c.notNull())
      // The public key itself (mtc_…): it ships in web pages, so it is no secret; it can only write events.
      .addColumn('key', 'text', (c) => c.notNull().unique())
      .addColumn('name', 'text', (c) => c.notNull())
      // JSON array of allowed origins (https://example.org); a browser call from any other origin is refused.
      .addColumn('origins', t.json, (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('revoked_at', t.timestamp)
      .execute();
    await db.schema.createIndex('capture_keys_app').on('capture_keys').columns(['app_id']).execute();
    await db.schema
      .createTable('capture_salts')
      .addColumn('day', 'text', (c) => c.primaryKey())
      .addColumn('salt', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('capture_batches')
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('batch_id', 'text', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      // The answer first given, returned unchanged to a retry.
      .addColumn('result', t.json, (c) => c.notNull())
      .addPrimaryKeyConstraint('capture_batches_pk', ['source', 'batch_id'])
      .execute();
    await db.schema.createIndex('capture_batches_received').on('capture_batches').columns(['received_at']).execute();
    await db.schema
      .createTable('capture_events')
      // `source`: app:<appId> or platform; the event's uuid is unique within its source.
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('uuid', 'text', (c) => c.notNull())
      .addColumn('app_id', 'text')
      .addColumn('organization_id', 'text')
      .addColumn('dataset_id', 'text')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('ts', 'bigint', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      // A daily visitor hash (cookieless), or the app's distinct id once consented / sent by a server key.
      .addColumn('visitor', 'text', (c) => c.notNull())
      .addColumn('identified', 'integer', (c) => c.notNull())
      .addColumn('path', 'text')
      .addColumn('referrer', 'text')
      .addColumn('country', 'text')
      // Comma-separated: clamped_future, clamped_past.
      .addColumn('flags', 'text')
      .addColumn('properties', t.json)
      .addPrimaryKeyConstraint('capture_events_pk', ['source', 'uuid'])
      .execute();
    await db.schema.createIndex('capture_events_app_ts').on('capture_events').columns(['app_id', 'ts']).execute();
    await db.schema
      .createIndex('capture_events_org_ts')
      .on('capture_events')
      .columns(['organization_id', 'ts'])
      .execute();
    await db.schema.createIndex('capture_events_ds_ts').on('capture_events').columns(['dataset_id', 'ts']).execute();
    await db.schema.createIndex('capture_events_ts').on('capture_events').columns(['ts']).execute();
    await db.schema
      .createTable('capture_rollups')
      // app:<id>, org:<id> or dataset:<id>
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('grain', 'text', (c) => c.notNull())
      .addColumn('bucket', 'bigint', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('count', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('capture_rollups_pk', ['scope', 'grain', 'bucket', 'name'])
      .execute();
    await db.schema
      .createTable('experiments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('app_id', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('flag_key', 'text', (c) => c.notNull())
      .addColumn('definition', t.json, (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('stopped_at', 'bigint')
      .addUniqueConstraint('experiments_app_key', ['app_id', 'key'])
      .execute();
    await db.schema
      .createTable('experiment_exposures')
      .addColumn('experiment_id', 'text', (c) => c.notNull())
      .addColumn('unit', 'text', (c) => c.notNull())
      .addColumn('variant', 'text', (c) => c.notNull())
      .addColumn('ts', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('experiment_exposures_pk', ['experiment_id', 'unit'])
      .execute();
  },
};
