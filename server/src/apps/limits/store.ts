import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

/** The one thing the limiter reads from the database: an app's plan (`apps.plan`). */
export function createPlanStore() {
  return {
    async planOf(db: Kysely<Database>, appId: string): Promise<string | undefined> {
      const row = await db.selectFrom('apps').select('plan').where('id', '=', appId).executeTakeFirst();
      return row?.plan;
    },
  };
}
export type PlanStore = ReturnType<typeof createPlanStore>;
