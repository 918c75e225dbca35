import type { CompiledQuery, InferResult, Kysely, Selectable, Updateable } from 'kysely';
import type { Database, JobsTable, ResourcesTable, ResourceVersionsTable } from '../../db/schema.js';
import { readBool, readJson } from '../../db/database.js';
import type { MessageParams } from '../import/messages.js';

export type ResourceRow = Selectable<ResourcesTable>;
export type VersionRow = ResourceVersionsTable;
export type JobRow = JobsTable;
/** A rejected row: its line, the reason in English, and the reason as a code with parameters (null before 015). */
export interface Rejection {
  line: number;
  reason: string;
  code: string | null;
  params: MessageParams;
}

/** Dataset, resource and current version in one query: the query API's hot path. */
function liveTargetQuery(db: Kysely<Database>, slug: string, resourceId: string) {
  return db
    .selectFrom('resources')
    .innerJoin('datasets', 'datasets.id', 'resources.datasetId')
    .leftJoin('resourceVersions', 'resourceVersions.id', 'resources.currentVersionId')
    .leftJoin('tableGenerations', 'tableGenerations.tableName', 'resourceVersions.tableName')
    .select([
      'datasets.id as datasetId',
      'datasets.status as datasetStatus',
      'datasets.organizationId',
      'datasets.ownerId',
      'datasets.slug',
      'resources.id as resourceId',
      'resources.latestJobId',
      'resources.titleColumn',
      'resourceVersions.id as versionId',
      'resourceVersions.status as versionStatus',
      'resourceVersions.tableName',
      'resourceVersions.tableSchema',
      'tableGenerations.generation',
    ])
    .where('datasets.slug', '=', slug)
    .where('resources.id', '=', resourceId)
    .where('resources.deletedAt', 'is', null);
}
type LiveTargetRow = InferResult<ReturnType<typeof liveTargetQuery>>[number];
const LIVE_SLUG = '\u0000slug';
const LIVE_ID = '\u0000id';
const liveTargetQueries = new WeakMap<Kysely<Database>, CompiledQuery>();

/** SQL over resources, their versions, import jobs and rejected lines. */
export function createResourceStore() {
  return {
    /** Whether a resource version holds this content (a blob another capability wants to delete). */
    async versionUsesBlob(db: Kysely<Database>, sha256: string): Promise<boolean> {
      const row = await db
        .selectFrom('resourceVersions')
        .select('id')
        .where('sha256', '=', sha256)
        .limit(1)
        .executeTakeFirst();
      return row !== undefined;
    },
    async insertResource(db: Kysely<Database>, row: ResourceRow) {
      await db
        .insertInto('resources')
        .values({ ...row, community: readBool(row.community) ? 1 : 0 })
        .execute();
    },
    async updateResource(db: Kysely<Database>, id: string, patch: Updateable<ResourcesTable>) {
      await db.updateTable('resources').set(patch).where('id', '=', id).execute();
    },
    async findResource(db: Kysely<Database>, datasetId: string, id: string): Promise<ResourceRow | undefined> {
      return db
        .selectFrom('resources')
        .selectAll()
        .where('id', '=', id)
        .where('datasetId', '=', datasetId)
        .where('deletedAt', 'is', null)
        .executeTakeFirst();
    },
    /** Dataset, resource and current version in one query: the query API's hot path. */
    async findLiveTarget(db: Kysely<Database>, slug: string, resourceId: string) {
      // Compiled once per database: building the query costs more than SQLite answering it.
      let compiled = liveTargetQueries.get(db);
      if (!compiled) {
        compiled = liveTargetQuery(db, LIVE_SLUG, LIVE_ID).compile();
        if (compiled.parameters.join() !== [LIVE_SLUG, LIVE_ID].join())
          throw new Error('findLiveTarget: unexpected parameters');
        liveTargetQueries.set(db, compiled);
      }
      const { rows } = await db.executeQuery<LiveTargetRow>({ ...compiled, parameters: [slug, resourceId] });
      return rows[0];
    },
    async findResourceById(db: Kysely<Database>, id: string): Promise<ResourceRow | undefined> {
      return db.selectFrom('resources').selectAll().where('id', '=', id).executeTakeFirst();
    },
    /** Live resources of datasets: the publisher's own (by default), the community's, or both. */
    async resourcesOf(
      db: Kysely<Database>,
      datasetIds: string[],
      which: 'publisher' | 'community' | 'all' = 'publisher',
    ): Promise<ResourceRow[]> {
      if (datasetIds.length === 0) return [];
      let q = db
        .selectFrom('resources')
        .selectAll()
        .where('datasetId', 'in', datasetIds)
        .where('deletedAt', 'is', null);
      if (which !== 'all') q = q.where('community', '=', which === 'community' ? 1 : 0);
      return q.orderBy('createdAt').orderBy('id').execute();
    },
    async incrementResourceCounter(db: Kysely<Database>, id: string, counter: 'views' | 'downloads', by = 1) {
      await db
        .updateTable('resources')
        .set((eb) => ({ [counter]: eb(counter, '+', by) }))
        .where('id', '=', id)
        .execute();
    },

    async insertVersion(db: Kysely<Database>, row: VersionRow) {
      await db.insertInto('resourceVersions').values(row).execute();
    },
    async updateVersion(db: Kysely<Database>, id: string, patch: Partial<VersionRow>) {
      await db.updateTable('resourceVersions').set(patch).where('id', '=', id).execute();
    },
    async findVersion(db: Kysely<Database>, id: string): Promise<VersionRow | undefined> {
      return db.selectFrom('resourceVersions').selectAll().where('id', '=', id).executeTakeFirst();
    },
    async findVersionByNumber(
      db: Kysely<Database>,
      resourceId: string,
      number: number,
    ): Promise<VersionRow | undefined> {
      return db
        .selectFrom('resourceVersions')
        .selectAll()
        .where('resourceId', '=', resourceId)
        .where('number', '=', number)
        .executeTakeFirst();
    },
    async versionsOf(db: Kysely<Database>, resourceId: string): Promise<VersionRow[]> {
      return db
        .selectFrom('resourceVersions')
        .selectAll()
        .where('resourceId', '=', resourceId)
        .orderBy('number', 'desc')
        .execute();
    },
    async versionsByIds(db: Kysely<Database>, ids: string[]): Promise<VersionRow[]> {
      if (ids.length === 0) return [];
      return db.selectFrom('resourceVersions').selectAll().where('id', 'in', ids).execute();
    },
    async nextVersionNumber(db: Kysely<Database>, resourceId: string): Promise<number> {
      const r = await db
        .selectFrom('resourceVersions')
        .select((eb) => eb.fn.max('number').as('n'))
        .where('resourceId', '=', resourceId)
        .executeTakeFirst();
      return Number(r?.n ?? 0) + 1;
    },

    async insertJob(db: Kysely<Database>, row: JobRow) {
      await db.insertInto('jobs').values(row).execute();
    },
    async updateJob(db: Kysely<Database>, id: string, patch: Partial<JobRow>) {
      await db.updateTable('jobs').set(patch).where('id', '=', id).execute();
    },
    async findJob(db: Kysely<Database>, id: string): Promise<JobRow | undefined> {
      return db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
    },
    async jobsByIds(db: Kysely<Database>, ids: string[]): Promise<JobRow[]> {
      if (ids.length === 0) return [];
      return db.selectFrom('jobs').selectAll().where('id', 'in', ids).execute();
    },
    /**
     * Claims the oldest job that is queued, or running under a lease that ended (its instance died), for `owner`
     * until `leaseUntil`: the attempt count and the fencing token go up by one. One statement: on PostgreSQL the
     * candidate row is locked with FOR UPDATE SKIP LOCKED (instances claiming at once take different jobs); SQLite
     * runs one writer at a time. The holder passes the returned `fence` to every later write (`fenceJob`).
     */
    async claimNextJob(
      db: Kysely<Database>,
      claim: { now: string; leaseUntil: string; owner: string; dialect: 'sqlite' | 'postgres' },
    ): Promise<JobRow | undefined> {
      let candidate = db
        .selectFrom('jobs')
        .select('id')
        .where((eb) =>
          eb.or([
            eb('status', '=', 'queued'),
            eb.and([
              eb('status', '=', 'running'),
              eb.or([eb('leaseUntil', 'is', null), eb('leaseUntil', '<', claim.now)]),
            ]),
          ]),
        )
        .orderBy('createdAt')
        .limit(1);
      if (claim.dialect === 'postgres') candidate = candidate.forUpdate().skipLocked();
      return db
        .updateTable('jobs')
        .set((eb) => ({
          status: 'running',
          startedAt: claim.now,
          attempts: eb('attempts', '+', 1),
          fence: eb('fence', '+', 1),
          leaseUntil: claim.leaseUntil,
          leaseOwner: claim.owner,
        }))
        .where('id', '=', candidate)
        .returningAll()
        .executeTakeFirst();
    },
    /**
     * The holder's write, fenced: applies `patch` (renewing the lease when given) only while the job is still
     * running under the token `fence`. False when another instance claimed it since: the caller stops at once.
     */
    async fenceJob(db: Kysely<Database>, id: string, fence: number, patch: Partial<JobRow>): Promise<boolean> {
      const result = await db
        .updateTable('jobs')
        .set(Object.keys(patch).length ? patch : { fence })
        .where('id', '=', id)
        .where('fence', '=', fence)
        .where('status', '=', 'running')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    /** Versions whose table must be kept: the live ones and those being imported (the startup sweep's list). */
    async versionsOwningTables(db: Kysely<Database>): Promise<string[]> {
      const rows = await db
        .selectFrom('resourceVersions')
        .select('id')
        .where('status', 'in', ['live', 'importing'])
        .execute();
      return rows.map((r) => r.id);
    },
    async insertRejections(db: Kysely<Database>, versionId: string, rows: Rejection[]) {
      if (rows.length === 0) return;
      await db
        .insertInto('importRejections')
        .values(
          rows.map((r) => ({
            versionId,
            line: r.line,
            reason: r.reason.slice(0, 500),
            code: r.code,
            params: JSON.stringify(r.params),
          })),
        )
        .onConflict((oc) => oc.doNothing())
        .execute();
    },
    async deleteRejections(db: Kysely<Database>, versionId: string) {
      await db.deleteFrom('importRejections').where('versionId', '=', versionId).execute();
    },
    async rejections(db: Kysely<Database>, versionId: string, afterLine: number, limit: number): Promise<Rejection[]> {
      const rows = await db
        .selectFrom('importRejections')
        .select(['line', 'reason', 'code', 'params'])
        .where('versionId', '=', versionId)
        .where('line', '>', afterLine)
        .orderBy('line')
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        line: r.line,
        reason: r.reason,
        code: r.code,
        params: r.params ? readJson<MessageParams>(r.params) : {},
      }));
    },
  };
}
export type ResourceStore = ReturnType<typeof createResourceStore>;
