import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { ContributionsTable, Database } from '../../db/schema.js';

export type ContributionRow = Selectable<ContributionsTable>;
type ContributionPatch = Updateable<ContributionsTable>;

export interface ContributionFilter {
  status?: ContributionRow['status'];
  organizationId?: string;
  datasetId?: string;
  authorId?: string;
  descending: boolean;
  afterId?: string;
  limit: number;
  /** Only proposals created before the time given for their organization (the overdue list). */
  createdBefore?: Array<{ organizationId: string; before: string }>;
}

export function createContributionStore() {
  return {
    async insert(db: Kysely<Database>, row: Insertable<ContributionsTable>) {
      await db.insertInto('contributions').values(row).execute();
    },
    async update(db: Kysely<Database>, id: string, patch: ContributionPatch) {
      await db.updateTable('contributions').set(patch).where('id', '=', id).execute();
    },
    /** Moves a contribution out of one of `from` statuses; false when another request changed it first. */
    async transition(
      db: Kysely<Database>,
      id: string,
      from: ReadonlyArray<ContributionRow['status']>,
      patch: ContributionPatch,
    ): Promise<boolean> {
      const r = await db
        .updateTable('contributions')
        .set(patch)
        .where('id', '=', id)
        .where('status', 'in', [...from])
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async find(db: Kysely<Database>, id: string): Promise<ContributionRow | undefined> {
      return db.selectFrom('contributions').selectAll().where('id', '=', id).executeTakeFirst();
    },
    async list(db: Kysely<Database>, f: ContributionFilter): Promise<ContributionRow[]> {
      let q = db.selectFrom('contributions').selectAll();
      if (f.status) q = q.where('status', '=', f.status);
      if (f.organizationId) q = q.where('organizationId', '=', f.organizationId);
      if (f.datasetId) q = q.where('datasetId', '=', f.datasetId);
      if (f.authorId) q = q.where('authorId', '=', f.authorId);
      if (f.afterId) q = q.where('id', f.descending ? '<' : '>', f.afterId);
      if (f.createdBefore) {
        const limits = f.createdBefore;
        if (limits.length === 0) return [];
        q = q.where((eb) =>
          eb.or(
            limits.map((l) => eb.and([eb('organizationId', '=', l.organizationId), eb('createdAt', '<', l.before)])),
          ),
        );
      }
      return q
        .orderBy('id', f.descending ? 'desc' : 'asc')
        .limit(f.limit)
        .execute();
    },
    /** Proposals by an author since a time: count and the oldest (for Retry-After). */
    async countByAuthorSince(
      db: Kysely<Database>,
      authorId: string,
      since: string,
    ): Promise<{ count: number; oldest: string | null }> {
      const r = await db
        .selectFrom('contributions')
        .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('createdAt').as('oldest')])
        .where('authorId', '=', authorId)
        .where('createdAt', '>=', since)
        .executeTakeFirst();
      return { count: Number(r?.n ?? 0), oldest: (r?.oldest as string | null | undefined) ?? null };
    },
    /** Accepts by this reviewer of this author's proposals since a time. */
    async acceptsBetween(db: Kysely<Database>, reviewerId: string, authorId: string, since: string): Promise<number> {
      const r = await db
        .selectFrom('contributions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('reviewerId', '=', reviewerId)
        .where('authorId', '=', authorId)
        .where('status', 'in', ['accepted', 'partially_accepted'])
        .where('reviewedAt', '>=', since)
        .executeTakeFirst();
      return Number(r?.n ?? 0);
    },
  };
}
export type ContributionStore = ReturnType<typeof createContributionStore>;
