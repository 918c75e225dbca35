import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

/** What the limiter reads from the database, and what an administrator changes: an app's plan (`apps.plan`). */
export function createPlanStore() {
  return {
    async planOf(db: Kysely<Database>, appId: string): Promise<string | undefined> {
      const row = await db.selectFrom('apps').select('plan').where('id', '=', appId).executeTakeFirst();
      return row?.plan;
    },
    /** Sets an app's plan; false when there is no such (undeleted) app. */
    async setPlan(db: Kysely<Database>, appId: string, plan: string): Promise<boolean> {
      const result = await db
        .updateTable('apps')
        .set({ plan })
        .where('id', '=', appId)
        .where('deletedAt', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}
export type PlanStore = ReturnType<typeof createPlanStore>;
