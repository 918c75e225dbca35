import type { Migration } from './types.js';

/**
 * Usage analytics of third-party apps (apps/usage): per app, per UTC day, per endpoint (method and
 * route pattern) — calls, errors, a latency histogram — and the datasets consumed. Written by
 * periodic upserts of in-memory aggregates, never one write per request.
 */
export const usage: Migration = {
  name: '010_usage',
  async up(db, dialect) {
    const real = dialect === 'postgres' ? 'double precision' : 'real';
    await db.schema
      .createTable('app_usage_daily')
      .addColumn('app_id', 'text', (c) => c.notNull())
      // YYYY-MM-DD (UTC)
      .addColumn('day', 'text', (c) => c.notNull())
      // "GET /api/v1/datasets/:slug"
      .addColumn('endpoint', 'text', (c) => c.notNull())
      .addColumn('calls', 'integer', (c) => c.notNull())
      .addColumn('client_errors', 'integer', (c) => c.notNull())
      .addColumn('server_errors', 'integer', (c) => c.notNull())
      .addColumn('latency_total_ms', real as 'real', (c) => c.notNull())
      .addPrimaryKeyConstraint('app_usage_daily_pk', ['app_id', 'day', 'endpoint'])
      .execute();
    // Latency histogram: one row per non-empty logarithmic bucket (see usage/histogram.ts).
    await db.schema
      .createTable('app_usage_latency')
      .addColumn('app_id', 'text', (c) => c.notNull())
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('endpoint', 'text', (c) => c.notNull())
      .addColumn('bucket', 'integer', (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('app_usage_latency_pk', ['app_id', 'day', 'endpoint', 'bucket'])
      .execute();
    await db.schema
      .createTable('app_usage_datasets')
      .addColumn('app_id', 'text', (c) => c.notNull())
      .addColumn('day', 'text', (c) => c.notNull())
      .addColumn('dataset_slug', 'text', (c) => c.notNull())
      .addColumn('calls', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('app_usage_datasets_pk', ['app_id', 'day', 'dataset_slug'])
      .execute();
    await db.schema
      .createIndex('app_usage_datasets_slug_idx')
      .on('app_usage_datasets')
      .columns(['dataset_slug', 'day'])
      .execute();
  },
};
