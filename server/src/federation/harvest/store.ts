/** SQL of harvesting: sources, runs (claimed with a lease), and the record → dataset links. The only SQL here. */
import type { ExpressionBuilder, Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { Database, HarvestRecordsTable, HarvestRunsTable, HarvestSourcesTable } from '../../db/schema.js';

export type SourceRow = Selectable<HarvestSourcesTable>;
export type RunRow = Selectable<HarvestRunsTable>;
export type RecordRow = Selectable<HarvestRecordsTable>;

type RunsExpression = ExpressionBuilder<Database, 'harvestRuns'>;

/** A run a worker may take: pending, or running under a lease that ended. */
const workable = (eb: RunsExpression, now: string) =>
  eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'running'), eb('leaseUntil', '<', now)])]);

/** Another run of the same source is running under a live lease. */
const busySource = (eb: RunsExpression, now: string) =>
  eb.exists(
    eb
      .selectFrom('harvestRuns as other')
      .select('other.id')
      .whereRef('other.sourceId', '=', 'harvestRuns.sourceId')
      .whereRef('other.id', '<>', 'harvestRuns.id')
      .where('other.status', '=', 'running')
      .where('other.leaseUntil', '>=', now),
  );

export function createHarvestStore() {
  return {
    async insertSource(db: Kysely<Database>, row: Insertable<HarvestSourcesTable>) {
      await db.insertInto('harvestSources').values(row).execute();
    },
    async updateSource(db: Kysely<Database>, id: string, patch: Updateable<HarvestSourcesTable>) {
      await db.updateTable('harvestSources').set(patch).where('id', '=', id).execute();
    },
    async deleteSource(db: Kysely<Database>, id: string) {
      await db.deleteFrom('harvestSources').where('id', '=', id).execute();
    },
    async source(db: Kysely<Database>, id: string): Promise<SourceRow | undefined> {
      return db.selectFrom('harvestSources').selectAll().where('id', '=', id).executeTakeFirst();
    },
    async sourcesOf(db: Kysely<Database>, organizationId: string): Promise<SourceRow[]> {
      return db
        .selectFrom('harvestSources')
        .selectAll()
        .where('organizationId', '=', organizationId)
        .orderBy('createdAt')
        .orderBy('id')
        .execute();
    },
    /** Enabled scheduled sources whose next run is due. */
    async dueSources(db: Kysely<Database>, now: string): Promise<SourceRow[]> {
      return db
        .selectFrom('harvestSources')
        .selectAll()
        .where('nextRunAt', 'is not', null)
        .where('nextRunAt', '<=', now)
        .limit(100)
        .execute();
    },
    async insertRun(db: Kysely<Database>, row: RunRow) {
      await db.insertInto('harvestRuns').values(row).execute();
    },
    async updateRun(db: Kysely<Database>, id: string, patch: Partial<RunRow>) {
      await db.updateTable('harvestRuns').set(patch).where('id', '=', id).execute();
    },
    async run(db: Kysely<Database>, id: string): Promise<RunRow | undefined> {
      return db.selectFrom('harvestRuns').selectAll().where('id', '=', id).executeTakeFirst();
    },
    /** A run of the source not finished yet (pending or running), if any. */
    async openRun(db: Kysely<Database>, sourceId: string): Promise<RunRow | undefined> {
      return db
        .selectFrom('harvestRuns')
        .selectAll()
        .where('sourceId', '=', sourceId)
        .where('status', 'in', ['pending', 'running'])
        .executeTakeFirst();
    },
    /** The source's run waiting to start, if any (a new request joins it). */
    async pendingRun(db: Kysely<Database>, sourceId: string): Promise<RunRow | undefined> {
      return db
        .selectFrom('harvestRuns')
        .selectAll()
        .where('sourceId', '=', sourceId)
        .where('status', '=', 'pending')
        .executeTakeFirst();
    },
    async runsOf(db: Kysely<Database>, sourceId: string, limit: number): Promise<RunRow[]> {
      return db
        .selectFrom('harvestRuns')
        .selectAll()
        .where('sourceId', '=', sourceId)
        .orderBy('createdAt', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
    },
    /**
     * Ids of runs to work: pending ones, and running ones whose lease ended (their process died) — never one whose
     * source has another run running under a live lease (one run per source at a time).
     */
    async claimable(db: Kysely<Database>, now: string, limit: number): Promise<string[]> {
      const rows = await db
        .selectFrom('harvestRuns')
        .select('id')
        .where((eb) => eb.and([workable(eb, now), eb.not(busySource(eb, now))]))
        .orderBy('createdAt')
        .limit(limit)
        .execute();
      return rows.map((r) => r.id);
    },
    /** Takes a run for this worker until `leaseUntil`; false when another worker took it first. */
    async claim(db: Kysely<Database>, id: string, now: string, leaseUntil: string): Promise<boolean> {
      const result = await db
        .updateTable('harvestRuns')
        .set((eb) => ({ status: 'running', leaseUntil, startedAt: now, attempts: eb('attempts', '+', 1) }))
        .where('id', '=', id)
        .where((eb) => eb.and([workable(eb, now), eb.not(busySource(eb, now))]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async recordsOf(db: Kysely<Database>, sourceId: string): Promise<RecordRow[]> {
      return db.selectFrom('harvestRecords').selectAll().where('sourceId', '=', sourceId).execute();
    },
    /** A page of the source's records, latest changed first, and how many it has. */
    async recordsPage(db: Kysely<Database>, sourceId: string, limit: number) {
      const [items, total] = await Promise.all([
        db
          .selectFrom('harvestRecords')
          .selectAll()
          .where('sourceId', '=', sourceId)
          .orderBy('updatedAt', 'desc')
          .orderBy('sourceRecordId')
          .limit(limit)
          .execute(),
        db
          .selectFrom('harvestRecords')
          .select((eb) => eb.fn.countAll<number | string>().as('n'))
          .where('sourceId', '=', sourceId)
          .executeTakeFirstOrThrow(),
      ]);
      return { items, total: Number(total.n) };
    },
    async insertRecord(db: Kysely<Database>, row: RecordRow) {
      await db.insertInto('harvestRecords').values(row).execute();
    },
    async updateRecord(db: Kysely<Database>, sourceId: string, sourceRecordId: string, patch: Partial<RecordRow>) {
      await db
        .updateTable('harvestRecords')
        .set(patch)
        .where('sourceId', '=', sourceId)
        .where('sourceRecordId', '=', sourceRecordId)
        .execute();
    },
    /** Which source filled a dataset (federation's read model for the dataset and CKAN pages). */
    async recordOfDataset(db: Kysely<Database>, datasetId: string): Promise<RecordRow | undefined> {
      return db.selectFrom('harvestRecords').selectAll().where('datasetId', '=', datasetId).executeTakeFirst();
    },
  };
}
export type HarvestStore = ReturnType<typeof createHarvestStore>;
