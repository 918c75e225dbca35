import { columnTypes, type Migration } from './types.js';

/**
 * Reuses (data.gouv.fr's word): applications, visualizations, articles and APIs built on datasets,
 * the datasets they use, their topics, and the organizations that feature them.
 */
export const reuses: Migration = {
  name: '012_reuses',
  async up(db, dialect) {
    const t = columnTypes(dialect);

    await db.schema
      .createTable('reuses')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('slug', 'text', (c) => c.notNull().unique())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      // An https address shown as is (never fetched by the server).
      .addColumn('image_url', 'text')
      // application | visualization | article | api | other
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('organization_id', 'text', (c) => c.references('organizations.id'))
      // The third-party app it is built with (its API calls count in the "most used" statistics).
      .addColumn('app_id', 'text')
      // Folded title, description and topics, space-delimited with spaces at both ends (search).
      .addColumn('search_text', 'text', (c) => c.notNull())
      .addColumn('views', 'integer', (c) => c.notNull().defaultTo(0))
      // Number of organizations featuring it (sort=featured).
      .addColumn('featured_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addColumn('deleted_at', t.timestamp)
      .execute();
    await db.schema.createIndex('reuses_type_idx').on('reuses').columns(['type', 'id']).execute();
    await db.schema.createIndex('reuses_owner_idx').on('reuses').columns(['owner_id', 'id']).execute();
    await db.schema.createIndex('reuses_organization_idx').on('reuses').columns(['organization_id', 'id']).execute();
    await db.schema.createIndex('reuses_views_idx').on('reuses').columns(['views', 'id']).execute();
    await db.schema.createIndex('reuses_app_idx').on('reuses').columns(['app_id']).execute();

    await db.schema
      .createTable('reuse_datasets')
      .addColumn('reuse_id', 'text', (c) => c.notNull().references('reuses.id').onDelete('cascade'))
      .addColumn('dataset_id', 'text', (c) => c.notNull().references('datasets.id').onDelete('cascade'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('reuse_datasets_pk', ['reuse_id', 'dataset_id'])
      .execute();
    await db.schema
      .createIndex('reuse_datasets_dataset_idx')
      .on('reuse_datasets')
      .columns(['dataset_id', 'reuse_id'])
      .execute();

    await db.schema
      .createTable('reuse_topics')
      .addColumn('reuse_id', 'text', (c) => c.notNull().references('reuses.id').onDelete('cascade'))
      .addColumn('topic', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('reuse_topics_pk', ['reuse_id', 'topic'])
      .execute();
    await db.schema.createIndex('reuse_topics_topic_idx').on('reuse_topics').columns(['topic', 'reuse_id']).execute();

    await db.schema
      .createTable('featured_reuses')
      .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
      .addColumn('reuse_id', 'text', (c) => c.notNull().references('reuses.id').onDelete('cascade'))
      .addColumn('featured_by', 'text', (c) => c.notNull())
      .addColumn('featured_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('featured_reuses_pk', ['organization_id', 'reuse_id'])
      .execute();
    await db.schema.createIndex('featured_reuses_reuse_idx').on('featured_reuses').columns(['reuse_id']).execute();
  },
};
