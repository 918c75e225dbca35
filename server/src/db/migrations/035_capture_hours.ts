import { sql } from 'kysely';
import type { Migration } from './types.js';

/**
 * Per-dimension hourly rollups of captured events (issue 14): as `capture_dim_rollups` (033) but per UTC hour, so a
 * dashboard over less than two days (the last 24 hours…) reads at most 48 rows per value instead of raw events.
 * Visitors are distinct per hour; the visitors already counted for an hour are remembered in `capture_dim_visitors`
 * under the dimension `h:<dim>` with the hour's start in `day` (kept, then forgotten, as the daily ones).
 * Existing raw events are rolled up here once.
 *
 * Funnels and retention still read raw events: the (scope, time) indexes become (scope, name, time, visitor), so a
 * funnel reads only its steps' events, from the index alone; and identified events, the only ones retention reads,
 * get a partial (scope, time, visitor) index of their own (cookieless events, most of them, pay nothing for it).
 */
export const captureHours: Migration = {
  name: '035_capture_hours',
  async up(db) {
    await db.schema
      .createTable('capture_dim_hours')
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('dim', 'text', (c) => c.notNull())
      .addColumn('hour', 'bigint', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('events', 'bigint', (c) => c.notNull())
      .addColumn('visitors', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('capture_dim_hours_pk', ['scope', 'dim', 'hour', 'value'])
      .execute();
    await rollUpHours(db, Date.now());

    for (const [scope, column] of [
      ['app', 'app_id'],
      ['org', 'organization_id'],
    ] as const) {
      await db.schema.dropIndex(`capture_events_${scope}_ts`).ifExists().execute();
      await db.schema
        .createIndex(`capture_events_${scope}_name_ts`)
        .on('capture_events')
        .columns([column, 'name', 'ts', 'visitor'])
        .execute();
      await db.schema
        .createIndex(`capture_events_${scope}_identified`)
        .on('capture_events')
        .columns([column, 'ts', 'visitor'])
        .where(sql.ref('identified'), '=', 1)
        .execute();
    }
  },
};

/**
 * Fills the hourly per-dimension rollups from the raw events, and the visitors already counted for the hours after
 * `now` − 8 days (events up to 7 days in the past are still accepted). Also used by the capture benchmark.
 */
export async function rollUpHours(db: Parameters<Migration['up']>[0], now: number) {
  const scopes = [
    ['app:', 'app_id'],
    ['org:', 'organization_id'],
    ['dataset:', 'dataset_id'],
  ] as const;
  const dims = [
    ['*', `'*'`],
    ['name', 'name'],
    ['path', 'path'],
    ['referrer', 'referrer'],
    ['country', 'country'],
    ['dataset', 'dataset_id'],
  ] as const;
  const hour = sql.raw('(ts / 3600000) * 3600000');
  for (const [prefix, column] of scopes)
    for (const [dim, value] of dims) {
      const scope = sql.raw(`'${prefix}' || ${column}`);
      const v = sql.raw(value);
      const notNull = sql.raw(`${column} is not null and ${value} is not null`);
      await sql`insert into capture_dim_hours (scope, dim, hour, value, events, visitors)
          select ${scope}, ${dim}, ${hour}, ${v}, count(*), count(distinct visitor)
          from capture_events where ${notNull}
          group by ${scope}, ${hour}${dim === '*' ? sql`` : sql`, ${v}`}`.execute(db);
      await sql`insert into capture_dim_visitors (day, scope, dim, value, visitor)
          select distinct ${hour}, ${scope}, ${'h:' + dim}, ${v}, visitor
          from capture_events where ${notNull} and ts >= ${now - 8 * 86_400_000}`.execute(db);
    }
}
