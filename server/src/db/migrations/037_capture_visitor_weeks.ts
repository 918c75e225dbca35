import { sql } from 'kysely';
import type { Migration } from './types.js';

/**
 * Weekly activity of identified visitors (issue 14): one row per (scope, event name or `*`, week, visitor) with the
 * first and last time the visitor was active that week. Retention cohorts read these rows instead of raw events
 * (a visitor's dozens of events a week become one row). The first and last times answer exactly whether a visitor was
 * active in a period that starts or ends mid-week (an event at or after `from` in the first week: `last_ts >= from`;
 * before `to` in the last one: `first_ts < to`). Weeks are numbered as `retentionOf`'s (Monday-based, from
 * 1970-01-01's). Existing raw events are rolled up here once.
 */
export const captureVisitorWeeks: Migration = {
  name: '037_capture_visitor_weeks',
  async up(db, dialect) {
    // SQLite: the rows are stored in their key's order (no rowid), so a cohort's rows are read from the key's b-tree
    // alone, first and last times included.
    await db.schema
      .createTable('capture_visitor_weeks')
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('week', 'bigint', (c) => c.notNull())
      .addColumn('visitor', 'text', (c) => c.notNull())
      .addColumn('first_ts', 'bigint', (c) => c.notNull())
      .addColumn('last_ts', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('capture_visitor_weeks_pk', ['scope', 'name', 'week', 'visitor'])
      .$call((b) => (dialect === 'sqlite' ? b.modifyEnd(sql`without rowid`) : b))
      .execute();
    await rollUpVisitorWeeks(db, 0, Number.MAX_SAFE_INTEGER);
  },
};

/**
 * Adds the weekly activity of the identified events in [from, to) to `capture_visitor_weeks` (no row of those weeks
 * may exist yet). Also used by the daily job to rebuild the week cut by the raw events' retention.
 */
export async function rollUpVisitorWeeks(db: Parameters<Migration['up']>[0], from: number, to: number) {
  const week = sql.raw('(ts / 86400000 + 3) / 7');
  for (const [prefix, column] of [
    ['app:', 'app_id'],
    ['org:', 'organization_id'],
    ['dataset:', 'dataset_id'],
  ] as const) {
    const scope = sql.raw(`'${prefix}' || ${column}`);
    const where = sql`identified = 1 and ${sql.ref(column)} is not null and ts >= ${from} and ts < ${to}`;
    await sql`insert into capture_visitor_weeks (scope, name, week, visitor, first_ts, last_ts)
        select ${scope}, '*', ${week}, visitor, min(ts), max(ts) from capture_events where ${where}
        group by ${scope}, ${week}, visitor`.execute(db);
    await sql`insert into capture_visitor_weeks (scope, name, week, visitor, first_ts, last_ts)
        select ${scope}, name, ${week}, visitor, min(ts), max(ts) from capture_events where ${where}
        group by ${scope}, name, ${week}, visitor`.execute(db);
  }
}
