import { sql } from 'kysely';
import { columnTypes, type Migration } from './types.js';

const EVENT_INDEXES = [
  ['capture_events_app_ts', ['app_id', 'ts']],
  ['capture_events_org_ts', ['organization_id', 'ts']],
  ['capture_events_ts', ['ts']],
] as const;

/**
 * An event's uuid is only kept when the sender gave one (or for platform events, the domain event's id): unique per
 * source (a partial unique index: `on conflict (source, uuid) where uuid is not null`), null otherwise. A batch is already idempotent by its id, so an event without a uuid needs no key of its own;
 * and a random key per event was the dearest part of an insert (every event wrote a random page of the key's index,
 * where null keys are appended). SQLite cannot drop a primary key: the table is rebuilt.
 */
async function uuidsOnlyWhenGiven(db: Parameters<Migration['up']>[0], dialect: Parameters<Migration['up']>[1]) {
  if (dialect === 'postgres') {
    await db.schema.alterTable('capture_events').dropConstraint('capture_events_pk').execute();
    await db.schema
      .alterTable('capture_events')
      .alterColumn('uuid', (c) => c.dropNotNull())
      .execute();
  } else {
    const t = columnTypes(dialect);
    await db.schema
      .createTable('capture_events_033')
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('uuid', 'text')
      .addColumn('app_id', 'text')
      .addColumn('organization_id', 'text')
      .addColumn('dataset_id', 'text')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('ts', 'bigint', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addColumn('visitor', 'text', (c) => c.notNull())
      .addColumn('identified', 'integer', (c) => c.notNull())
      .addColumn('path', 'text')
      .addColumn('referrer', 'text')
      .addColumn('country', 'text')
      .addColumn('flags', 'text')
      .addColumn('properties', t.json)
      .execute();
    const columns =
      'source, uuid, app_id, organization_id, dataset_id, name, ts, received_at, visitor, identified, path, ' +
      'referrer, country, flags, properties';
    await sql.raw(`insert into capture_events_033 (${columns}) select ${columns} from capture_events`).execute(db);
    await db.schema.dropTable('capture_events').execute();
    await db.schema.alterTable('capture_events_033').renameTo('capture_events').execute();
    for (const [name, columns] of EVENT_INDEXES)
      await db.schema
        .createIndex(name)
        .on('capture_events')
        .columns([...columns])
        .execute();
  }
  // Only events that have a uuid or a dataset are indexed on it: most have neither, and every index costs an insert.
  await db.schema
    .createIndex('capture_events_source_uuid')
    .on('capture_events')
    .columns(['source', 'uuid'])
    .unique()
    .where(sql.ref('uuid'), 'is not', null)
    .execute();
  await db.schema.dropIndex('capture_events_ds_ts').ifExists().execute();
  await db.schema
    .createIndex('capture_events_ds_ts')
    .on('capture_events')
    .columns(['dataset_id', 'ts'])
    .where(sql.ref('dataset_id'), 'is not', null)
    .execute();
}

/**
 * Per-dimension daily rollups of captured events (issue 14, item 6): for each scope (app:, org:, dataset:), UTC day,
 * dimension (`*` for every event, then name, path, referrer, country, dataset) and value, the number of events and of
 * distinct visitors that day. A 30-day dashboard reads ~30 rows per value instead of every raw event.
 * `capture_dim_visitors` remembers which visitor was already counted for a (day, scope, dimension, value): it is only
 * needed while events of that day can still arrive (7 days back), and the daily job deletes older days.
 * Existing raw events are rolled up here once, so dashboards over past days keep their numbers.
 */
export const captureDimensions: Migration = {
  name: '033_capture_dimensions',
  async up(db, dialect) {
    await uuidsOnlyWhenGiven(db, dialect);
    await db.schema
      .createTable('capture_dim_rollups')
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('dim', 'text', (c) => c.notNull())
      .addColumn('day', 'bigint', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('events', 'bigint', (c) => c.notNull())
      .addColumn('visitors', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('capture_dim_rollups_pk', ['scope', 'dim', 'day', 'value'])
      .execute();
    let visitors = db.schema
      .createTable('capture_dim_visitors')
      .addColumn('day', 'bigint', (c) => c.notNull())
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('dim', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('visitor', 'text', (c) => c.notNull())
      // Keyed by visitor first: the pairs of one batch (usually one visitor) land on one or two pages.
      .addPrimaryKeyConstraint('capture_dim_visitors_pk', ['day', 'visitor', 'scope', 'dim', 'value']);
    // On SQLite the key is the table: no second copy of every row in a separate index.
    if (dialect === 'sqlite') visitors = visitors.modifyEnd(sql`without rowid`);
    await visitors.execute();

    await rollUpDimensions(db, Date.now());
  },
};

/**
 * Fills the per-dimension rollups from the raw events (what ingestion maintains one transaction at a time), and the
 * visitors already counted for the days after `now` − 8 days. Also used by the capture benchmark to load its data.
 */
export async function rollUpDimensions(db: Parameters<Migration['up']>[0], now: number) {
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
  for (const [prefix, column] of scopes)
    for (const [dim, value] of dims) {
      const scope = sql.raw(`'${prefix}' || ${column}`);
      const v = sql.raw(value);
      const notNull = sql.raw(`${column} is not null and ${value} is not null`);
      await sql`insert into capture_dim_rollups (scope, dim, day, value, events, visitors)
          select ${scope}, ${dim}, (ts / 86400000) * 86400000, ${v}, count(*), count(distinct visitor)
          from capture_events where ${notNull}
          group by ${scope}, (ts / 86400000) * 86400000${dim === '*' ? sql`` : sql`, ${v}`}`.execute(db);
      // Visitors already counted for the days that can still receive events (clamped at 7 days in the past).
      await sql`insert into capture_dim_visitors (day, scope, dim, value, visitor)
          select distinct (ts / 86400000) * 86400000, ${scope}, ${dim}, ${v}, visitor
          from capture_events where ${notNull} and ts >= ${now - 8 * 86_400_000}`.execute(db);
    }
}
