/** SQL of the personal-data access log (024_data_access), on SQLite and PostgreSQL. */
import type { Kysely, Selectable } from 'kysely';
import type { Database, DataAccessRecordsTable } from '../../db/schema.js';
import { readJson } from '../../db/database.js';

export interface DataAccessRecord extends Omit<Selectable<DataAccessRecordsTable>, 'fields'> {
  fields: string[];
}

const toRecord = (r: Selectable<DataAccessRecordsTable>): DataAccessRecord => ({
  ...r,
  fields: readJson<string[]>(r.fields),
  occurredAt: new Date(r.occurredAt).toISOString(),
  hiddenUntil: r.hiddenUntil === null ? null : new Date(r.hiddenUntil).toISOString(),
});

export function createDataAccessStore() {
  return {
    async insert(db: Kysely<Database>, r: DataAccessRecord): Promise<void> {
      await db
        .insertInto('dataAccessRecords')
        .values({ ...r, fields: JSON.stringify(r.fields) })
        .execute();
    },

    async find(db: Kysely<Database>, id: string): Promise<DataAccessRecord | undefined> {
      const r = await db.selectFrom('dataAccessRecords').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toRecord(r);
    },

    /** A person's records, newest first (ids are time-ordered), after the keyset cursor `before`. */
    async ofSubject(
      db: Kysely<Database>,
      subjectUserId: string,
      before: string | undefined,
      limit: number,
    ): Promise<DataAccessRecord[]> {
      let q = db.selectFrom('dataAccessRecords').selectAll().where('subjectUserId', '=', subjectUserId);
      if (before) q = q.where('id', '<', before);
      return (await q.orderBy('id', 'desc').limit(limit).execute()).map(toRecord);
    },

    async hide(db: Kysely<Database>, id: string, hiddenUntil: string, hiddenReason: string): Promise<void> {
      await db.updateTable('dataAccessRecords').set({ hiddenUntil, hiddenReason }).where('id', '=', id).execute();
    },

    /** Records per organization and purpose since `since` (hidden ones included: a count reveals no one). */
    async countsByOrganization(db: Kysely<Database>, since: string) {
      const rows = await db
        .selectFrom('dataAccessRecords')
        .select(['organizationId', 'purpose', (eb) => eb.fn.countAll<number | string>().as('n')])
        .where('occurredAt', '>=', since)
        .groupBy(['organizationId', 'purpose'])
        .execute();
      return rows.map((r) => ({ organizationId: r.organizationId, purpose: r.purpose, count: Number(r.n) }));
    },
  };
}
export type DataAccessStore = ReturnType<typeof createDataAccessStore>;
