import type { Kysely } from 'kysely';
import type { Database, OrganizationReviewRulesTable } from '../../db/schema.js';

/** The review targets organizations publish (014). */
export function createReviewRulesStore() {
  return {
    async find(db: Kysely<Database>, organizationId: string): Promise<OrganizationReviewRulesTable | undefined> {
      return db
        .selectFrom('organizationReviewRules')
        .selectAll()
        .where('organizationId', '=', organizationId)
        .executeTakeFirst();
    },
    /** Every organization with a target, for the overdue list (one row per organization that set one). */
    async targets(db: Kysely<Database>, organizationIds?: string[]): Promise<Map<string, number>> {
      if (organizationIds && organizationIds.length === 0) return new Map();
      let q = db
        .selectFrom('organizationReviewRules')
        .select(['organizationId', 'targetDays'])
        .where('targetDays', 'is not', null);
      if (organizationIds) q = q.where('organizationId', 'in', organizationIds);
      const rows = await q.execute();
      return new Map(rows.map((r) => [r.organizationId, Number(r.targetDays)]));
    },
    async save(db: Kysely<Database>, row: OrganizationReviewRulesTable) {
      await db
        .insertInto('organizationReviewRules')
        .values(row)
        .onConflict((oc) =>
          oc
            .column('organizationId')
            .doUpdateSet({ targetDays: row.targetDays, updatedBy: row.updatedBy, updatedAt: row.updatedAt }),
        )
        .execute();
    },
  };
}
export type ReviewRulesStore = ReturnType<typeof createReviewRulesStore>;
