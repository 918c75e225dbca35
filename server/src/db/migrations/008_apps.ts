import { columnTypes, type Migration } from './types.js';

/**
 * The developer platform's core: third-party apps (also OAuth clients), their API keys,
 * accreditation requests for sensitive scopes, and the log of calls made with a sensitive scope.
 */
export const apps: Migration = {
  name: '008_apps',
  async up(db, dialect) {
    const t = columnTypes(dialect);

    await db.schema
      .createTable('apps')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('client_id', 'text', (c) => c.notNull().unique())
      // SHA-256 of the OAuth client secret: the secret is shown once and never stored.
      .addColumn('client_secret_hash', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('homepage', 'text')
      .addColumn('redirect_uris', t.json, (c) => c.notNull())
      .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('organization_id', 'text', (c) => c.references('organizations.id'))
      // Rate-limit and quota plan (see apps/limits).
      .addColumn('plan', 'text', (c) => c.notNull().defaultTo('free'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addColumn('deleted_at', t.timestamp)
      .execute();
    await db.schema.createIndex('apps_owner_idx').on('apps').columns(['owner_id', 'id']).execute();
    await db.schema.createIndex('apps_organization_idx').on('apps').columns(['organization_id', 'id']).execute();

    await db.schema
      .createTable('app_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      // The visible start of the key (mtk_ + 8 characters), to recognize it in lists and logs.
      .addColumn('prefix', 'text', (c) => c.notNull())
      .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
      .addColumn('scopes', t.json, (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('expires_at', t.timestamp)
      .addColumn('last_used_at', t.timestamp)
      .addColumn('revoked_at', t.timestamp)
      // Set on a rotated key: the key that replaces it (the old one lives until its overlap ends).
      .addColumn('replaced_by', 'text')
      .execute();
    await db.schema.createIndex('app_keys_app_idx').on('app_keys').columns(['app_id', 'id']).execute();

    await db.schema
      .createTable('accreditations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
      // The organization whose data or name the scopes touch: it reviews the request.
      .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id'))
      .addColumn('scopes', t.json, (c) => c.notNull())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('legal_basis', 'text', (c) => c.notNull())
      .addColumn('retention', 'text', (c) => c.notNull())
      .addColumn('dpo_name', 'text', (c) => c.notNull())
      .addColumn('dpo_email', 'text', (c) => c.notNull())
      // submitted → changes_requested → submitted … → approved | refused; approved → revoked.
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('review_comment', 'text')
      .addColumn('requested_by', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('reviewed_by', 'text', (c) => c.references('users.id'))
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addColumn('reviewed_at', t.timestamp)
      .execute();
    await db.schema.createIndex('accreditations_app_idx').on('accreditations').columns(['app_id', 'status']).execute();
    await db.schema
      .createIndex('accreditations_organization_idx')
      .on('accreditations')
      .columns(['organization_id', 'status', 'id'])
      .execute();

    // Every call made by an app with a sensitive scope, with the purpose it stated.
    await db.schema
      .createTable('sensitive_calls')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('app_id', 'text', (c) => c.notNull().references('apps.id').onDelete('cascade'))
      .addColumn('key_id', 'text')
      .addColumn('grant_id', 'text')
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('accreditation_id', 'text', (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('purpose', 'text', (c) => c.notNull())
      .addColumn('method', 'text', (c) => c.notNull())
      .addColumn('path', 'text', (c) => c.notNull())
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('at', t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sensitive_calls_app_idx').on('sensitive_calls').columns(['app_id', 'id']).execute();
    await db.schema.createIndex('sensitive_calls_user_idx').on('sensitive_calls').columns(['user_id', 'id']).execute();
  },
};
