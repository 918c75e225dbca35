import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

export type Organization = Database['organizations'];
export type Invitation = Database['invitations'];

export function createOrganizationStore() {
  return {
    async insert(db: Kysely<Database>, org: Organization) {
      await db.insertInto('organizations').values(org).execute();
    },
    async findBySlug(db: Kysely<Database>, slug: string): Promise<Organization | undefined> {
      return db.selectFrom('organizations').selectAll().where('slug', '=', slug).executeTakeFirst();
    },
    async findManyByIds(db: Kysely<Database>, ids: string[]): Promise<Organization[]> {
      if (ids.length === 0) return [];
      return db.selectFrom('organizations').selectAll().where('id', 'in', ids).execute();
    },
    async slugTaken(db: Kysely<Database>, slug: string): Promise<boolean> {
      return (
        (await db.selectFrom('organizations').select('id').where('slug', '=', slug).executeTakeFirst()) !== undefined
      );
    },
    async list(
      db: Kysely<Database>,
      afterSlug: string | undefined,
      limit: number,
    ): Promise<Array<Organization & { membersCount: number }>> {
      let q = db
        .selectFrom('organizations')
        .selectAll('organizations')
        .select((eb) =>
          eb
            .selectFrom('memberships')
            .whereRef('memberships.organizationId', '=', 'organizations.id')
            .select((e) => e.fn.countAll<number>().as('n'))
            .as('membersCount'),
        );
      if (afterSlug) q = q.where('slug', '>', afterSlug);
      const rows = await q.orderBy('slug').limit(limit).execute();
      return rows.map((r) => ({ ...r, membersCount: Number(r.membersCount) }));
    },
    async update(
      db: Kysely<Database>,
      id: string,
      patch: Partial<Pick<Organization, 'name' | 'description' | 'url' | 'updatedAt'>>,
    ) {
      await db.updateTable('organizations').set(patch).where('id', '=', id).execute();
    },
    async countMembers(db: Kysely<Database>, organizationId: string): Promise<number> {
      const r = await db
        .selectFrom('memberships')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('organizationId', '=', organizationId)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },

    /** Which of `userIds` are members of the organization. */
    async membersAmong(db: Kysely<Database>, organizationId: string, userIds: string[]): Promise<Set<string>> {
      if (userIds.length === 0) return new Set();
      const rows = await db
        .selectFrom('memberships')
        .select('userId')
        .where('organizationId', '=', organizationId)
        .where('userId', 'in', userIds)
        .execute();
      return new Set(rows.map((r) => r.userId));
    },
    async roleOf(db: Kysely<Database>, organizationId: string, userId: string): Promise<string | undefined> {
      const r = await db
        .selectFrom('memberships')
        .select('role')
        .where('organizationId', '=', organizationId)
        .where('userId', '=', userId)
        .executeTakeFirst();
      return r?.role;
    },
    async addMember(db: Kysely<Database>, m: Database['memberships']) {
      await db.insertInto('memberships').values(m).execute();
    },
    async setRole(db: Kysely<Database>, organizationId: string, userId: string, role: string) {
      await db
        .updateTable('memberships')
        .set({ role })
        .where('organizationId', '=', organizationId)
        .where('userId', '=', userId)
        .execute();
    },
    async removeMember(db: Kysely<Database>, organizationId: string, userId: string) {
      await db
        .deleteFrom('memberships')
        .where('organizationId', '=', organizationId)
        .where('userId', '=', userId)
        .execute();
    },
    async members(db: Kysely<Database>, organizationId: string) {
      return db
        .selectFrom('memberships')
        .innerJoin('users', 'users.id', 'memberships.userId')
        .select([
          'users.id as userId',
          'users.handle',
          'users.name',
          'memberships.role',
          'memberships.createdAt as joinedAt',
        ])
        .where('memberships.organizationId', '=', organizationId)
        .orderBy('memberships.createdAt')
        .execute();
    },
    async organizationsOf(db: Kysely<Database>, userId: string) {
      return db
        .selectFrom('memberships')
        .innerJoin('organizations', 'organizations.id', 'memberships.organizationId')
        .select(['organizations.id', 'organizations.slug', 'organizations.name', 'memberships.role'])
        .where('memberships.userId', '=', userId)
        .orderBy('organizations.name')
        .execute();
    },

    async insertInvitation(db: Kysely<Database>, inv: Invitation) {
      await db.insertInto('invitations').values(inv).execute();
    },
    async pendingInvitations(db: Kysely<Database>, organizationId: string, now: string): Promise<Invitation[]> {
      return db
        .selectFrom('invitations')
        .selectAll()
        .where('organizationId', '=', organizationId)
        .where('acceptedAt', 'is', null)
        .where('revokedAt', 'is', null)
        .where('expiresAt', '>', now)
        .orderBy('createdAt', 'desc')
        .execute();
    },
    async findInvitation(db: Kysely<Database>, id: string): Promise<Invitation | undefined> {
      return db.selectFrom('invitations').selectAll().where('id', '=', id).executeTakeFirst();
    },
    async findInvitationByHash(db: Kysely<Database>, tokenHash: string): Promise<Invitation | undefined> {
      return db.selectFrom('invitations').selectAll().where('tokenHash', '=', tokenHash).executeTakeFirst();
    },
    /** Marks accepted once; false when it was already used (a replay). */
    async acceptInvitation(db: Kysely<Database>, id: string, at: string): Promise<boolean> {
      const r = await db
        .updateTable('invitations')
        .set({ acceptedAt: at })
        .where('id', '=', id)
        .where('acceptedAt', 'is', null)
        .where('revokedAt', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async revokeInvitation(db: Kysely<Database>, id: string, at: string) {
      await db.updateTable('invitations').set({ revokedAt: at }).where('id', '=', id).execute();
    },
  };
}
export type OrganizationStore = ReturnType<typeof createOrganizationStore>;
