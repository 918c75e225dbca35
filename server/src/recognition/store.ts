import { sql, type Kysely } from 'kysely';
import type { Database, ReputationEntriesTable, TrustLevelsTable } from '../db/schema.js';
import type { Dialect } from '../db/database.js';
import { newId } from '../kernel/ids.js';

/** A row of the reputation ledger, as stored. */
export type ReputationEntry = ReputationEntriesTable;

export interface UserStats {
  acceptedContributions: number;
  rowsChanged: number;
  reviews: number;
  datasetsImproved: number;
}

export interface LeaderboardRow {
  userId: string;
  points: number;
}

const n = (v: unknown) => Number(v ?? 0);

/** SQL of recognition; every table here is written only by the recognition consumers (and the admin grant). */
export function createRecognitionStore(dialect: Dialect) {
  return {
    /** Marks an event handled by a consumer; false if it was already (a redelivery). */
    async markProcessed(db: Kysely<Database>, consumer: string, eventId: string): Promise<boolean> {
      const r = await db
        .insertInto('recognitionProcessed')
        .values({ consumer, eventId })
        .onConflict((oc) => oc.columns(['consumer', 'eventId']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    },

    // reputation
    /** Adds an entry unless the same (event, user, reason) is there; returns whether it was added. */
    async addEntry(db: Kysely<Database>, e: Omit<ReputationEntry, 'id'>): Promise<boolean> {
      const r = await db
        .insertInto('reputationEntries')
        .values({ id: newId('rep'), ...e })
        .onConflict((oc) => oc.columns(['eventId', 'userId', 'reason']).doNothing())
        .executeTakeFirst();
      const added = Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
      if (added) {
        await db
          .insertInto('reputationTotals')
          .values({ userId: e.userId, points: e.points })
          .onConflict((oc) => oc.column('userId').doUpdateSet({ points: sql`reputation_totals.points + ${e.points}` }))
          .execute();
      }
      return added;
    },

    async entriesOf(
      db: Kysely<Database>,
      userId: string,
      before: string | undefined,
      limit: number,
    ): Promise<ReputationEntry[]> {
      let q = db.selectFrom('reputationEntries').selectAll().where('userId', '=', userId);
      if (before) q = q.where('id', '<', before);
      return (await q.orderBy('id', 'desc').limit(limit).execute()).map((r) => ({ ...r, points: n(r.points) }));
    },

    async leaderboard(
      db: Kysely<Database>,
      f: { since?: string; datasetId?: string; organizationId?: string; limit: number },
    ): Promise<LeaderboardRow[]> {
      let q = db.selectFrom('reputationEntries').select(['userId', (eb) => eb.fn.sum<number>('points').as('points')]);
      if (f.since) q = q.where('createdAt', '>=', f.since);
      if (f.datasetId) q = q.where('datasetId', '=', f.datasetId);
      if (f.organizationId) q = q.where('organizationId', '=', f.organizationId);
      const rows = await q
        .groupBy('userId')
        .having((eb) => eb.fn.sum('points'), '>', 0)
        .orderBy((eb) => eb.fn.sum('points'), 'desc')
        .orderBy('userId')
        .limit(f.limit)
        .execute();
      return rows.map((r) => ({ userId: r.userId, points: n(r.points) }));
    },

    // stats, days, contributors, review durations (the badges consumer)
    async reputation(db: Kysely<Database>, userId: string): Promise<number> {
      return n(
        (await db.selectFrom('reputationTotals').select('points').where('userId', '=', userId).executeTakeFirst())
          ?.points,
      );
    },

    async stats(db: Kysely<Database>, userId: string): Promise<UserStats> {
      const r = await db.selectFrom('userStats').selectAll().where('userId', '=', userId).executeTakeFirst();
      return {
        acceptedContributions: n(r?.acceptedContributions),
        rowsChanged: n(r?.rowsChanged),
        reviews: n(r?.reviews),
        datasetsImproved: n(r?.datasetsImproved),
      };
    },

    async bumpStats(
      db: Kysely<Database>,
      userId: string,
      d: { acceptedContributions?: number; rowsChanged?: number; reviews?: number; datasetsImproved?: number },
    ) {
      const values = {
        acceptedContributions: d.acceptedContributions ?? 0,
        rowsChanged: d.rowsChanged ?? 0,
        reviews: d.reviews ?? 0,
        datasetsImproved: d.datasetsImproved ?? 0,
      };
      await db
        .insertInto('userStats')
        .values({ userId, ...values })
        .onConflict((oc) =>
          oc.column('userId').doUpdateSet({
            acceptedContributions: sql`user_stats.accepted_contributions + ${values.acceptedContributions}`,
            rowsChanged: sql`user_stats.rows_changed + ${values.rowsChanged}`,
            reviews: sql`user_stats.reviews + ${values.reviews}`,
            datasetsImproved: sql`user_stats.datasets_improved + ${values.datasetsImproved}`,
          }),
        )
        .execute();
    },

    async addContributionDay(db: Kysely<Database>, userId: string, datasetId: string, day: string) {
      await db
        .insertInto('contributionDays')
        .values({ userId, datasetId, day, accepted: 1 })
        .onConflict((oc) =>
          oc.columns(['userId', 'datasetId', 'day']).doUpdateSet({ accepted: sql`contribution_days.accepted + 1` }),
        )
        .execute();
    },

    /** Distinct days with an accepted contribution, between two days inclusive. */
    async daysBetween(db: Kysely<Database>, userId: string, from: string, to: string): Promise<string[]> {
      const rows = await db
        .selectFrom('contributionDays')
        .select('day')
        .distinct()
        .where('userId', '=', userId)
        .where('day', '>=', from)
        .where('day', '<=', to)
        .orderBy('day')
        .execute();
      return rows.map((r) => r.day);
    },

    async datasetDayCount(db: Kysely<Database>, userId: string, datasetId: string): Promise<number> {
      const r = await db
        .selectFrom('contributionDays')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('userId', '=', userId)
        .where('datasetId', '=', datasetId)
        .executeTakeFirstOrThrow();
      return n(r.n);
    },

    async calendar(
      db: Kysely<Database>,
      userId: string,
      from: string,
    ): Promise<Array<{ date: string; count: number }>> {
      const rows = await db
        .selectFrom('contributionDays')
        .select(['day', (eb) => eb.fn.sum<number>('accepted').as('count')])
        .where('userId', '=', userId)
        .where('day', '>=', from)
        .groupBy('day')
        .orderBy('day')
        .execute();
      return rows.map((r) => ({ date: r.day, count: n(r.count) }));
    },

    /** Counts an accepted contribution on a dataset; true if it is the user's first on that dataset. */
    async addDatasetContribution(
      db: Kysely<Database>,
      datasetId: string,
      userId: string,
      rows: number,
      at: string,
    ): Promise<boolean> {
      const existing = await db
        .selectFrom('datasetContributors')
        .select('userId')
        .where('datasetId', '=', datasetId)
        .where('userId', '=', userId)
        .executeTakeFirst();
      if (existing) {
        await db
          .updateTable('datasetContributors')
          .set({ accepted: sql`accepted + 1`, rowsChanged: sql`rows_changed + ${rows}`, lastAt: at })
          .where('datasetId', '=', datasetId)
          .where('userId', '=', userId)
          .execute();
        return false;
      }
      await db
        .insertInto('datasetContributors')
        .values({ datasetId, userId, accepted: 1, rowsChanged: rows, firstAt: at, lastAt: at })
        .execute();
      return true;
    },

    async contributors(
      db: Kysely<Database>,
      datasetId: string,
      after: { a: number; u: string } | undefined,
      limit: number,
    ) {
      let q = db.selectFrom('datasetContributors').selectAll().where('datasetId', '=', datasetId);
      if (after)
        q = q.where((eb) =>
          eb.or([eb('accepted', '<', after.a), eb.and([eb('accepted', '=', after.a), eb('userId', '>', after.u)])]),
        );
      const rows = await q.orderBy('accepted', 'desc').orderBy('userId').limit(limit).execute();
      return rows.map((r) => ({ ...r, accepted: n(r.accepted), rowsChanged: n(r.rowsChanged) }));
    },

    async addReviewDuration(db: Kysely<Database>, r: Database['reviewDurations']) {
      await db
        .insertInto('reviewDurations')
        .values(r)
        .onConflict((oc) => oc.column('eventId').doNothing())
        .execute();
    },

    /** Reviews since a time: counts by outcome and the median duration; of one organization, or of all (null). */
    /** Every review since `since`: organization, when, and how long after the proposal (seconds). */
    async reviewDurationsSince(db: Kysely<Database>, since: string) {
      const rows = await db
        .selectFrom('reviewDurations')
        .select(['organizationId', 'reviewedAt', 'seconds'])
        .where('reviewedAt', '>=', since)
        .execute();
      return rows.map((r) => ({
        organizationId: r.organizationId,
        reviewedAt: new Date(r.reviewedAt).toISOString(),
        seconds: n(r.seconds),
      }));
    },

    async reviewStats(db: Kysely<Database>, organizationId: string | null, since: string) {
      let base = db.selectFrom('reviewDurations').where('reviewedAt', '>=', since);
      if (organizationId !== null) base = base.where('organizationId', '=', organizationId);
      const counts = await base
        .select(['outcome', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('outcome')
        .execute();
      const by = Object.fromEntries(counts.map((c) => [c.outcome, n(c.n)])) as Record<string, number>;
      const total = (by.accepted ?? 0) + (by.rejected ?? 0) + (by.spam ?? 0);
      let median: number | null = null;
      if (total > 0) {
        // The middle one or two values, without reading them all.
        const middle = await base
          .select('seconds')
          .orderBy('seconds')
          .limit(total % 2 === 0 ? 2 : 1)
          .offset(Math.floor((total - 1) / 2))
          .execute();
        median = middle.reduce((s, r) => s + n(r.seconds), 0) / middle.length;
      }
      return {
        accepted: by.accepted ?? 0,
        rejected: by.rejected ?? 0,
        spam: by.spam ?? 0,
        total,
        medianSeconds: median,
      };
    },

    // badges
    /** Awards a non-repeatable badge; false if the user holds it already. */
    async award(
      db: Kysely<Database>,
      userId: string,
      badge: string,
      awardedAt: string,
      eventId: string,
    ): Promise<boolean> {
      const r = await db
        .insertInto('userBadges')
        .values({ userId, badge, occurrence: 0, awardedAt, eventId })
        .onConflict((oc) => oc.columns(['userId', 'badge', 'occurrence']).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    },

    async badgesOf(db: Kysely<Database>, userId: string) {
      return db
        .selectFrom('userBadges')
        .select(['badge', 'awardedAt', 'eventId'])
        .where('userId', '=', userId)
        .orderBy('awardedAt')
        .orderBy('badge')
        .execute();
    },

    async badgeCounts(db: Kysely<Database>): Promise<Map<string, number>> {
      const rows = await db
        .selectFrom('userBadges')
        .select(['badge', (eb) => eb.fn.count<number>('userId').distinct().as('n')])
        .groupBy('badge')
        .execute();
      return new Map(rows.map((r) => [r.badge, n(r.n)]));
    },

    // trust levels
    /** With `lock`, the row stays locked until the transaction ends (PostgreSQL; SQLite serializes writers). */
    async trust(db: Kysely<Database>, userId: string, lock = false): Promise<TrustLevelsTable | undefined> {
      let q = db.selectFrom('trustLevels').selectAll().where('userId', '=', userId);
      if (lock && dialect === 'postgres') q = q.forUpdate();
      const r = await q.executeTakeFirst();
      return (
        r && {
          ...r,
          level: n(r.level),
          acceptedCount: n(r.acceptedCount),
          acceptedBase: n(r.acceptedBase),
          spamCount: n(r.spamCount),
        }
      );
    },

    async saveTrust(db: Kysely<Database>, row: TrustLevelsTable) {
      const { userId: _userId, ...rest } = row;
      await db
        .insertInto('trustLevels')
        .values(row)
        .onConflict((oc) => oc.column('userId').doUpdateSet(rest))
        .execute();
    },
  };
}

export type RecognitionStore = ReturnType<typeof createRecognitionStore>;
