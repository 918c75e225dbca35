import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import { readJson } from '../../db/database.js';
import type { CreateExperimentBody } from './schema.js';

type Db = Kysely<Database>;

export interface ExperimentRecord {
  id: string;
  appId: string;
  key: string;
  flagKey: string;
  definition: CreateExperimentBody;
  createdBy: string;
  createdAt: string;
  startedAt: number;
  stoppedAt: number | null;
}

const toRecord = (r: Database['experiments'] extends infer T ? Record<keyof T, unknown> : never): ExperimentRecord => ({
  id: String(r.id),
  appId: String(r.appId),
  key: String(r.key),
  flagKey: String(r.flagKey),
  definition: readJson<CreateExperimentBody>(r.definition),
  createdBy: String(r.createdBy),
  createdAt: String(r.createdAt),
  startedAt: Number(r.startedAt),
  stoppedAt: r.stoppedAt === null ? null : Number(r.stoppedAt),
});

/** The only place with experiment SQL. */
export function createExperimentStore() {
  return {
    async insert(db: Db, r: ExperimentRecord) {
      await db
        .insertInto('experiments')
        .values({ ...r, definition: JSON.stringify(r.definition) })
        .onConflict((oc) => oc.columns(['appId', 'key']).doNothing())
        .executeTakeFirst()
        .then((x) => Number(x.numInsertedOrUpdatedRows ?? 0) > 0);
      return (await this.byKey(db, r.appId, r.key))!.id === r.id;
    },
    async byKey(db: Db, appId: string, key: string) {
      const r = await db
        .selectFrom('experiments')
        .selectAll()
        .where('appId', '=', appId)
        .where('key', '=', key)
        .executeTakeFirst();
      return r && toRecord(r);
    },
    async list(db: Db, appId: string) {
      const rows = await db
        .selectFrom('experiments')
        .selectAll()
        .where('appId', '=', appId)
        .orderBy('createdAt')
        .execute();
      return rows.map(toRecord);
    },
    /** Logs an exposure once per unit: the first one stays (variant and time). */
    async expose(db: Db, experimentId: string, unit: string, variant: string, ts: number) {
      await db
        .insertInto('experimentExposures')
        .values({ experimentId, unit, variant, ts })
        .onConflict((oc) => oc.columns(['experimentId', 'unit']).doNothing())
        .execute();
      const row = await db
        .selectFrom('experimentExposures')
        .select(['variant', 'ts'])
        .where('experimentId', '=', experimentId)
        .where('unit', '=', unit)
        .executeTakeFirstOrThrow();
      return { variant: row.variant, ts: Number(row.ts) };
    },
    async exposures(db: Db, experimentId: string) {
      const rows = await db
        .selectFrom('experimentExposures')
        .select(['unit', 'variant', 'ts'])
        .where('experimentId', '=', experimentId)
        .execute();
      return rows.map((r) => ({ unit: r.unit, variant: r.variant, ts: Number(r.ts) }));
    },
  };
}
export type ExperimentStore = ReturnType<typeof createExperimentStore>;
