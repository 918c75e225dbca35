import type { Kysely } from 'kysely';
import type { Database, ReasonTemplatesTable } from '../../db/schema.js';

export function createReasonStore() {
  return {
    async insert(db: Kysely<Database>, row: ReasonTemplatesTable) {
      await db.insertInto('reasonTemplates').values(row).execute();
    },
    async list(db: Kysely<Database>, organizationId: string): Promise<ReasonTemplatesTable[]> {
      return db
        .selectFrom('reasonTemplates')
        .selectAll()
        .where('organizationId', '=', organizationId)
        .orderBy('id')
        .limit(200)
        .execute();
    },
  };
}
export type ReasonStore = ReturnType<typeof createReasonStore>;
