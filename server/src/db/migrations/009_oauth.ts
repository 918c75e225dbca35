import { columnTypes, type Migration } from './types.js';

/**
 * The OAuth 2.1 authorization server (apps/oauth, over oidc-provider): its artifacts (authorization
 * codes, access and refresh tokens, grants, interactions, sessions…) in one table, and its signing keys,
 * shared by every instance.
 */
export const oauth: Migration = {
  name: '009_oauth',
  async up(db, dialect) {
    const t = columnTypes(dialect);

    await db.schema
      .createTable('oauth_records')
      // oidc-provider's model name: AccessToken, AuthorizationCode, RefreshToken, ClientCredentials, Grant, Interaction, Session…
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      // JSON as text on both dialects: the payload is oidc-provider's, kept byte for byte (a jsonb column
      // would come back through the CamelCasePlugin, which renames nested snake_case keys).
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('grant_id', 'text')
      .addColumn('uid', 'text')
      .addColumn('user_code', 'text')
      // Grants only: whose consent, to which client (the authorized apps of a user).
      .addColumn('account_id', 'text')
      .addColumn('client_id', 'text')
      .addColumn('expires_at', t.timestamp)
      .addColumn('consumed_at', t.timestamp)
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .addColumn('updated_at', t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint('oauth_records_pk', ['kind', 'id'])
      .execute();
    await db.schema.createIndex('oauth_records_grant_idx').on('oauth_records').columns(['grant_id']).execute();
    await db.schema.createIndex('oauth_records_uid_idx').on('oauth_records').columns(['uid']).execute();
    await db.schema
      .createIndex('oauth_records_account_idx')
      .on('oauth_records')
      .columns(['account_id', 'client_id'])
      .execute();
    await db.schema.createIndex('oauth_records_expiry_idx').on('oauth_records').columns(['expires_at']).execute();

    await db.schema
      .createTable('oauth_signing_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('alg', 'text', (c) => c.notNull())
      // The private JWK, encrypted (AES-256-GCM) with a key derived from the instance's secret key.
      .addColumn('sealed_jwk', 'text', (c) => c.notNull())
      .addColumn('created_at', t.timestamp, (c) => c.notNull())
      .execute();
  },
};
