import type { ExpressionBuilder, Kysely, Selectable } from 'kysely';
import type { Database, ReusesTable } from '../../db/schema.js';

export type ReuseRow = Omit<ReusesTable, 'views' | 'featuredCount'> & { views: number; featuredCount: number };

export interface ReuseFilters {
  type?: string;
  topic?: string;
  datasetId?: string;
  organizationId?: string;
  /** Folded words; each must start a word of the search text. */
  terms?: string[];
}

export type ReuseSort = 'recent' | 'popular' | 'featured';
/** Keyset position: the sort value (views or featured count) and the id. */
export interface ReuseKey {
  v?: number;
  k: string;
}

type Eb = ExpressionBuilder<Database, 'reuses'>;

function applyFilters(eb: Eb, f: ReuseFilters) {
  const conds = [eb('reuses.deletedAt', 'is', null)];
  if (f.type) conds.push(eb('reuses.type', '=', f.type));
  if (f.organizationId) conds.push(eb('reuses.organizationId', '=', f.organizationId));
  if (f.topic)
    conds.push(
      eb.exists(
        eb
          .selectFrom('reuseTopics')
          .select('reuseTopics.reuseId')
          .whereRef('reuseTopics.reuseId', '=', 'reuses.id')
          .where('reuseTopics.topic', '=', f.topic),
      ),
    );
  if (f.datasetId)
    conds.push(
      eb.exists(
        eb
          .selectFrom('reuseDatasets')
          .select('reuseDatasets.reuseId')
          .whereRef('reuseDatasets.reuseId', '=', 'reuses.id')
          .where('reuseDatasets.datasetId', '=', f.datasetId),
      ),
    );
  for (const term of f.terms ?? []) conds.push(eb('reuses.searchText', 'like', `% ${term.replace(/[%_\\]/g, '')}%`));
  return eb.and(conds);
}

/** 1 when the organization features the reuse, else 0. */
const featuredBy = (eb: Eb, organizationId: string) =>
  eb
    .case()
    .when(
      eb.exists(
        eb
          .selectFrom('featuredReuses')
          .select('featuredReuses.reuseId')
          .whereRef('featuredReuses.reuseId', '=', 'reuses.id')
          .where('featuredReuses.organizationId', '=', organizationId),
      ),
    )
    .then(1)
    .else(0)
    .end();

const asRow = (r: Selectable<ReusesTable>): ReuseRow => ({
  ...r,
  views: Number(r.views),
  featuredCount: Number(r.featuredCount),
});

export function createReuseStore() {
  return {
    async insert(db: Kysely<Database>, row: Omit<ReuseRow, 'views' | 'featuredCount'>) {
      await db.insertInto('reuses').values(row).execute();
    },
    async update(db: Kysely<Database>, id: string, patch: Partial<Omit<ReuseRow, 'id' | 'views' | 'featuredCount'>>) {
      await db.updateTable('reuses').set(patch).where('id', '=', id).execute();
    },
    /** A live (not deleted) reuse. */
    async findBySlug(db: Kysely<Database>, slug: string): Promise<ReuseRow | undefined> {
      const r = await db
        .selectFrom('reuses')
        .selectAll()
        .where('slug', '=', slug)
        .where('deletedAt', 'is', null)
        .executeTakeFirst();
      return r && asRow(r);
    },
    async findById(db: Kysely<Database>, id: string): Promise<ReuseRow | undefined> {
      const r = await db
        .selectFrom('reuses')
        .selectAll()
        .where('id', '=', id)
        .where('deletedAt', 'is', null)
        .executeTakeFirst();
      return r && asRow(r);
    },
    /** Deleted reuses keep their slug (links to them answer 404 rather than another reuse). */
    async slugTaken(db: Kysely<Database>, slug: string): Promise<boolean> {
      return !!(await db.selectFrom('reuses').select('id').where('slug', '=', slug).executeTakeFirst());
    },
    async setDatasets(db: Kysely<Database>, reuseId: string, datasetIds: string[]) {
      await db.deleteFrom('reuseDatasets').where('reuseId', '=', reuseId).execute();
      if (datasetIds.length)
        await db
          .insertInto('reuseDatasets')
          .values(datasetIds.map((datasetId, position) => ({ reuseId, datasetId, position })))
          .execute();
    },
    async setTopics(db: Kysely<Database>, reuseId: string, topics: string[]) {
      await db.deleteFrom('reuseTopics').where('reuseId', '=', reuseId).execute();
      if (topics.length)
        await db
          .insertInto('reuseTopics')
          .values(topics.map((topic) => ({ reuseId, topic })))
          .execute();
    },
    /** The datasets of reuses, in the order their authors gave. */
    async datasetsOf(db: Kysely<Database>, reuseIds: string[]) {
      if (!reuseIds.length) return [];
      return db
        .selectFrom('reuseDatasets')
        .innerJoin('datasets', 'datasets.id', 'reuseDatasets.datasetId')
        .select([
          'reuseDatasets.reuseId',
          'reuseDatasets.position',
          'datasets.id',
          'datasets.slug',
          'datasets.title',
          'datasets.status',
          'datasets.organizationId',
        ])
        .where('reuseDatasets.reuseId', 'in', reuseIds)
        .orderBy('reuseDatasets.reuseId')
        .orderBy('reuseDatasets.position')
        .execute();
    },
    async topicsOf(db: Kysely<Database>, reuseIds: string[]) {
      if (!reuseIds.length) return [];
      return db
        .selectFrom('reuseTopics')
        .select(['reuseId', 'topic'])
        .where('reuseId', 'in', reuseIds)
        .orderBy('topic')
        .execute();
    },
    async featuringOf(db: Kysely<Database>, reuseIds: string[]) {
      if (!reuseIds.length) return [];
      return db
        .selectFrom('featuredReuses')
        .select(['reuseId', 'organizationId'])
        .where('reuseId', 'in', reuseIds)
        .orderBy('featuredAt')
        .execute();
    },
    async list(
      db: Kysely<Database>,
      f: ReuseFilters,
      sort: ReuseSort,
      after: ReuseKey | undefined,
      limit: number,
    ): Promise<ReuseRow[]> {
      const col = sort === 'popular' ? 'reuses.views' : 'reuses.featuredCount';
      let q = db
        .selectFrom('reuses')
        .selectAll('reuses')
        .where((eb) => applyFilters(eb, f));
      if (sort === 'recent') {
        if (after) q = q.where('reuses.id', '<', after.k);
        q = q.orderBy('reuses.id', 'desc');
      } else {
        if (after) {
          const v = after.v ?? 0;
          q = q.where((eb) => eb.or([eb(col, '<', v), eb.and([eb(col, '=', v), eb('reuses.id', '<', after.k)])]));
        }
        q = q.orderBy(col, 'desc').orderBy('reuses.id', 'desc');
      }
      return (await q.limit(limit).execute()).map(asRow);
    },
    async facet(
      db: Kysely<Database>,
      f: ReuseFilters,
      facet: 'type' | 'topic',
      limit = 50,
    ): Promise<Array<{ value: string; count: number }>> {
      if (facet === 'type') {
        const rows = await db
          .selectFrom('reuses')
          .where((eb) => applyFilters(eb, f))
          .select((eb) => ['reuses.type as value', eb.fn.countAll<number>().as('count')])
          .groupBy('reuses.type')
          .execute();
        return rows
          .map((r) => ({ value: r.value, count: Number(r.count) }))
          .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
      }
      const rows = await db
        .selectFrom('reuseTopics')
        .innerJoin('reuses', 'reuses.id', 'reuseTopics.reuseId')
        .where((eb) => applyFilters(eb as unknown as Eb, f))
        .select((eb) => ['reuseTopics.topic as value', eb.fn.countAll<number>().as('count')])
        .groupBy('reuseTopics.topic')
        .orderBy('count', 'desc')
        .orderBy('reuseTopics.topic')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ value: r.value, count: Number(r.count) }));
    },
    /** Reuses of a dataset: those its organization features first, then the newest. */
    async usedBy(
      db: Kysely<Database>,
      datasetId: string,
      organizationId: string | null,
      after: { f: number; k: string } | undefined,
      limit: number,
    ): Promise<Array<ReuseRow & { featured: number }>> {
      const base = db.selectFrom('reuses').where((eb) => applyFilters(eb, { datasetId }));
      if (!organizationId) {
        let q = base.selectAll('reuses');
        if (after) q = q.where('reuses.id', '<', after.k);
        return (await q.orderBy('reuses.id', 'desc').limit(limit).execute()).map((r) => ({ ...asRow(r), featured: 0 }));
      }
      let q = base.selectAll('reuses').select((eb) => featuredBy(eb, organizationId).as('featured'));
      if (after)
        q = q.where((eb) =>
          eb.or([
            eb(featuredBy(eb, organizationId), '<', after.f),
            eb.and([eb(featuredBy(eb, organizationId), '=', after.f), eb('reuses.id', '<', after.k)]),
          ]),
        );
      const rows = await q.orderBy('featured', 'desc').orderBy('reuses.id', 'desc').limit(limit).execute();
      return rows.map((r) => ({ ...asRow(r), featured: Number(r.featured) }));
    },
    /** Whether the reuse uses a dataset of the organization. */
    async usesDatasetOf(db: Kysely<Database>, reuseId: string, organizationId: string): Promise<boolean> {
      return !!(await db
        .selectFrom('reuseDatasets')
        .innerJoin('datasets', 'datasets.id', 'reuseDatasets.datasetId')
        .select('reuseDatasets.reuseId')
        .where('reuseDatasets.reuseId', '=', reuseId)
        .where('datasets.organizationId', '=', organizationId)
        .executeTakeFirst());
    },
    /** Featuring twice is a no-op: true when it was not featured yet. */
    async feature(
      db: Kysely<Database>,
      organizationId: string,
      reuseId: string,
      by: string,
      at: string,
    ): Promise<boolean> {
      const existing = await db
        .selectFrom('featuredReuses')
        .select('reuseId')
        .where('organizationId', '=', organizationId)
        .where('reuseId', '=', reuseId)
        .executeTakeFirst();
      if (existing) return false;
      await db
        .insertInto('featuredReuses')
        .values({ organizationId, reuseId, featuredBy: by, featuredAt: at })
        .onConflict((oc) => oc.columns(['organizationId', 'reuseId']).doNothing())
        .execute();
      await db
        .updateTable('reuses')
        .set((eb) => ({ featuredCount: eb('featuredCount', '+', 1) }))
        .where('id', '=', reuseId)
        .execute();
      return true;
    },
    async unfeature(db: Kysely<Database>, organizationId: string, reuseId: string): Promise<boolean> {
      const r = await db
        .deleteFrom('featuredReuses')
        .where('organizationId', '=', organizationId)
        .where('reuseId', '=', reuseId)
        .executeTakeFirst();
      if (Number(r.numDeletedRows) !== 1) return false;
      await db
        .updateTable('reuses')
        .set((eb) => ({ featuredCount: eb('featuredCount', '-', 1) }))
        .where('id', '=', reuseId)
        .execute();
      return true;
    },
    /** Featurings of organizations whose datasets the reuse no longer uses (after its datasets changed). */
    async dropStaleFeaturing(db: Kysely<Database>, reuseId: string) {
      const stale = await db
        .selectFrom('featuredReuses')
        .select('organizationId')
        .where('reuseId', '=', reuseId)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('reuseDatasets')
                .innerJoin('datasets', 'datasets.id', 'reuseDatasets.datasetId')
                .select('reuseDatasets.reuseId')
                .where('reuseDatasets.reuseId', '=', reuseId)
                .whereRef('datasets.organizationId', '=', 'featuredReuses.organizationId'),
            ),
          ),
        )
        .execute();
      if (!stale.length) return;
      await db
        .deleteFrom('featuredReuses')
        .where('reuseId', '=', reuseId)
        .where(
          'organizationId',
          'in',
          stale.map((r) => r.organizationId),
        )
        .execute();
      await db
        .updateTable('reuses')
        .set((eb) => ({ featuredCount: eb('featuredCount', '-', stale.length) }))
        .where('id', '=', reuseId)
        .execute();
    },
    /** An app of the apps core, live and owned by the user. */
    async appOwnedBy(db: Kysely<Database>, appId: string, userId: string): Promise<boolean> {
      return !!(await db
        .selectFrom('apps')
        .select('id')
        .where('id', '=', appId)
        .where('ownerId', '=', userId)
        .where('deletedAt', 'is', null)
        .executeTakeFirst());
    },
    async incrementViews(db: Kysely<Database>, reuseId: string) {
      await db
        .updateTable('reuses')
        .set((eb) => ({ views: eb('views', '+', 1) }))
        .where('id', '=', reuseId)
        .execute();
    },
    /** Candidates for the "most used" ranking: the most viewed, plus every reuse linked to an app. */
    async rankingCandidates(db: Kysely<Database>, topByViews: number, withApps: boolean): Promise<ReuseRow[]> {
      const top = await db
        .selectFrom('reuses')
        .selectAll()
        .where('deletedAt', 'is', null)
        .orderBy('views', 'desc')
        .orderBy('id', 'desc')
        .limit(topByViews)
        .execute();
      const linked = withApps
        ? await db
            .selectFrom('reuses')
            .selectAll()
            .where('deletedAt', 'is', null)
            .where('appId', 'is not', null)
            .execute()
        : [];
      const byId = new Map([...top, ...linked].map((r) => [r.id, asRow(r)]));
      return [...byId.values()];
    },
  };
}
export type ReuseStore = ReturnType<typeof createReuseStore>;
