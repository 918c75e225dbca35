import { columnTypes, type Migration } from './types.js';

/**
 * Community resources: files and links that signed-in users attach to a published dataset they do not edit.
 * They are ordinary resources (same blobs, versions and import jobs) flagged `community`, owned by their author,
 * and soft-deleted (`deleted_at`) so that their versions, blobs and events stay consistent.
 */
export const communityResources: Migration = {
  name: '007_community_resources',
  async up(db, dialect) {
    const t = columnTypes(dialect);
    // One statement per column: SQLite's ALTER TABLE adds a single column at a time.
    await db.schema
      .alterTable('resources')
      .addColumn('community', t.bool, (c) => c.notNull().defaultTo(t.falseValue))
      .execute();
    await db.schema
      .alterTable('resources')
      .addColumn('owner_id', 'text', (c) => c.references('users.id'))
      .execute();
    await db.schema.alterTable('resources').addColumn('deleted_at', t.timestamp).execute();
    await db.schema
      .createIndex('resources_community_idx')
      .on('resources')
      .columns(['dataset_id', 'community'])
      .execute();
  },
};
