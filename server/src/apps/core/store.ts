import type { Kysely } from 'kysely';
import type { AccreditationsTable, AppKeysTable, AppsTable, Database, SensitiveCallsTable } from '../../db/schema.js';
import { readBool, readJson } from '../../db/database.js';

type Db = Kysely<Database>;

export interface AppRecord {
  id: string;
  clientId: string;
  clientSecretHash: string;
  name: string;
  description: string;
  homepage: string | null;
  redirectUris: string[];
  ownerId: string;
  ownerHandle: string;
  organizationId: string | null;
  organizationSlug: string | null;
  organizationName: string | null;
  plan: string;
  createdAt: string;
  updatedAt: string;
}

export interface KeyRecord {
  id: string;
  appId: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdBy: string;
  createdByHandle: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  replacedBy: string | null;
}

export interface AccreditationRecord {
  id: string;
  appId: string;
  appName: string;
  appHomepage: string | null;
  appOwnerId: string;
  appOrganizationId: string | null;
  organizationId: string;
  organizationSlug: string;
  organizationName: string;
  scopes: string[];
  purpose: string;
  legalBasis: string;
  retention: string;
  dpoName: string;
  dpoEmail: string;
  status: AccreditationsTable['status'];
  reviewComment: string | null;
  requestedBy: string;
  requestedByHandle: string;
  requestedByEmail: string;
  reviewedBy: string | null;
  reviewedByHandle: string | null;
  createdAt: string;
  updatedAt: string;
  reviewedAt: string | null;
}

const appColumns = [
  'apps.id',
  'apps.clientId',
  'apps.clientSecretHash',
  'apps.name',
  'apps.description',
  'apps.homepage',
  'apps.redirectUris',
  'apps.ownerId',
  'owner.handle as ownerHandle',
  'apps.organizationId',
  'org.slug as organizationSlug',
  'org.name as organizationName',
  'apps.plan',
  'apps.createdAt',
  'apps.updatedAt',
] as const;

const selectApps = (db: Db) =>
  db
    .selectFrom('apps')
    .innerJoin('users as owner', 'owner.id', 'apps.ownerId')
    .leftJoin('organizations as org', 'org.id', 'apps.organizationId')
    .select(appColumns)
    .where('apps.deletedAt', 'is', null);

const toApp = (r: Omit<AppRecord, 'redirectUris'> & { redirectUris: unknown }): AppRecord => ({
  ...r,
  redirectUris: readJson<string[]>(r.redirectUris),
});

const selectKeys = (db: Db) =>
  db
    .selectFrom('appKeys')
    .innerJoin('users as creator', 'creator.id', 'appKeys.createdBy')
    .select([
      'appKeys.id',
      'appKeys.appId',
      'appKeys.name',
      'appKeys.prefix',
      'appKeys.scopes',
      'appKeys.createdBy',
      'creator.handle as createdByHandle',
      'appKeys.createdAt',
      'appKeys.expiresAt',
      'appKeys.lastUsedAt',
      'appKeys.revokedAt',
      'appKeys.replacedBy',
    ]);

const toKey = (r: Omit<KeyRecord, 'scopes'> & { scopes: unknown }): KeyRecord => ({
  ...r,
  scopes: readJson<string[]>(r.scopes),
});

const selectAccreditations = (db: Db) =>
  db
    .selectFrom('accreditations as a')
    .innerJoin('apps', 'apps.id', 'a.appId')
    .innerJoin('organizations as org', 'org.id', 'a.organizationId')
    .innerJoin('users as requester', 'requester.id', 'a.requestedBy')
    .leftJoin('users as reviewer', 'reviewer.id', 'a.reviewedBy')
    .select([
      'a.id',
      'a.appId',
      'apps.name as appName',
      'apps.homepage as appHomepage',
      'apps.ownerId as appOwnerId',
      'apps.organizationId as appOrganizationId',
      'a.organizationId',
      'org.slug as organizationSlug',
      'org.name as organizationName',
      'a.scopes',
      'a.purpose',
      'a.legalBasis',
      'a.retention',
      'a.dpoName',
      'a.dpoEmail',
      'a.status',
      'a.reviewComment',
      'a.requestedBy',
      'requester.handle as requestedByHandle',
      'requester.email as requestedByEmail',
      'a.reviewedBy',
      'reviewer.handle as reviewedByHandle',
      'a.createdAt',
      'a.updatedAt',
      'a.reviewedAt',
    ])
    .where('apps.deletedAt', 'is', null);

const toAccreditation = (r: Omit<AccreditationRecord, 'scopes'> & { scopes: unknown }): AccreditationRecord => ({
  ...r,
  scopes: readJson<string[]>(r.scopes),
});

/** All the SQL of the apps core: apps, API keys, accreditations, sensitive calls. */
export function createAppsCoreStore() {
  return {
    // apps
    async insertApp(db: Db, row: Omit<AppsTable, 'plan' | 'redirectUris' | 'deletedAt'> & { redirectUris: string[] }) {
      await db
        .insertInto('apps')
        .values({ ...row, redirectUris: JSON.stringify(row.redirectUris), deletedAt: null })
        .execute();
    },
    async findApp(db: Db, id: string): Promise<AppRecord | undefined> {
      const r = await selectApps(db).where('apps.id', '=', id).executeTakeFirst();
      return r && toApp(r);
    },
    async findAppByClientId(db: Db, clientId: string): Promise<AppRecord | undefined> {
      const r = await selectApps(db).where('apps.clientId', '=', clientId).executeTakeFirst();
      return r && toApp(r);
    },
    /** Apps owned by the user or belonging to one of `organizationIds`, newest first. */
    async listApps(
      db: Db,
      userId: string,
      organizationIds: string[],
      after: string | undefined,
      limit: number,
    ): Promise<AppRecord[]> {
      let q = selectApps(db).where((eb) =>
        organizationIds.length
          ? eb.or([eb('apps.ownerId', '=', userId), eb('apps.organizationId', 'in', organizationIds)])
          : eb('apps.ownerId', '=', userId),
      );
      if (after) q = q.where('apps.id', '<', after);
      return (await q.orderBy('apps.id', 'desc').limit(limit).execute()).map(toApp);
    },
    async updateApp(
      db: Db,
      id: string,
      patch: Partial<Pick<AppsTable, 'name' | 'description' | 'homepage' | 'clientSecretHash'>> & {
        redirectUris?: string[];
        updatedAt: string;
      },
    ) {
      const { redirectUris, ...rest } = patch;
      await db
        .updateTable('apps')
        .set({ ...rest, ...(redirectUris ? { redirectUris: JSON.stringify(redirectUris) } : {}) })
        .where('id', '=', id)
        .execute();
    },
    async deleteApp(db: Db, id: string, at: string) {
      await db.updateTable('apps').set({ deletedAt: at, updatedAt: at }).where('id', '=', id).execute();
    },
    /** Scope lists of the app's approved accreditations. */
    async approvedScopes(db: Db, appId: string): Promise<string[][]> {
      const rows = await db
        .selectFrom('accreditations')
        .select('scopes')
        .where('appId', '=', appId)
        .where('status', '=', 'approved')
        .execute();
      return rows.map((r) => readJson<string[]>(r.scopes));
    },

    // keys
    async insertKey(db: Db, row: Omit<AppKeysTable, 'scopes'> & { scopes: string[] }) {
      await db
        .insertInto('appKeys')
        .values({ ...row, scopes: JSON.stringify(row.scopes) })
        .execute();
    },
    async listKeys(db: Db, appId: string): Promise<KeyRecord[]> {
      return (await selectKeys(db).where('appKeys.appId', '=', appId).orderBy('appKeys.id', 'desc').execute()).map(
        toKey,
      );
    },
    async findKey(db: Db, appId: string, keyId: string): Promise<KeyRecord | undefined> {
      const r = await selectKeys(db)
        .where('appKeys.appId', '=', appId)
        .where('appKeys.id', '=', keyId)
        .executeTakeFirst();
      return r && toKey(r);
    },
    async revokeKey(db: Db, keyId: string, at: string) {
      await db
        .updateTable('appKeys')
        .set({ revokedAt: at })
        .where('id', '=', keyId)
        .where('revokedAt', 'is', null)
        .execute();
    },
    async markRotated(db: Db, keyId: string, replacedBy: string, expiresAt: string | null) {
      await db.updateTable('appKeys').set({ replacedBy, expiresAt }).where('id', '=', keyId).execute();
    },
    /**
     * The hot path of key authentication: one query on the unique secret hash, joined with the app
     * (deleted apps' keys stop working) and the key's creator (the user the key acts for).
     */
    async findKeyForAuth(db: Db, secretHash: string) {
      const r = await db
        .selectFrom('appKeys')
        .innerJoin('apps', 'apps.id', 'appKeys.appId')
        .innerJoin('users', 'users.id', 'appKeys.createdBy')
        .select([
          'appKeys.id',
          'appKeys.appId',
          'appKeys.scopes',
          'appKeys.expiresAt',
          'appKeys.revokedAt',
          'appKeys.lastUsedAt',
          'users.id as userId',
          'users.handle',
          'users.isAdmin',
        ])
        .where('appKeys.secretHash', '=', secretHash)
        .where('apps.deletedAt', 'is', null)
        .executeTakeFirst();
      return r && { ...r, scopes: readJson<string[]>(r.scopes), isAdmin: readBool(r.isAdmin) };
    },
    async touchKey(db: Db, keyId: string, at: string) {
      await db.updateTable('appKeys').set({ lastUsedAt: at }).where('id', '=', keyId).execute();
    },

    // accreditations
    async insertAccreditation(db: Db, row: Omit<AccreditationsTable, 'scopes'> & { scopes: string[] }) {
      await db
        .insertInto('accreditations')
        .values({ ...row, scopes: JSON.stringify(row.scopes) })
        .execute();
    },
    async findAccreditation(db: Db, id: string): Promise<AccreditationRecord | undefined> {
      const r = await selectAccreditations(db).where('a.id', '=', id).executeTakeFirst();
      return r && toAccreditation(r);
    },
    async listAccreditationsOfApp(db: Db, appId: string): Promise<AccreditationRecord[]> {
      return (await selectAccreditations(db).where('a.appId', '=', appId).orderBy('a.id', 'desc').execute()).map(
        toAccreditation,
      );
    },
    async listAccreditationsOfOrganization(
      db: Db,
      organizationId: string,
      status: AccreditationsTable['status'] | undefined,
      after: string | undefined,
      limit: number,
    ) {
      let q = selectAccreditations(db).where('a.organizationId', '=', organizationId);
      if (status) q = q.where('a.status', '=', status);
      if (after) q = q.where('a.id', '<', after);
      return (await q.orderBy('a.id', 'desc').limit(limit).execute()).map(toAccreditation);
    },
    async listApproved(db: Db, after: string | undefined, limit: number) {
      let q = selectAccreditations(db).where('a.status', '=', 'approved');
      if (after) q = q.where('a.id', '<', after);
      return (await q.orderBy('a.id', 'desc').limit(limit).execute()).map(toAccreditation);
    },
    /** Approved accreditations of an app (the scope check reads them on each sensitive call). */
    async approvedOfApp(db: Db, appId: string) {
      const rows = await db
        .selectFrom('accreditations')
        .select(['id', 'organizationId', 'scopes', 'legalBasis'])
        .where('appId', '=', appId)
        .where('status', '=', 'approved')
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        organizationId: r.organizationId,
        scopes: readJson<string[]>(r.scopes),
        legalBasis: r.legalBasis,
      }));
    },
    async updateAccreditation(
      db: Db,
      id: string,
      patch: Partial<Omit<AccreditationsTable, 'id' | 'scopes'>> & { scopes?: string[] },
    ) {
      const { scopes, ...rest } = patch;
      await db
        .updateTable('accreditations')
        .set({ ...rest, ...(scopes ? { scopes: JSON.stringify(scopes) } : {}) })
        .where('id', '=', id)
        .execute();
    },

    /** Who reviews an organization's requests (its owners and admins), to tell them of a new one. */
    async reviewersOf(db: Db, organizationId: string) {
      return db
        .selectFrom('memberships')
        .innerJoin('users', 'users.id', 'memberships.userId')
        .select(['users.id', 'users.email', 'users.handle'])
        .where('memberships.organizationId', '=', organizationId)
        .where('memberships.role', 'in', ['owner', 'admin'])
        .orderBy('users.id')
        .execute();
    },

    // sensitive calls
    async insertSensitiveCall(db: Db, row: SensitiveCallsTable) {
      await db.insertInto('sensitiveCalls').values(row).execute();
    },
    async listSensitiveCalls(db: Db, appId: string, after: string | undefined, limit: number) {
      let q = db.selectFrom('sensitiveCalls').selectAll().where('appId', '=', appId);
      if (after) q = q.where('id', '<', after);
      return q.orderBy('id', 'desc').limit(limit).execute();
    },
  };
}
export type AppsCoreStore = ReturnType<typeof createAppsCoreStore>;
