import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database, DatasetChangelogTable, RowRevisionsTable } from '../../db/schema.js';

export type RevisionRow = Selectable<RowRevisionsTable>;
export type ChangelogRow = Selectable<DatasetChangelogTable>;

export function createHistoryStore() {
  return {
    async nextRevision(db: Kysely<Database>, versionId: string, rowId: number): Promise<number> {
      const r = await db
        .selectFrom('rowRevisions')
        .select((eb) => eb.fn.max('revision').as('n'))
        .where('versionId', '=', versionId)
        .where('rowId', '=', rowId)
        .executeTakeFirst();
      return Number(r?.n ?? 0) + 1;
    },
    async insertRevision(db: Kysely<Database>, row: Insertable<RowRevisionsTable>) {
      await db.insertInto('rowRevisions').values(row).execute();
    },
    /** The authors of contributions (revisions credit who proposed a change, not only who applied it). */
    async authorsOf(db: Kysely<Database>, contributionIds: string[]): Promise<Map<string, string>> {
      if (contributionIds.length === 0) return new Map();
      const rows = await db
        .selectFrom('contributions')
        .select(['id', 'authorId'])
        .where('id', 'in', contributionIds)
        .execute();
      return new Map(rows.map((r) => [r.id, r.authorId]));
    },
    async findRevision(db: Kysely<Database>, id: string): Promise<RevisionRow | undefined> {
      return db.selectFrom('rowRevisions').selectAll().where('id', '=', id).executeTakeFirst();
    },
    /** A row's revisions in a resource, newest first (revision numbers below `beforeRevision`). */
    async revisionsOf(
      db: Kysely<Database>,
      resourceId: string,
      versionId: string,
      rowId: number,
      beforeRevision: number | undefined,
      limit: number,
    ): Promise<RevisionRow[]> {
      let q = db
        .selectFrom('rowRevisions')
        .selectAll()
        .where('resourceId', '=', resourceId)
        .where('versionId', '=', versionId)
        .where('rowId', '=', rowId);
      if (beforeRevision !== undefined) q = q.where('revision', '<', beforeRevision);
      return q.orderBy('revision', 'desc').limit(limit).execute();
    },
    async insertChangelog(db: Kysely<Database>, row: Insertable<DatasetChangelogTable>) {
      await db.insertInto('datasetChangelog').values(row).execute();
    },
    async changelog(
      db: Kysely<Database>,
      datasetId: string,
      beforeId: string | undefined,
      limit: number,
    ): Promise<ChangelogRow[]> {
      let q = db.selectFrom('datasetChangelog').selectAll().where('datasetId', '=', datasetId);
      if (beforeId) q = q.where('id', '<', beforeId);
      return q.orderBy('id', 'desc').limit(limit).execute();
    },
  };
}
export type HistoryStore = ReturnType<typeof createHistoryStore>;
