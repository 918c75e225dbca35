import type { Kysely, Selectable } from 'kysely';
import type { Database, DataExportsTable } from '../../db/schema.js';

export type ExportRow = Selectable<DataExportsTable>;

/** SQL of the data exports (027_my_data). */
export function createExportStore() {
  return {
    async insert(db: Kysely<Database>, row: ExportRow) {
      await db.insertInto('dataExports').values(row).execute();
    },
    async find(db: Kysely<Database>, id: string): Promise<ExportRow | undefined> {
      return db.selectFrom('dataExports').selectAll().where('id', '=', id).executeTakeFirst();
    },
    async listOf(db: Kysely<Database>, userId: string, limit: number): Promise<ExportRow[]> {
      return db
        .selectFrom('dataExports')
        .selectAll()
        .where('userId', '=', userId)
        .orderBy('createdAt', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
    },
    /** A job to run: pending, or running under a lease that ended (its process died). */
    async nextDue(db: Kysely<Database>, now: string): Promise<ExportRow | undefined> {
      return db
        .selectFrom('dataExports')
        .selectAll()
        .where((eb) =>
          eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'running'), eb('leaseUntil', '<', now)])]),
        )
        .orderBy('createdAt')
        .limit(1)
        .executeTakeFirst();
    },
    /**
     * Claims `row` by compare-and-set on its status and lease: of several instances seeing it due, exactly one
     * update matches. Portable, so the same on SQLite and PostgreSQL.
     */
    async claim(db: Kysely<Database>, row: ExportRow, leaseUntil: string, now: string): Promise<boolean> {
      const r = await db
        .updateTable('dataExports')
        .set({ status: 'running', leaseUntil, attempts: row.attempts + 1, progress: 0, updatedAt: now })
        .where('id', '=', row.id)
        .where('status', '=', row.status)
        .where('attempts', '=', row.attempts)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async progress(db: Kysely<Database>, id: string, progress: number, leaseUntil: string, now: string) {
      await db.updateTable('dataExports').set({ progress, leaseUntil, updatedAt: now }).where('id', '=', id).execute();
    },
    async finish(
      db: Kysely<Database>,
      id: string,
      done: { filePath: string; bytes: number; readyAt: string; expiresAt: string },
    ) {
      await db
        .updateTable('dataExports')
        .set({ ...done, status: 'ready', progress: 100, leaseUntil: null, updatedAt: done.readyAt })
        .where('id', '=', id)
        .execute();
    },
    async fail(db: Kysely<Database>, id: string, error: string, now: string) {
      await db
        .updateTable('dataExports')
        .set({ status: 'failed', error, leaseUntil: null, updatedAt: now })
        .where('id', '=', id)
        .execute();
    },
    /** Ready exports past their expiry whose file is still on disk. */
    async expired(db: Kysely<Database>, now: string): Promise<ExportRow[]> {
      return db
        .selectFrom('dataExports')
        .selectAll()
        .where('status', '=', 'ready')
        .where('expiresAt', '<', now)
        .where('filePath', 'is not', null)
        .execute();
    },
    async forgetFile(db: Kysely<Database>, id: string) {
      await db.updateTable('dataExports').set({ filePath: null }).where('id', '=', id).execute();
    },
    /** Erasure: the account's exports (their files are deleted by the service). */
    async deleteOf(db: Kysely<Database>, userId: string): Promise<ExportRow[]> {
      const rows = await db.selectFrom('dataExports').selectAll().where('userId', '=', userId).execute();
      await db.deleteFrom('dataExports').where('userId', '=', userId).execute();
      return rows;
    },
  };
}
export type ExportStore = ReturnType<typeof createExportStore>;
