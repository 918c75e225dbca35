import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { Actor } from '../kernel/actor.js';
import { isRole, type Role } from './policy.js';
import type { OrganizationStore } from './organizations/store.js';

export interface OrganizationRef {
  id: string;
  slug: string;
  name: string;
}

/** The narrow read model other capabilities use to decide with `can()`: organizations and roles. */
export interface OrganizationAccess {
  bySlug(slug: string): Promise<OrganizationRef | undefined>;
  byIds(ids: string[]): Promise<OrganizationRef[]>;
  roleOf(actor: Actor, organizationId: string): Promise<Role | null>;
  /** Organizations where the user holds one of `roles`. */
  organizationIdsOf(userId: string, roles?: readonly Role[]): Promise<string[]>;
  /** Which of `userIds` belong to the organization; event consumers pass their transaction as `executor`. */
  membersAmong(organizationId: string, userIds: string[], executor?: Kysely<Database>): Promise<Set<string>>;
  /** The members holding one of `roles` (who may review, who owns it). */
  memberIdsWithRoles(organizationId: string, roles: readonly Role[], executor?: Kysely<Database>): Promise<string[]>;
}

export function createOrganizationAccess(db: Kysely<Database>, store: OrganizationStore): OrganizationAccess {
  const ref = ({ id, slug, name }: OrganizationRef) => ({ id, slug, name });
  return {
    bySlug: async (slug) => {
      const org = await store.findBySlug(db, slug);
      return org && ref(org);
    },
    byIds: async (ids) => (await store.findManyByIds(db, ids)).map(ref),
    roleOf: async (actor, organizationId) => {
      if (actor.kind !== 'user') return null;
      const role = await store.roleOf(db, organizationId, actor.userId);
      return role && isRole(role) ? role : null;
    },
    membersAmong: (organizationId, userIds, executor = db) => store.membersAmong(executor, organizationId, userIds),
    memberIdsWithRoles: async (organizationId, roles, executor = db) =>
      (await store.members(executor, organizationId))
        .filter((m) => isRole(m.role) && roles.includes(m.role))
        .map((m) => m.userId),
    organizationIdsOf: async (userId, roles) =>
      (await store.organizationsOf(db, userId))
        .filter((o) => !roles || (isRole(o.role) && roles.includes(o.role)))
        .map((o) => o.id),
  };
}
