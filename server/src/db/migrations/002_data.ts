import { columnTypes, type Migration } from './types.js';

export const data: Migration = {
  name: '002_data',
  async up(db, dialect) {
    const t = columnTypes(dialect);

    await db.schema
      .createTable('datasets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('slug', 'text', (c) => c.notNull().unique())
      .addColumn('organization_id', 'text', (c) => c.references('organizations.id').onDelete('restrict'))
      .addColumn('owner_id', 'text', (c) => c.references('users.id').onDelete('restrict'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('keywords', t.json, (c) => c.notNull())
      .addColumn('themes', t.json, (c) => c.notNull())
      .addColumn('license', 'text', (c) => c.notNull())
      .addColumn('contact_name', 'text')
      .addColumn('contact_email', 'text')
      .addColumn('temporal_start', 'text')
      .addColumn('temporal_end', 'text')
      .addColumn('spatial', 'text')
      .addColumn('frequency', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('search_text', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('views', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('downloads', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addColumn('published_at', t.timestamp)
      .execute();
    await db.schema.createIndex('datasets_org_idx').on('datasets').column('organization_id').execute();
    await db.schema.createIndex('datasets_status_idx').on('datasets').columns(['status', 'updated_at']).execute();

    await db.schema
      .createTable('resources')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('dataset_id', 'text', (c) => c.notNull().references('datasets.id').onDelete('cascade'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('url', 'text')
      .addColumn('format', 'text')
      .addColumn('media_type', 'text')
      .addColumn('current_version_id', 'text')
      .addColumn('latest_job_id', 'text')
      .addColumn('views', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('downloads', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_by', 'text', (c) => c.references('users.id'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('resources_dataset_idx').on('resources').column('dataset_id').execute();

    await db.schema
      .createTable('resource_versions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('resource_id', 'text', (c) => c.notNull().references('resources.id').onDelete('cascade'))
      .addColumn('number', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('sha256', 'text')
      .addColumn('byte_size', 'bigint')
      .addColumn('file_name', 'text')
      .addColumn('media_type', 'text')
      .addColumn('format', 'text')
      .addColumn('dialect', t.json)
      .addColumn('table_schema', t.json)
      .addColumn('table_name', 'text')
      .addColumn('row_count', 'integer')
      .addColumn('rejected_count', 'integer')
      .addColumn('report', t.json)
      .addColumn('diff', t.json)
      .addColumn('created_by', 'text', (c) => c.references('users.id'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('completed_at', t.timestamp)
      .addUniqueConstraint('resource_versions_number_uq', ['resource_id', 'number'])
      .execute();

    await db.schema
      .createTable('jobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('resource_id', 'text', (c) => c.references('resources.id').onDelete('cascade'))
      .addColumn('version_id', 'text')
      .addColumn('input', t.json, (c) => c.notNull())
      .addColumn('rows_read', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('rows_rejected', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('bytes_read', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('total_bytes', 'bigint')
      .addColumn('error', 'text')
      .addColumn('report', t.json)
      .addColumn('created_by', 'text', (c) => c.references('users.id'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('started_at', t.timestamp)
      .addColumn('finished_at', t.timestamp)
      .execute();
    await db.schema.createIndex('jobs_status_idx').on('jobs').columns(['status', 'created_at']).execute();

    await db.schema
      .createTable('import_rejections')
      .addColumn('version_id', 'text', (c) => c.notNull().references('resource_versions.id').onDelete('cascade'))
      .addColumn('line', 'integer', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('import_rejections_pk', ['version_id', 'line'])
      .execute();
  },
};
