import { sql, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely';
import type {
  Database,
  FlagReleasePlansTable,
  FlagSchedulesTable,
  FlagSegmentsTable,
  FlagsTable,
} from '../../db/schema.js';

export type FlagRow = Selectable<FlagsTable>;
export type SegmentRow = Selectable<FlagSegmentsTable>;
export type ScheduleRow = Selectable<FlagSchedulesTable>;
export type PlanRow = Selectable<FlagReleasePlansTable>;

/** All SQL of the flags capability. */
export function createFlagStore() {
  return {
    async flagsOf(db: Kysely<Database>, appId: string, environment?: string): Promise<FlagRow[]> {
      let q = db.selectFrom('flags').selectAll().where('appId', '=', appId);
      if (environment) q = q.where('environment', '=', environment);
      return q.orderBy('key').orderBy('environment').execute();
    },
    async flag(db: Kysely<Database>, appId: string, environment: string, key: string): Promise<FlagRow | undefined> {
      return db
        .selectFrom('flags')
        .selectAll()
        .where('appId', '=', appId)
        .where('environment', '=', environment)
        .where('key', '=', key)
        .executeTakeFirst();
    },
    async insertFlag(db: Kysely<Database>, row: Insertable<FlagsTable>) {
      await db.insertInto('flags').values(row).execute();
    },
    async updateFlag(db: Kysely<Database>, id: string, changes: Updateable<FlagsTable>) {
      await db.updateTable('flags').set(changes).where('id', '=', id).execute();
    },
    async deleteFlag(db: Kysely<Database>, appId: string, key: string): Promise<number> {
      const r = await db.deleteFrom('flags').where('appId', '=', appId).where('key', '=', key).executeTakeFirst();
      await db.deleteFrom('flagReleasePlans').where('appId', '=', appId).where('flagKey', '=', key).execute();
      await db
        .updateTable('flagSchedules')
        .set({ status: 'cancelled' })
        .where('appId', '=', appId)
        .where('flagKey', '=', key)
        .where('status', '=', 'pending')
        .execute();
      return Number(r.numDeletedRows);
    },
    async touchEvaluated(db: Kysely<Database>, ids: string[], at: string) {
      if (ids.length) await db.updateTable('flags').set({ lastEvaluatedAt: at }).where('id', 'in', ids).execute();
    },

    async segmentsOf(db: Kysely<Database>, appId: string): Promise<SegmentRow[]> {
      return db.selectFrom('flagSegments').selectAll().where('appId', '=', appId).orderBy('key').execute();
    },
    async segment(db: Kysely<Database>, appId: string, key: string): Promise<SegmentRow | undefined> {
      return db
        .selectFrom('flagSegments')
        .selectAll()
        .where('appId', '=', appId)
        .where('key', '=', key)
        .executeTakeFirst();
    },
    async insertSegment(db: Kysely<Database>, row: Insertable<FlagSegmentsTable>) {
      await db.insertInto('flagSegments').values(row).execute();
    },
    async updateSegment(db: Kysely<Database>, id: string, changes: Updateable<FlagSegmentsTable>) {
      await db.updateTable('flagSegments').set(changes).where('id', '=', id).execute();
    },
    async deleteSegment(db: Kysely<Database>, id: string) {
      await db.deleteFrom('flagSegments').where('id', '=', id).execute();
    },

    async insertSchedule(db: Kysely<Database>, row: Insertable<FlagSchedulesTable>) {
      await db.insertInto('flagSchedules').values(row).execute();
    },
    async schedulesOf(db: Kysely<Database>, appId: string): Promise<ScheduleRow[]> {
      return db.selectFrom('flagSchedules').selectAll().where('appId', '=', appId).orderBy('runAt').execute();
    },
    async schedule(db: Kysely<Database>, id: string): Promise<ScheduleRow | undefined> {
      return db.selectFrom('flagSchedules').selectAll().where('id', '=', id).executeTakeFirst();
    },
    async dueSchedules(db: Kysely<Database>, now: string): Promise<ScheduleRow[]> {
      return db
        .selectFrom('flagSchedules')
        .selectAll()
        .where('status', '=', 'pending')
        .where('runAt', '<=', now)
        .orderBy('runAt')
        .limit(100)
        .execute();
    },
    /** Claims a pending schedule (one instance applies it). */
    async settleSchedule(db: Kysely<Database>, id: string, changes: Updateable<FlagSchedulesTable>): Promise<boolean> {
      const r = await db
        .updateTable('flagSchedules')
        .set(changes)
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    async insertPlan(db: Kysely<Database>, row: Insertable<FlagReleasePlansTable>) {
      await db.insertInto('flagReleasePlans').values(row).execute();
    },
    async plan(db: Kysely<Database>, id: string): Promise<PlanRow | undefined> {
      return db.selectFrom('flagReleasePlans').selectAll().where('id', '=', id).executeTakeFirst();
    },
    async plansOf(db: Kysely<Database>, appId: string): Promise<PlanRow[]> {
      return db.selectFrom('flagReleasePlans').selectAll().where('appId', '=', appId).orderBy('createdAt').execute();
    },
    async activePlanOf(db: Kysely<Database>, appId: string, environment: string, key: string) {
      return db
        .selectFrom('flagReleasePlans')
        .selectAll()
        .where('appId', '=', appId)
        .where('environment', '=', environment)
        .where('flagKey', '=', key)
        .where('status', 'in', ['running', 'paused'])
        .executeTakeFirst();
    },
    async runningPlans(db: Kysely<Database>): Promise<PlanRow[]> {
      return db.selectFrom('flagReleasePlans').selectAll().where('status', '=', 'running').limit(500).execute();
    },
    /** Moves a plan on only from the state it was read in (concurrent ticks on several instances). */
    async updatePlan(
      db: Kysely<Database>,
      id: string,
      from: { status: string; currentStage: number },
      changes: Updateable<FlagReleasePlansTable>,
    ): Promise<boolean> {
      const r = await db
        .updateTable('flagReleasePlans')
        .set(changes)
        .where('id', '=', id)
        .where('status', '=', from.status as PlanRow['status'])
        .where('currentStage', '=', from.currentStage)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    /**
     * The app's flag events (the audit trail), newest first, read from the event spine: every flag change is
     * recorded there with its reason. `payload ->> 'appId'` works on PostgreSQL's jsonb and on SQLite (≥ 3.38).
     */
    async auditOf(db: Kysely<Database>, appId: string, limit: number, before?: number) {
      let q = db
        .selectFrom('events')
        .select(['id', 'position', 'type', 'actorId', 'payload', 'occurredAt'])
        .where('type', 'like', 'flag.%')
        .where(sql<string>`payload ->> 'appId'`, '=', appId);
      if (before !== undefined) q = q.where('position', '<', before);
      return q.orderBy('position', 'desc').limit(limit).execute();
    },

    /** Bumps (or starts) the ruleset version of an app's environment; returns the new version. */
    async bumpVersion(db: Kysely<Database>, appId: string, environment: string): Promise<number> {
      const r = await db
        .updateTable('flagRulesets')
        .set((eb) => ({ version: eb('version', '+', 1) }))
        .where('appId', '=', appId)
        .where('environment', '=', environment)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0)
        await db.insertInto('flagRulesets').values({ appId, environment, version: 1 }).execute();
      return this.version(db, appId, environment);
    },
    async version(db: Kysely<Database>, appId: string, environment: string): Promise<number> {
      const row = await db
        .selectFrom('flagRulesets')
        .select('version')
        .where('appId', '=', appId)
        .where('environment', '=', environment)
        .executeTakeFirst();
      return Number(row?.version ?? 0);
    },
  };
}
export type FlagStore = ReturnType<typeof createFlagStore>;
