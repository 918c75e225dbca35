import { CompiledQuery, sql, type Kysely, type Insertable } from 'kysely';
import type { CaptureEventsTable, CaptureRollupsTable, CaptureVisitorWeeksTable, Database } from '../../db/schema.js';
import { readJson } from '../../db/database.js';
import { rollUpVisitorWeeks } from '../../db/migrations/037_capture_visitor_weeks.js';
import { weekOfTs } from './rollups.js';

type Db = Kysely<Database>;
const DAY = 86_400_000;

export type CaptureEventRow = Insertable<CaptureEventsTable>;
export type RollupRow = Insertable<CaptureRollupsTable>;

/** What a dashboard reads: the events of one app, organization or dataset. */
export type Scope = { appId: string } | { organizationId: string } | { datasetId: string };

export const scopeKey = (s: Scope) =>
  'appId' in s ? `app:${s.appId}` : 'organizationId' in s ? `org:${s.organizationId}` : `dataset:${s.datasetId}`;

/** The column of `capture_events` a scope filters on, and its value. */
export const scopeColumn = (s: Scope): { column: 'app_id' | 'organization_id' | 'dataset_id'; value: string } =>
  'appId' in s
    ? { column: 'app_id', value: s.appId }
    : 'organizationId' in s
      ? { column: 'organization_id', value: s.organizationId }
      : { column: 'dataset_id', value: s.datasetId };

// Events are inserted in chunks that stay under both dialects' bound-parameter limits (15 columns × 500).
const INSERT_CHUNK = 500;

const EVENT_COLUMNS = [
  ['source', 'source'],
  ['uuid', 'uuid'],
  ['app_id', 'appId'],
  ['organization_id', 'organizationId'],
  ['dataset_id', 'datasetId'],
  ['name', 'name'],
  ['ts', 'ts'],
  ['received_at', 'receivedAt'],
  ['visitor', 'visitor'],
  ['identified', 'identified'],
  ['path', 'path'],
  ['referrer', 'referrer'],
  ['country', 'country'],
  ['flags', 'flags'],
  ['properties', 'properties'],
] as const;

/**
 * The hot path's SQL text, one per (dialect, rows): built once and cached, so a batch costs binding its values and
 * running one statement (Kysely's query builder would build and compile 1,500 value nodes per batch of 100).
 */
const insertTexts = new Map<string, string>();
function insertText(dialect: 'sqlite' | 'postgres', n: number, uuids: boolean) {
  const key = `${dialect}:${n}:${uuids}`;
  let text = insertTexts.get(key);
  if (!text) {
    const width = EVENT_COLUMNS.length;
    const rows = Array.from({ length: n }, (_, r) =>
      dialect === 'postgres'
        ? `(${EVENT_COLUMNS.map((_c, c) => `$${r * width + c + 1}`).join(',')})`
        : `(${EVENT_COLUMNS.map(() => '?').join(',')})`,
    );
    text =
      `insert into capture_events (${EVENT_COLUMNS.map(([c]) => c).join(',')}) values ${rows.join(',')}` +
      (uuids ? ' on conflict (source, uuid) where uuid is not null do nothing returning uuid' : '');
    if (insertTexts.size > 2000) insertTexts.clear();
    insertTexts.set(key, text);
  }
  return text;
}

/** Dimensions of the daily rollups; `*` counts every event (value `*`). */
export type Dimension = '*' | 'name' | 'path' | 'referrer' | 'country' | 'dataset';
export type DimRollupRow = {
  scope: string;
  dim: Dimension;
  day: number;
  value: string;
  events: number;
  visitors: number;
};
/** An identified visitor's activity in a week (`capture_visitor_weeks`), per scope and event name (`*`: any). */
export type VisitorWeekRow = CaptureVisitorWeeksTable;
/** A visitor counted for a (bucket, scope, dimension, value); hourly pairs have the dimension `h:<dim>`. */
export type DimVisitorRow = { day: number; scope: string; dim: string; value: string; visitor: string };

/**
 * `insert into <table> (<columns>) values (…),(…) <tail>` for `n` rows, built once per (dialect, table, n) and cached:
 * on the hot path a statement costs binding its values (Kysely's builder would build and compile a node per value).
 */
const rowsTexts = new Map<string, string>();
function rowsText(dialect: 'sqlite' | 'postgres', table: string, columns: readonly string[], n: number, tail: string) {
  const key = `${dialect}:${table}:${n}:${tail}`;
  let text = rowsTexts.get(key);
  if (!text) {
    const width = columns.length;
    const rows = Array.from({ length: n }, (_, r) =>
      dialect === 'postgres'
        ? `(${columns.map((_c, c) => `$${r * width + c + 1}`).join(',')})`
        : `(${columns.map(() => '?').join(',')})`,
    );
    text = `insert into ${table} (${columns.join(',')}) values ${rows.join(',')} ${tail}`;
    if (rowsTexts.size > 4000) rowsTexts.clear();
    rowsTexts.set(key, text);
  }
  return text;
}
const claimTail = 'on conflict (source, batch_id) do nothing returning batch_id';
const setResultText = {
  postgres: 'update capture_batches set result = $1 where source = $2 and batch_id = $3',
  sqlite: 'update capture_batches set result = ? where source = ? and batch_id = ?',
};
const rollupTail =
  'on conflict (scope, grain, bucket, name) do update set count = capture_rollups.count + excluded.count';
const dimTail =
  'on conflict (scope, dim, day, value) do update set events = capture_dim_rollups.events + excluded.events, ' +
  'visitors = capture_dim_rollups.visitors + excluded.visitors';
const hourTail =
  'on conflict (scope, dim, hour, value) do update set events = capture_dim_hours.events + excluded.events, ' +
  'visitors = capture_dim_hours.visitors + excluded.visitors';
/** A visitor's week met again widens its first and last times (SQLite's min/max of two values are PostgreSQL's least/greatest). */
const widenWeek = (lower: string, upper: string) =>
  `on conflict (scope, name, week, visitor) do update set first_ts = ${lower}(capture_visitor_weeks.first_ts, ` +
  `excluded.first_ts), last_ts = ${upper}(capture_visitor_weeks.last_ts, excluded.last_ts)`;
const weekTail = { sqlite: widenWeek('min', 'max'), postgres: widenWeek('least', 'greatest') };
const WEEK_COLUMNS = ['scope', 'name', 'week', 'visitor', 'first_ts', 'last_ts'] as const;
const seenTail = 'on conflict do nothing returning day, scope, dim, value, visitor';
const ROLLUP_COLUMNS = ['scope', 'grain', 'bucket', 'name', 'count'] as const;
const DIM_COLUMNS = ['scope', 'dim', 'day', 'value', 'events', 'visitors'] as const;
const HOUR_COLUMNS = ['scope', 'dim', 'hour', 'value', 'events', 'visitors'] as const;
const SEEN_COLUMNS = ['day', 'scope', 'dim', 'value', 'visitor'] as const;
// Rows per statement: under both dialects' bound-parameter limits.
const ROWS_PER_STATEMENT = 1024;
/**
 * Splits `rows` into chunks of power-of-two sizes (1,024 at most: 37 rows are 32 + 4 + 1), so that the statements
 * of any number of rows are a dozen texts prepared once, where a text per count would be prepared again and again.
 */
function* chunksOf<T>(rows: T[]): Generator<T[]> {
  let i = 0;
  while (i < rows.length) {
    const left = rows.length - i;
    const n = left >= ROWS_PER_STATEMENT ? ROWS_PER_STATEMENT : 2 ** Math.floor(Math.log2(left));
    yield rows.slice(i, i + n);
    i += n;
  }
}

/** The only place with capture SQL. */
export function createCaptureStore(dialect: 'sqlite' | 'postgres') {
  // The SQLite connection's own synchronous level, read once (nothing else changes it).
  let level: number | undefined;
  const inScope = (s: Scope) => (qb: Db) => {
    const base = qb.selectFrom('captureEvents');
    if ('appId' in s) return base.where('appId', '=', s.appId);
    if ('organizationId' in s) return base.where('organizationId', '=', s.organizationId);
    return base.where('datasetId', '=', s.datasetId);
  };
  return {
    /**
     * For a bulk load into an empty SQLite database (the benchmark's loader): drops the raw events' secondary
     * indexes and answers a function that builds them again, which is faster than keeping them up to date.
     */
    async dropEventIndexes(db: Db): Promise<() => Promise<void>> {
      const indexes = (
        await sql<{ name: string; sql: string | null }>`select name, sql from sqlite_master
          where type = 'index' and tbl_name = 'capture_events' and sql is not null`.execute(db)
      ).rows;
      for (const index of indexes) await sql.raw(`drop index "${index.name}"`).execute(db);
      return async () => {
        for (const index of indexes) await sql.raw(index.sql!).execute(db);
      };
    },
    async insertKey(db: Db, row: Insertable<Database['captureKeys']>) {
      await db.insertInto('captureKeys').values(row).execute();
    },
    async keyBySecret(db: Db, key: string) {
      const row = await db.selectFrom('captureKeys').selectAll().where('key', '=', key).executeTakeFirst();
      return row && { ...row, origins: readJson<string[]>(row.origins) };
    },
    async listKeys(db: Db, appId: string) {
      const rows = await db
        .selectFrom('captureKeys')
        .selectAll()
        .where('appId', '=', appId)
        .orderBy('createdAt')
        .execute();
      return rows.map((r) => ({ ...r, origins: readJson<string[]>(r.origins) }));
    },
    async revokeKey(db: Db, appId: string, id: string, at: string) {
      const r = await db
        .updateTable('captureKeys')
        .set({ revokedAt: at })
        .where('id', '=', id)
        .where('appId', '=', appId)
        .where('revokedAt', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    /** The salt of `day`, created by whoever asks first (concurrent creators agree on the first one written). */
    async saltOf(db: Db, day: string, fresh: string): Promise<string> {
      await db
        .insertInto('captureSalts')
        .values({ day, salt: fresh })
        .onConflict((oc) => oc.doNothing())
        .execute();
      const row = await db.selectFrom('captureSalts').select('salt').where('day', '=', day).executeTakeFirstOrThrow();
      return row.salt;
    },
    /** Destroys every salt of a day before `day`: yesterday's visitor ids can no longer be recomputed. */
    async deleteSaltsBefore(db: Db, day: string) {
      const r = await db.deleteFrom('captureSalts').where('day', '<', day).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    async saltDays(db: Db) {
      return (await db.selectFrom('captureSalts').select('day').orderBy('day').execute()).map((r) => r.day);
    },

    /**
     * Claims a batch id for `source`, with its result when already known (else set by `setBatchResult` in the same
     * transaction); false when it was already received (a retry).
     */
    async claimBatch(db: Db, source: string, batchId: string, at: number, result?: unknown) {
      const out = await db.executeQuery<{ batchId: string }>(
        CompiledQuery.raw(
          rowsText(dialect, 'capture_batches', ['source', 'batch_id', 'received_at', 'result'], 1, claimTail),
          [source, batchId, at, result === undefined ? '{}' : JSON.stringify(result)],
        ),
      );
      return out.rows.length > 0;
    },
    async batchResult<T>(db: Db, source: string, batchId: string): Promise<T | undefined> {
      const row = await db
        .selectFrom('captureBatches')
        .select('result')
        .where('source', '=', source)
        .where('batchId', '=', batchId)
        .executeTakeFirst();
      return row ? readJson<T>(row.result) : undefined;
    },
    async setBatchResult(db: Db, source: string, batchId: string, result: unknown) {
      await db.executeQuery(CompiledQuery.raw(setResultText[dialect], [JSON.stringify(result), source, batchId]));
    },

    /**
     * Runs `work` (which commits a transaction) so that its commit is durable when it returns, power loss included.
     * SQLite: the connection runs WAL with synchronous=NORMAL, where a commit survives a killed process but may roll
     * back on power loss; the commit runs with synchronous=FULL (the WAL is synced at commit), then the connection's
     * own level is restored. PostgreSQL: `work` sets synchronous_commit on in its transaction (`durableInTransaction`).
     */
    async durably<T>(db: Db, work: () => Promise<T>): Promise<T> {
      if (dialect !== 'sqlite') return work();
      level ??= (await sql<{ synchronous: number }>`pragma synchronous`.execute(db)).rows[0]?.synchronous ?? 1;
      if (level >= 2) return work();
      await sql`pragma synchronous = FULL`.execute(db);
      try {
        return await work();
      } finally {
        await sql.raw(`pragma synchronous = ${Number(level)}`).execute(db);
      }
    },
    async durableInTransaction(trx: Db) {
      if (dialect === 'postgres') await sql`set local synchronous_commit to on`.execute(trx);
    },

    /**
     * Inserts events; returns those actually inserted: an event whose uuid is already stored for its source (or
     * repeated in `rows`) is skipped; an event without a uuid is always inserted.
     */
    async insertEvents(db: Db, rows: CaptureEventRow[]): Promise<CaptureEventRow[]> {
      const inserted: CaptureEventRow[] = [];
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        const chunk = rows.slice(i, i + INSERT_CHUNK);
        const params: unknown[] = [];
        for (const row of chunk) for (const [, k] of EVENT_COLUMNS) params.push(row[k] ?? null);
        // Without any uuid nothing can conflict: a plain insert, no rows to send back.
        if (chunk.every((row) => row.uuid == null)) {
          await db.executeQuery(CompiledQuery.raw(insertText(dialect, chunk.length, false), params));
          for (const row of chunk) inserted.push(row);
          continue;
        }
        const out = await db.executeQuery<{ uuid: string | null }>(
          CompiledQuery.raw(insertText(dialect, chunk.length, true), params),
        );
        const returned = new Set<string>();
        for (const r of out.rows) if (r.uuid !== null) returned.add(r.uuid);
        for (const row of chunk) if (row.uuid == null || returned.delete(row.uuid)) inserted.push(row);
      }
      return inserted;
    },
    /** Adds counts to the rollups; `rows` must not repeat a key (aggregate first). */
    async addRollups(db: Db, rows: RollupRow[]) {
      for (const chunk of chunksOf(rows)) {
        const params: unknown[] = [];
        for (const r of chunk) params.push(r.scope, r.grain, r.bucket, r.name, r.count);
        await db.executeQuery(
          CompiledQuery.raw(rowsText(dialect, 'capture_rollups', ROLLUP_COLUMNS, chunk.length, rollupTail), params),
        );
      }
    },

    /**
     * Records which visitors were seen per (day, scope, dimension, value); returns the keys
     * `day\0scope\0dim\0value\0visitor` of those not seen before (each adds one visitor to its rollup).
     */
    async markSeen(db: Db, rows: DimVisitorRow[]): Promise<DimVisitorRow[]> {
      const fresh: DimVisitorRow[] = [];
      for (const chunk of chunksOf(rows)) {
        const params: unknown[] = [];
        for (const r of chunk) params.push(r.day, r.scope, r.dim, r.value, r.visitor);
        const out = await db.executeQuery<{
          day: number | string;
          scope: string;
          dim: Dimension;
          value: string;
          visitor: string;
        }>(CompiledQuery.raw(rowsText(dialect, 'capture_dim_visitors', SEEN_COLUMNS, chunk.length, seenTail), params));
        for (const r of out.rows) fresh.push({ ...r, day: Number(r.day) });
      }
      return fresh;
    },
    /**
     * Adds events and visitors to the per-dimension daily rollups (or hourly ones, `row.day` then the hour's start);
     * `rows` must not repeat a key.
     */
    async addDimRollups(db: Db, grain: 'day' | 'hour', rows: DimRollupRow[]) {
      const [table, columns, tail] =
        grain === 'day'
          ? (['capture_dim_rollups', DIM_COLUMNS, dimTail] as const)
          : (['capture_dim_hours', HOUR_COLUMNS, hourTail] as const);
      for (const chunk of chunksOf(rows)) {
        const params: unknown[] = [];
        for (const r of chunk) params.push(r.scope, r.dim, r.day, r.value, r.events, r.visitors);
        await db.executeQuery(CompiledQuery.raw(rowsText(dialect, table, columns, chunk.length, tail), params));
      }
    },
    /** Widens the weekly activity of identified visitors by `rows` (`rows` must not repeat a key). */
    async addVisitorWeeks(db: Db, rows: VisitorWeekRow[]) {
      for (const chunk of chunksOf(rows)) {
        const params: unknown[] = [];
        for (const r of chunk) params.push(r.scope, r.name, r.week, r.visitor, r.firstTs, r.lastTs);
        await db.executeQuery(
          CompiledQuery.raw(
            rowsText(dialect, 'capture_visitor_weeks', WEEK_COLUMNS, chunk.length, weekTail[dialect]),
            params,
          ),
        );
      }
    },
    /**
     * After raw events before `ts` were deleted: forgets the weeks before `ts`'s and rebuilds `ts`'s week from the raw
     * events left, so that the weekly activity stays that of the raw events (its first times included).
     */
    async trimVisitorWeeks(db: Db, ts: number) {
      const week = weekOfTs(ts);
      await db.deleteFrom('captureVisitorWeeks').where('week', '<=', week).execute();
      await rollUpVisitorWeeks(db, (week * 7 - 3) * DAY, ((week + 1) * 7 - 3) * DAY);
    },
    async deleteDimHoursBefore(db: Db, hour: number) {
      await db.deleteFrom('captureDimHours').where('hour', '<', hour).execute();
    },
    async deleteSeenBefore(db: Db, day: number) {
      await db.deleteFrom('captureDimVisitors').where('day', '<', day).execute();
    },

    /**
     * The most frequent values of a dimension over whole UTC days [from, to) from the daily rollups, or over whole
     * hours from the hourly ones.
     */
    async dimTop(db: Db, scope: Scope, grain: 'day' | 'hour', dim: Dimension, from: number, to: number, limit: number) {
      // The daily and hourly tables differ only by their name and their bucket's column.
      const [table, bucket] =
        grain === 'day' ? (['captureDimRollups', 'day'] as const) : (['captureDimHours', 'hour'] as const);
      const rows = await db
        .selectFrom(table)
        .select((eb) => [
          'value',
          eb.fn.sum<number | string>('events').as('count'),
          eb.fn.sum<number | string>('visitors').as('visitors'),
        ])
        .where('scope', '=', scopeKey(scope))
        .where('dim', '=', dim)
        .where(bucket, '>=', from)
        .where(bucket, '<', to)
        .groupBy('value')
        .orderBy(sql`sum(events)`, 'desc')
        .orderBy('value')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ value: String(r.value), count: Number(r.count), visitors: Number(r.visitors) }));
    },

    async hasEvents(db: Db): Promise<boolean> {
      return (await db.selectFrom('captureEvents').select('ts').limit(1).executeTakeFirst()) !== undefined;
    },
    async deleteEventsBefore(db: Db, ts: number) {
      const r = await db.deleteFrom('captureEvents').where('ts', '<', ts).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    async deleteBatchesBefore(db: Db, at: number) {
      await db.deleteFrom('captureBatches').where('receivedAt', '<', at).execute();
    },
    async deleteRollupsBefore(db: Db, grain: 'minute' | 'hour', bucket: number) {
      await db.deleteFrom('captureRollups').where('grain', '=', grain).where('bucket', '<', bucket).execute();
    },

    /** How many events of each name an app captured since a time (epoch ms): the event-rate guardrail's input. */
    async countsByName(db: Db, appId: string, names: string[], from: number): Promise<Record<string, number>> {
      if (!names.length) return {};
      const rows = await db
        .selectFrom('captureEvents')
        .select((eb) => ['name', eb.fn.countAll<number | string>().as('count')])
        .where('appId', '=', appId)
        .where('ts', '>=', from)
        .where('name', 'in', names)
        .groupBy('name')
        .execute();
      return Object.fromEntries(rows.map((r) => [r.name, Number(r.count)]));
    },

    /** Counts per bucket from the rollups, for one scope and grain, every event name or one. */
    async series(db: Db, scope: Scope, grain: 'minute' | 'hour' | 'day', from: number, to: number, name?: string) {
      let q = db
        .selectFrom('captureRollups')
        .select(['bucket', 'name', 'count'])
        .where('scope', '=', scopeKey(scope))
        .where('grain', '=', grain)
        .where('bucket', '>=', from)
        .where('bucket', '<', to);
      if (name) q = q.where('name', '=', name);
      const rows = await q.orderBy('bucket').execute();
      return rows.map((r) => ({ bucket: Number(r.bucket), name: r.name, count: Number(r.count) }));
    },

    /** The most frequent values of a column over a period (raw events), with the number of distinct visitors. */
    async top(
      db: Db,
      scope: Scope,
      column: 'path' | 'referrer' | 'country' | 'datasetId' | 'name',
      from: number,
      to: number,
      limit: number,
      name?: string,
    ) {
      let q = inScope(scope)(db)
        .select((eb) => [
          eb.ref(column).as('value'),
          eb.fn.countAll<number | string>().as('count'),
          eb.fn.count<number | string>('visitor').distinct().as('visitors'),
        ])
        .where('ts', '>=', from)
        .where('ts', '<', to)
        .where(column, 'is not', null);
      if (name) q = q.where('name', '=', name);
      const rows = await q
        .groupBy(column)
        .orderBy(sql`count(*)`, 'desc')
        .orderBy(column)
        .limit(limit)
        .execute();
      return rows.map((r) => ({ value: String(r.value), count: Number(r.count), visitors: Number(r.visitors) }));
    },

    /**
     * The input of a funnel over the distinct step names `names` (in the steps' order) in [from, to): how many visitors
     * have an event of the first step, and the (visitor, name, ts) of the steps' events of only those visitors who
     * have both an event of the first step and one of the second (no other visitor can go past the first step),
     * ordered by visitor, time and step; bounded. A funnel of one step reads no events.
     */
    async funnelInput(db: Db, scope: Scope, steps: string[], from: number, to: number, limit: number) {
      const names = [...new Set(steps)];
      const visitorsOf = (name: string) =>
        inScope(scope)(db).select('visitor').where('name', '=', name).where('ts', '>=', from).where('ts', '<', to);
      const [first, second] = steps as [string, string | undefined];
      const [starters, rows] = await Promise.all([
        inScope(scope)(db)
          .select((eb) => eb.fn.count<number | string>('visitor').distinct().as('n'))
          .where('name', '=', first)
          .where('ts', '>=', from)
          .where('ts', '<', to)
          .executeTakeFirstOrThrow(),
        second === undefined
          ? []
          : inScope(scope)(db)
              .select(['visitor', 'name', 'ts'])
              .where('name', 'in', names)
              .where('ts', '>=', from)
              .where('ts', '<', to)
              .where('visitor', 'in', visitorsOf(first).intersect(visitorsOf(second)))
              .orderBy('visitor')
              .orderBy('ts')
              // Events at the same time in the order of `names` (the steps'), not the index's.
              .orderBy(
                sql`case ${sql.join(
                  names.map((n, i) => sql`when name = ${n} then ${i}`),
                  sql` `,
                )} end`,
              )
              .limit(limit)
              .execute(),
      ]);
      return {
        starters: Number(starters.n),
        rows: rows.map((r) => ({ visitor: r.visitor, name: r.name, ts: Number(r.ts) })),
      };
    },

    /**
     * Weekly retention cohorts of identified visitors, counted in the database: per (first week, weeks after it), how
     * many visitors were active that week. Weeks are `retentionOf`'s (Monday-based, numbered from 1970-01-01's).
     * Read from `capture_visitor_weeks` (one row per visitor and week), or from raw events within a single week.
     */
    async cohorts(db: Db, scope: Scope, from: number, to: number, name?: string) {
      const [first, last] = [weekOfTs(from), weekOfTs(to - 1)];
      let rows: Array<{ first: number | string; n: number | string; units: number | string }>;
      if (first < last) {
        // From the weekly activity: a visitor is active in the first (last) week of the period if it was active at or
        // after `from` (before `to`) that week, which its last (first) time that week tells.
        rows = (
          await sql<{ first: number | string; n: number | string; units: number | string }>`
          select first, week - first as n, count(*) as units from (
            select week, min(week) over (partition by visitor) as first from capture_visitor_weeks
            where scope = ${scopeKey(scope)} and name = ${name ?? '*'} and week >= ${first} and week <= ${last}
              and (week > ${first} or last_ts >= ${from}) and (week < ${last} or first_ts < ${to})
          ) as weeks
          group by first, week - first
          order by first, n`.execute(db)
        ).rows;
      } else {
        // Within one week: the period's ends are both inside it, read from raw events (a week's at most).
        const { column, value } = scopeColumn(scope);
        rows = (
          await sql<{ first: number | string; n: number | string; units: number | string }>`
          select ${first} as first, 0 as n, count(distinct visitor) as units from capture_events
          where ${sql.ref(column)} = ${value} and identified = 1 and ts >= ${from} and ts < ${to}
          ${name === undefined ? sql`` : sql`and name = ${name}`}`.execute(db)
        ).rows.filter((r) => Number(r.units) > 0);
      }
      return rows.map((r) => ({ first: Number(r.first), n: Number(r.n), units: Number(r.units) }));
    },

    /** Events of the given units (experiment metrics): name, unit, time and one numeric property. */
    async unitEvents(db: Db, appId: string, names: string[], units: string[], from: number) {
      const out: Array<{ visitor: string; name: string; ts: number; properties: Record<string, unknown> | null }> = [];
      for (let i = 0; i < units.length; i += 500) {
        const rows = await db
          .selectFrom('captureEvents')
          .select(['visitor', 'name', 'ts', 'properties'])
          .where('appId', '=', appId)
          .where('identified', '=', 1)
          .where('name', 'in', names)
          .where('ts', '>=', from)
          .where('visitor', 'in', units.slice(i, i + 500))
          .execute();
        for (const r of rows)
          out.push({
            visitor: r.visitor,
            name: r.name,
            ts: Number(r.ts),
            properties: r.properties === null ? null : readJson<Record<string, unknown>>(r.properties),
          });
      }
      return out;
    },
  };
}
export type CaptureStore = ReturnType<typeof createCaptureStore>;
