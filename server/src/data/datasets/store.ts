import { sql, type Kysely } from 'kysely';
import type { Database, DatasetsTable } from '../../db/schema.js';

export type DatasetRow = DatasetsTable;

export interface DatasetSearch {
  terms: string[][];
  organizationId?: string;
  theme?: string;
  keyword?: string;
  license?: string;
  format?: string;
  /** Only datasets featured on the home page. */
  featured?: boolean;
  statuses: Array<'draft' | 'published' | 'archived'>;
  /** Drafts are listed only for these organizations / this owner. */
  visibleDraftOrganizations: string[];
  visibleDraftOwner?: string;
  sort: 'relevance' | '-updated' | '-popularity' | 'title' | '-featured';
  offset: number;
  limit: number;
}

/** SQL over `datasets`: rows, catalog search and its facets, counters. */
export function createDatasetStore() {
  function searchBase(db: Kysely<Database>, s: DatasetSearch) {
    let q = db.selectFrom('datasets');
    const listed = s.statuses.filter((x): x is 'published' | 'archived' => x !== 'draft');
    const draftScope = s.statuses.includes('draft') && (s.visibleDraftOrganizations.length > 0 || s.visibleDraftOwner);
    q = q.where((eb) => {
      const visible = [];
      // Qualified names throughout: the format facet joins `resources`, which has its own owner_id.
      if (listed.length) visible.push(eb('datasets.status', 'in', listed));
      if (draftScope) {
        const mine = [];
        if (s.visibleDraftOrganizations.length)
          mine.push(eb('datasets.organizationId', 'in', s.visibleDraftOrganizations));
        if (s.visibleDraftOwner) mine.push(eb('datasets.ownerId', '=', s.visibleDraftOwner));
        visible.push(eb.and([eb('datasets.status', '=', 'draft'), eb.or(mine)]));
      }
      return visible.length ? eb.or(visible) : sql<boolean>`1 = 0`;
    });
    for (const alternatives of s.terms) {
      q = q.where((eb) => eb.or(alternatives.map((stem) => eb('datasets.searchText', 'like', `% ${stem}%`))));
    }
    if (s.organizationId) q = q.where('datasets.organizationId', '=', s.organizationId);
    if (s.featured) q = q.where('datasets.featuredAt', 'is not', null);
    if (s.license) q = q.where('datasets.license', '=', s.license);
    // JSON arrays (TEXT on SQLite, JSONB on PostgreSQL) compared through their text form.
    if (s.theme) q = q.where(sql`cast(datasets.themes as text)`, 'like', `%"${s.theme.replace(/["%_\\]/g, '')}"%`);
    if (s.keyword)
      q = q.where(sql`cast(datasets.keywords as text)`, 'like', `%${JSON.stringify(s.keyword).replace(/[%_]/g, '')}%`);
    if (s.format) {
      const format = s.format.toUpperCase();
      q = q.where((eb) =>
        eb.exists(
          eb
            .selectFrom('resources')
            .select('resources.id')
            .whereRef('resources.datasetId', '=', 'datasets.id')
            .where('resources.format', '=', format)
            .where('resources.community', '=', 0)
            .where('resources.deletedAt', 'is', null),
        ),
      );
    }
    return q;
  }

  return {
    async insertDataset(db: Kysely<Database>, row: DatasetRow) {
      await db.insertInto('datasets').values(row).execute();
    },
    async updateDataset(db: Kysely<Database>, id: string, patch: Partial<DatasetRow>) {
      await db.updateTable('datasets').set(patch).where('id', '=', id).execute();
    },
    async findDatasetBySlug(db: Kysely<Database>, slug: string): Promise<DatasetRow | undefined> {
      return db.selectFrom('datasets').selectAll().where('slug', '=', slug).executeTakeFirst();
    },
    async findDatasetById(db: Kysely<Database>, id: string): Promise<DatasetRow | undefined> {
      return db.selectFrom('datasets').selectAll().where('id', '=', id).executeTakeFirst();
    },
    async datasetsByIds(db: Kysely<Database>, ids: string[]): Promise<DatasetRow[]> {
      if (ids.length === 0) return [];
      return db.selectFrom('datasets').selectAll().where('id', 'in', ids).execute();
    },
    async slugTaken(db: Kysely<Database>, slug: string): Promise<boolean> {
      return (await db.selectFrom('datasets').select('id').where('slug', '=', slug).executeTakeFirst()) !== undefined;
    },
    async searchDatasets(db: Kysely<Database>, s: DatasetSearch): Promise<{ rows: DatasetRow[]; total: number }> {
      let q = searchBase(db, s).selectAll('datasets');
      if (s.sort === 'title') q = q.orderBy('title').orderBy('id');
      else if (s.sort === '-featured')
        q = q
          .orderBy(sql`case when featured_at is null then 1 else 0 end`)
          .orderBy('featuredAt', 'desc')
          .orderBy('id', 'desc');
      else if (s.sort === '-popularity') q = q.orderBy(sql`views + 10 * downloads`, 'desc').orderBy('id', 'desc');
      else if (s.sort === 'relevance' && s.terms.length) {
        // Matches in the title count more than matches elsewhere.
        const titleHits = s.terms
          .flat()
          .map((stem) => sql`case when lower(title) like ${`%${stem}%`} then 1 else 0 end`);
        q = q
          .orderBy(sql`${sql.join(titleHits, sql` + `)}`, 'desc')
          .orderBy(sql`views + 10 * downloads`, 'desc')
          .orderBy('id', 'desc');
      } else q = q.orderBy('updatedAt', 'desc').orderBy('id', 'desc');
      const rows = await q.offset(s.offset).limit(s.limit).execute();
      const total = await searchBase(db, s)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return { rows, total: Number(total.n) };
    },
    /** Counts per value of a facet under the search filters (the facet's own filter removed). */
    async facetCounts(
      db: Kysely<Database>,
      s: DatasetSearch,
      facet: 'organization' | 'license' | 'theme' | 'keyword' | 'format',
    ): Promise<Array<{ value: string; count: number }>> {
      const without: DatasetSearch = {
        ...s,
        ...(facet === 'organization' ? { organizationId: undefined } : { [facet]: undefined }),
      };
      if (facet === 'organization' || facet === 'license') {
        const column = facet === 'organization' ? 'organizationId' : 'license';
        const rows = await searchBase(db, without)
          .select([`datasets.${column}` as 'datasets.license', (eb) => eb.fn.countAll<number>().as('n')])
          .where(`datasets.${column}` as 'datasets.license', 'is not', null)
          .groupBy(`datasets.${column}` as 'datasets.license')
          .orderBy('n', 'desc')
          .limit(20)
          .execute();
        return rows.map((r) => ({
          value: String((r as Record<string, unknown>)[column] ?? (r as Record<string, unknown>).license),
          count: Number(r.n),
        }));
      }
      if (facet === 'format') {
        const rows = await searchBase(db, without)
          .innerJoin('resources', 'resources.datasetId', 'datasets.id')
          .select(['resources.format', (eb) => eb.fn.count<number>('datasets.id').distinct().as('n')])
          .where('resources.format', 'is not', null)
          .where('resources.community', '=', 0)
          .where('resources.deletedAt', 'is', null)
          .groupBy('resources.format')
          .orderBy('n', 'desc')
          .limit(20)
          .execute();
        return rows.map((r) => ({ value: String(r.format), count: Number(r.n) }));
      }
      // JSON arrays: counted in the service from a bounded scan (catalogs hold thousands, not millions).
      const rows = await searchBase(db, without)
        .select(facet === 'theme' ? 'themes' : 'keywords')
        .limit(5000)
        .execute();
      const counts = new Map<string, number>();
      for (const r of rows) {
        const raw = (r as { themes?: unknown; keywords?: unknown })[facet === 'theme' ? 'themes' : 'keywords'];
        const values = (typeof raw === 'string' ? JSON.parse(raw) : raw) as string[];
        for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
      }
      return [...counts]
        .map(([value, count]) => ({ value, count }))
        .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value))
        .slice(0, 20);
    },
    async publishedDatasets(db: Kysely<Database>, limit: number): Promise<DatasetRow[]> {
      return db
        .selectFrom('datasets')
        .selectAll()
        .where('status', '=', 'published')
        .orderBy('updatedAt', 'desc')
        .limit(limit)
        .execute();
    },
    /** One page of published datasets in a stable order (the paged catalog), and how many there are. */
    async publishedPage(
      db: Kysely<Database>,
      offset: number,
      limit: number,
    ): Promise<{ rows: DatasetRow[]; total: number }> {
      const rows = await db
        .selectFrom('datasets')
        .selectAll()
        .where('status', '=', 'published')
        .orderBy('id')
        .offset(offset)
        .limit(limit)
        .execute();
      const count = await db
        .selectFrom('datasets')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('status', '=', 'published')
        .executeTakeFirstOrThrow();
      return { rows, total: Number(count.n) };
    },
    /** Published datasets and the rows of their live tables (the publishers' own resources, not community ones). */
    async catalogFigures(db: Kysely<Database>): Promise<{ datasets: number; rows: number }> {
      const datasets = await db
        .selectFrom('datasets')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'published')
        .executeTakeFirstOrThrow();
      const rows = await db
        .selectFrom('datasets')
        .innerJoin('resources', 'resources.datasetId', 'datasets.id')
        .innerJoin('resourceVersions', 'resourceVersions.id', 'resources.currentVersionId')
        .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('resourceVersions.rowCount'), sql<number>`0`).as('n'))
        .where('datasets.status', '=', 'published')
        .where('resources.community', '=', 0)
        .where('resources.deletedAt', 'is', null)
        .executeTakeFirstOrThrow();
      return { datasets: Number(datasets.n), rows: Number(rows.n) };
    },
    async incrementDatasetCounter(db: Kysely<Database>, id: string, counter: 'views' | 'downloads', by = 1) {
      await db
        .updateTable('datasets')
        .set((eb) => ({ [counter]: eb(counter, '+', by) }))
        .where('id', '=', id)
        .execute();
    },
  };
}
export type DatasetStore = ReturnType<typeof createDatasetStore>;
