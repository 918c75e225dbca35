import { columnTypes, type Migration } from './types.js';

/**
 * Federation (issue 15, items 7 and 9): harvest sources configured per organization, their runs (each with its
 * report) claimed from the database like other jobs, and the link between a source's record and the dataset it
 * fills (updated in place by source id, withdrawn when gone from the source).
 */
export const harvest: Migration = {
  name: '031_harvest',
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('harvest_sources')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      // dcat | ckan | udata | multitude
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      // Minutes between scheduled runs; NULL: on demand (and by webhook) only.
      .addColumn('interval_minutes', 'integer')
      .addColumn('next_run_at', t.timestamp)
      .addColumn('enabled', t.bool, (c) => c.notNull())
      // Standard Webhooks secret (whsec_…) of the subscription made at the followed instance (kind multitude).
      .addColumn('webhook_secret', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('harvest_sources_organization')
      .on('harvest_sources')
      .columns(['organization_id'])
      .execute();
    await db.schema
      .createTable('harvest_runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('organization_id', 'text', (c) => c.notNull())
      // manual | schedule | webhook
      .addColumn('trigger', 'text', (c) => c.notNull())
      // pending → running → succeeded | failed
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('lease_until', t.timestamp)
      .addColumn('created', 'integer', (c) => c.notNull())
      .addColumn('updated', 'integer', (c) => c.notNull())
      .addColumn('unchanged', 'integer', (c) => c.notNull())
      .addColumn('withdrawn', 'integer', (c) => c.notNull())
      .addColumn('errors', 'integer', (c) => c.notNull())
      // JSON: { pages, records, errors: [{ sourceId, message }], skipped: [string] }
      .addColumn('report', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('started_at', t.timestamp)
      .addColumn('finished_at', t.timestamp)
      .execute();
    await db.schema
      .createIndex('harvest_runs_source')
      .on('harvest_runs')
      .columns(['source_id', 'created_at'])
      .execute();
    await db.schema.createIndex('harvest_runs_status').on('harvest_runs').columns(['status']).execute();
    await db.schema
      .createTable('harvest_records')
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('source_record_id', 'text', (c) => c.notNull())
      .addColumn('dataset_id', 'text', (c) => c.notNull())
      .addColumn('source_url', 'text')
      // SHA-256 of the normalized record: an unchanged record is not written again.
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      // active | withdrawn
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('last_run_id', 'text', (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('harvest_records_pk', ['source_id', 'source_record_id'])
      .execute();
    await db.schema
      .createIndex('harvest_records_dataset')
      .on('harvest_records')
      .columns(['dataset_id'])
      .unique()
      .execute();
  },
};
