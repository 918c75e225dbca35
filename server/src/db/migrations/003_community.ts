import { columnTypes, type Migration } from './types.js';

/** Community: contributions to tabular resources, row revisions, the dataset changelog, reason templates. */
export const community: Migration = {
  name: '003_community',
  async up(db, dialect) {
    const t = columnTypes(dialect);

    await db.schema
      .createTable('contributions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('dataset_id', 'text', (c) => c.notNull().references('datasets.id').onDelete('cascade'))
      .addColumn('dataset_slug', 'text', (c) => c.notNull())
      .addColumn('resource_id', 'text', (c) => c.notNull().references('resources.id').onDelete('cascade'))
      .addColumn('version_id', 'text', (c) => c.notNull())
      .addColumn('organization_id', 'text')
      .addColumn('author_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('comment', 'text', (c) => c.notNull())
      .addColumn('source', 'text')
      .addColumn('changes', t.json, (c) => c.notNull())
      .addColumn('change_count', 'integer', (c) => c.notNull())
      .addColumn('accepted_indexes', t.json)
      .addColumn('applied_row_ids', t.json)
      .addColumn('reviewer_id', 'text', (c) => c.references('users.id'))
      .addColumn('review_note', 'text')
      .addColumn('spam', t.bool, (c) => c.notNull().defaultTo(t.falseValue))
      .addColumn('suspicious', t.bool, (c) => c.notNull().defaultTo(t.falseValue))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addColumn('reviewed_at', t.timestamp)
      .execute();
    await db.schema.createIndex('contributions_status_idx').on('contributions').columns(['status', 'id']).execute();
    await db.schema
      .createIndex('contributions_author_idx')
      .on('contributions')
      .columns(['author_id', 'created_at'])
      .execute();
    await db.schema
      .createIndex('contributions_dataset_idx')
      .on('contributions')
      .columns(['dataset_id', 'id'])
      .execute();
    await db.schema
      .createIndex('contributions_review_pair_idx')
      .on('contributions')
      .columns(['reviewer_id', 'author_id', 'reviewed_at'])
      .execute();

    await db.schema
      .createTable('row_revisions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('dataset_id', 'text', (c) => c.notNull().references('datasets.id').onDelete('cascade'))
      .addColumn('resource_id', 'text', (c) => c.notNull().references('resources.id').onDelete('cascade'))
      .addColumn('version_id', 'text', (c) => c.notNull())
      .addColumn('row_id', 'bigint', (c) => c.notNull())
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addColumn('op', 'text', (c) => c.notNull())
      .addColumn('before', t.json)
      .addColumn('after', t.json)
      .addColumn('actor_id', 'text', (c) => c.references('users.id'))
      .addColumn('contribution_id', 'text', (c) => c.references('contributions.id').onDelete('set null'))
      .addColumn('reverts_revision_id', 'text')
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addUniqueConstraint('row_revisions_number_uq', ['version_id', 'row_id', 'revision'])
      .execute();
    await db.schema
      .createIndex('row_revisions_resource_idx')
      .on('row_revisions')
      .columns(['resource_id', 'row_id', 'revision'])
      .execute();

    await db.schema
      .createTable('dataset_changelog')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('dataset_id', 'text', (c) => c.notNull().references('datasets.id').onDelete('cascade'))
      .addColumn('resource_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('contribution_id', 'text')
      .addColumn('revision_id', 'text')
      .addColumn('row_ids', t.json, (c) => c.notNull())
      .addColumn('actor_id', 'text', (c) => c.references('users.id'))
      .addColumn('author_id', 'text', (c) => c.references('users.id'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('dataset_changelog_idx')
      .on('dataset_changelog')
      .columns(['dataset_id', 'id'])
      .execute();

    await db.schema
      .createTable('reason_templates')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.references('users.id'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('reason_templates_org_idx')
      .on('reason_templates')
      .columns(['organization_id', 'id'])
      .execute();
  },
};
