import { columnTypes, type Migration } from './types.js';

/** Review rules: the review target each organization publishes (proposals waiting longer are "overdue"). */
export const reviewRules: Migration = {
  name: '014_review_rules',
  async up(db, dialect) {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('organization_review_rules')
      .addColumn('organization_id', 'text', (c) => c.primaryKey().references('organizations.id').onDelete('cascade'))
      // Days within which the organization aims to review a proposal (null: no published target).
      .addColumn('target_days', 'integer')
      .addColumn('updated_by', 'text')
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .execute();
  },
};
