import type { Insertable, Kysely, Selectable } from 'kysely';
import type {
  Database,
  DatasetCommunitySettingsTable,
  ModerationFlagsTable,
  ModerationHiddenTable,
  UserSuspensionsTable,
} from '../../db/schema.js';

export type FlagRow = ModerationFlagsTable;
export type HiddenRow = ModerationHiddenTable;
export type SuspensionRow = UserSuspensionsTable;
export type SettingsRow = Selectable<DatasetCommunitySettingsTable>;

export function createModerationStore() {
  return {
    async insertFlag(db: Kysely<Database>, row: FlagRow) {
      await db.insertInto('moderationFlags').values(row).execute();
    },
    async findOpenFlag(db: Kysely<Database>, openKey: string) {
      return db.selectFrom('moderationFlags').select('id').where('openKey', '=', openKey).executeTakeFirst();
    },
    async findFlag(db: Kysely<Database>, id: string): Promise<FlagRow | undefined> {
      return db.selectFrom('moderationFlags').selectAll().where('id', '=', id).executeTakeFirst();
    },
    async listFlags(
      db: Kysely<Database>,
      f: { status?: FlagRow['status']; afterId?: string; limit: number },
    ): Promise<FlagRow[]> {
      let q = db.selectFrom('moderationFlags').selectAll();
      if (f.status) q = q.where('status', '=', f.status);
      if (f.afterId) q = q.where('id', '>', f.afterId);
      return q.orderBy('id', 'asc').limit(f.limit).execute();
    },
    /** Closes the open flags of a target (or one flag); returns how many. */
    async handleFlags(
      db: Kysely<Database>,
      where: { targetKind: string; targetId: string } | { id: string },
      status: 'resolved' | 'dismissed',
      by: string,
      at: string,
    ): Promise<number> {
      let q = db
        .updateTable('moderationFlags')
        .set({ status, openKey: null, handledBy: by, handledAt: at })
        .where('status', '=', 'open');
      q =
        'id' in where
          ? q.where('id', '=', where.id)
          : q
              .where('targetKind', '=', where.targetKind as FlagRow['targetKind'])
              .where('targetId', '=', where.targetId);
      return Number((await q.executeTakeFirst()).numUpdatedRows);
    },
    async hide(db: Kysely<Database>, row: HiddenRow): Promise<boolean> {
      const r = await db
        .insertInto('moderationHidden')
        .values(row)
        .onConflict((oc) => oc.columns(['targetKind', 'targetId']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
    },
    async restore(db: Kysely<Database>, kind: HiddenRow['targetKind'], id: string): Promise<HiddenRow | undefined> {
      const row = await db
        .selectFrom('moderationHidden')
        .selectAll()
        .where('targetKind', '=', kind)
        .where('targetId', '=', id)
        .executeTakeFirst();
      if (row)
        await db.deleteFrom('moderationHidden').where('targetKind', '=', kind).where('targetId', '=', id).execute();
      return row;
    },
    async hiddenOf(db: Kysely<Database>, kind: HiddenRow['targetKind'], ids: string[]): Promise<Map<string, string>> {
      if (!ids.length) return new Map();
      const rows = await db
        .selectFrom('moderationHidden')
        .select(['targetId', 'reason'])
        .where('targetKind', '=', kind)
        .where('targetId', 'in', ids)
        .execute();
      return new Map(rows.map((r) => [r.targetId, r.reason]));
    },
    async suspension(db: Kysely<Database>, userId: string): Promise<SuspensionRow | undefined> {
      return db.selectFrom('userSuspensions').selectAll().where('userId', '=', userId).executeTakeFirst();
    },
    async suspend(db: Kysely<Database>, row: SuspensionRow) {
      await db
        .insertInto('userSuspensions')
        .values(row)
        .onConflict((oc) =>
          oc.column('userId').doUpdateSet({
            reason: row.reason,
            until: row.until,
            suspendedBy: row.suspendedBy,
            createdAt: row.createdAt,
          }),
        )
        .execute();
    },
    async unsuspend(db: Kysely<Database>, userId: string): Promise<boolean> {
      return (
        Number(
          (await db.deleteFrom('userSuspensions').where('userId', '=', userId).executeTakeFirst()).numDeletedRows,
        ) === 1
      );
    },
    async settings(db: Kysely<Database>, datasetId: string): Promise<SettingsRow | undefined> {
      return db
        .selectFrom('datasetCommunitySettings')
        .selectAll()
        .where('datasetId', '=', datasetId)
        .executeTakeFirst();
    },
    async saveSettings(db: Kysely<Database>, row: Insertable<DatasetCommunitySettingsTable>) {
      await db
        .insertInto('datasetCommunitySettings')
        .values(row)
        .onConflict((oc) =>
          oc.column('datasetId').doUpdateSet({
            allowDirectEdits: row.allowDirectEdits,
            reviewersOptIn: row.reviewersOptIn,
            updatedBy: row.updatedBy,
            updatedAt: row.updatedAt,
          }),
        )
        .execute();
    },
  };
}
export type ModerationStore = ReturnType<typeof createModerationStore>;
