import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

const ACCEPTED = ['accepted', 'partially_accepted'] as const;

/** SQL for the platform's contribution figures: counts over `contributions` and the latest accepted ones. */
export function createFiguresStore() {
  return {
    /** People with at least one accepted contribution, and contributions accepted since `since`. */
    async counts(db: Kysely<Database>, since: string): Promise<{ contributors: number; acceptedSince: number }> {
      const contributors = await db
        .selectFrom('contributions')
        .select((eb) => eb.fn.count<number>('authorId').distinct().as('n'))
        .where('status', 'in', [...ACCEPTED])
        .executeTakeFirstOrThrow();
      const accepted = await db
        .selectFrom('contributions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', 'in', [...ACCEPTED])
        .where('reviewedAt', '>=', since)
        .executeTakeFirstOrThrow();
      return { contributors: Number(contributors.n), acceptedSince: Number(accepted.n) };
    },

    /** The most recently accepted contributions, newest first. */
    async latestAccepted(db: Kysely<Database>, limit: number) {
      return db
        .selectFrom('contributions')
        .select([
          'id',
          'datasetId',
          'datasetSlug',
          'authorId',
          'status',
          'changeCount',
          'acceptedIndexes',
          'reviewedAt',
        ])
        .where('status', 'in', [...ACCEPTED])
        .where('reviewedAt', 'is not', null)
        .orderBy('reviewedAt', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
    },
  };
}
export type FiguresStore = ReturnType<typeof createFiguresStore>;
