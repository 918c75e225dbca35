import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Directory } from '../events/service.js';
import type { AccountStore } from './accounts/store.js';
import type { OrganizationStore } from './organizations/store.js';

/** The narrow read model other capabilities use to name people and organizations. */
export function createDirectory(
  db: Kysely<Database>,
  accounts: AccountStore,
  organizations: OrganizationStore,
): Directory {
  return {
    usersByIds: async (ids, executor = db) =>
      (await accounts.findManyByIds(executor, ids)).map(({ id, handle, name, createdAt, erasedAt }) => ({
        id,
        handle,
        name,
        createdAt,
        erasedAt: erasedAt ?? null,
      })),
    userIdByHandle: async (handle) => (await accounts.findByHandle(db, handle))?.id,
    organizationsByIds: async (ids, executor = db) =>
      (await organizations.findManyByIds(executor, ids)).map(({ id, slug, name }) => ({ id, slug, name })),
    organizationIdBySlug: async (slug) => (await organizations.findBySlug(db, slug))?.id,
  };
}
