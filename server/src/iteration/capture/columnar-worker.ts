/**
 * The columnar copy of captured events (columnar.ts has the contract): one worker thread that owns both a read-only
 * connection to the SQLite file and the DuckDB file of the copy, so that neither the copying nor a funnel ever runs
 * on the event loop. This module is the copy's store: its SQL (SQLite's reads, DuckDB's tables) lives here.
 *
 * Tables (DuckDB):
 * - `events`: compacted, sorted by (UTC day, name, time) so that DuckDB's per-row-group min/max skip what a funnel
 *   does not read (its step names, its period): a 30-day funnel over 10M events reads ~12 % of them.
 * - `recent`: what the last syncs appended, in arrival order; moved, sorted, into `events` once large.
 * - `dict`: names and scope ids (app, organization, dataset) as integers: filters on them are integer comparisons,
 *   ~3× faster than on the strings over 10M rows, and the sort by name prunes better.
 * - `meta`: the SQLite rowid copied up to (the watermark: SQLite has one writer, so rowids commit in order), that
 *   row's time and visitor, and the DuckDB version that computed the visitor hashes (another version may hash
 *   differently). When the row at the watermark is gone or is another event (the table was emptied, so SQLite
 *   reuses rowids, or rebuilt by a migration), or the version differs, the copy starts again from nothing.
 * Rows and watermark change in one DuckDB transaction: a crash loses neither nor copies a row twice.
 *
 * Messages in: {id, op: 'sync' | 'funnel' | 'deleteBefore' | 'status' | 'close', …} and {op: 'cancel', target}.
 * Out: {id, result} or {id, error: {message, code?}}.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { constants, setPriority } from 'node:os';
import { readdirSync, rmSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import Database from 'better-sqlite3';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DuckDBInstance } from '@duckdb/node-api';

try {
  setPriority(constants.priority.PRIORITY_BELOW_NORMAL);
} catch {
  // not permitted here: same priority as the rest
}

export interface ColumnarWorkerData {
  sqliteFile: string;
  duckFile: string;
  threads: number;
  memoryLimitMb: number;
}

export interface FunnelRequest {
  column: 'app_id' | 'organization_id' | 'dataset_id';
  value: string;
  steps: string[];
  from: number;
  to: number;
  windowMs: number;
  deadline?: number;
}

export interface CopyStatus {
  /** Rows of the SQLite table not yet in the copy. */
  behind: number;
  /** The SQLite rowid copied up to. */
  watermark: number;
  building: boolean;
}

const DAY = 86_400_000;
/** Rows read from SQLite per step of a sync; a step of this size goes straight, sorted, into `events`. */
const CHUNK = 200_000;
/** `recent` is compacted into `events` from this size on. */
const COMPACT_AT = 250_000;
/** A funnel waits for a sync of at most this many rows; further behind (a first build), the row path answers. */
const MAX_SYNC_BEFORE_QUERY = 100_000;

const { sqliteFile, duckFile, threads, memoryLimitMb } = workerData as ColumnarWorkerData;

const sqlite = new Database(sqliteFile, { readonly: true, fileMustExist: true });
sqlite.pragma('busy_timeout = 5000');
const maxRowid = sqlite.prepare('select coalesce(max(rowid), 0) as m from capture_events').pluck();
const rowAt = sqlite.prepare('select ts, visitor from capture_events where rowid = ?');
const readChunk = sqlite
  .prepare(
    'select rowid, app_id, organization_id, dataset_id, name, ts, visitor from capture_events ' +
      'where rowid > ? order by rowid limit ?',
  )
  .raw();

async function openDuck(): Promise<{ instance: DuckDBInstance; c: DuckDBConnection }> {
  const options = { threads: String(threads), memory_limit: `${memoryLimitMb}MB`, preserve_insertion_order: 'false' };
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(duckFile, options);
  } catch (error) {
    // Another process holds the file: it is that process's copy, left alone (this one reads rows).
    if (/lock/i.test(String(error))) throw error;
    // Not a DuckDB file any more (corrupt, truncated): the copy is rebuilt from the main database.
    rmSync(duckFile, { force: true });
    rmSync(`${duckFile}.wal`, { force: true });
    instance = await DuckDBInstance.create(duckFile, options);
  }
  return { instance, c: await instance.connect() };
}

/** Thread ids of this process (Linux; none elsewhere). */
function threadIds(): Set<string> {
  try {
    return new Set(readdirSync('/proc/self/task'));
  } catch {
    return new Set();
  }
}

// DuckDB starts its threads from the call that opens the database, which runs on libuv's pool (normal priority):
// they would not inherit this thread's priority. The pool exists once an asynchronous call went through it, so the
// threads that appear while the database opens are DuckDB's, lowered like this one. (A statement also runs on the
// pool thread that calls it: at most one core at normal priority, as the data copy's default leaves.)
await stat(duckFile).catch(() => undefined);
const before = threadIds();
const { instance, c } = await openDuck();
for (const tid of threadIds())
  if (!before.has(tid))
    try {
      setPriority(Number(tid), constants.priority.PRIORITY_BELOW_NORMAL);
    } catch {
      // not permitted here: same priority as the rest
    }
const TABLE = (name: string) =>
  `create table if not exists ${name} (seq bigint, app_id integer, organization_id integer, dataset_id integer, ` +
  'name integer, ts bigint, visitor ubigint)';
/** The layout of the tables: a copy made with another is rebuilt. */
const LAYOUT = 2;

async function one<T>(sql: string, params: unknown[] = []): Promise<T | undefined> {
  const reader = await c.runAndReadAll(sql, params as never);
  return reader.getRowObjectsJS()[0] as T | undefined;
}

async function createTables() {
  await c.run(TABLE('events'));
  await c.run(TABLE('recent'));
  await c.run('create table if not exists dict (id integer, value varchar)');
  await c.run(
    'create table if not exists stage (seq bigint, app_id varchar, organization_id varchar, dataset_id varchar, ' +
      'name varchar, ts bigint, visitor varchar)',
  );
  await c.run(
    'create table if not exists meta (watermark bigint, engine varchar, mark_ts bigint, mark_visitor varchar)',
  );
}

async function reset(engine: string) {
  for (const t of ['events', 'recent', 'stage', 'dict', 'meta']) await c.run(`drop table if exists ${t}`);
  await createTables();
  await c.run('insert into meta values (0, $1, null, null)', [engine] as never);
}

const engine = `${String((await one<{ v: string }>('select version() as v'))!.v)} layout ${LAYOUT}`;
await createTables();
let meta = await one<{ watermark: bigint; engine: string; mark_ts: bigint | null; mark_visitor: string | null }>(
  'select * from meta',
).catch(() => undefined);
if (!meta || meta.engine !== engine) {
  await reset(engine);
  meta = { watermark: 0n, engine, mark_ts: null, mark_visitor: null };
}
let watermark = Number(meta.watermark);
/** The event at the watermark, as copied. */
let mark = meta.mark_ts === null ? undefined : { ts: Number(meta.mark_ts), visitor: meta.mark_visitor! };
await c.run('delete from stage');
let recentRows = Number((await one<{ n: bigint }>('select count(*) as n from recent'))!.n);
let building = false;

/** `work` in one DuckDB transaction. */
async function inTransaction(work: () => Promise<void>) {
  await c.run('begin');
  try {
    await work();
    await c.run('commit');
  } catch (error) {
    await c.run('rollback');
    throw error;
  }
}

/** Copies the rows after the watermark, at most `CHUNK` of them; returns how many. */
async function copyChunk(): Promise<number> {
  if (watermark > 0) {
    const row = rowAt.get(watermark) as { ts: number; visitor: string } | undefined;
    if (!row || row.ts !== mark?.ts || row.visitor !== mark.visitor) {
      await reset(engine);
      watermark = 0;
      mark = undefined;
      recentRows = 0;
    }
  }
  const rows = readChunk.all(watermark, CHUNK) as Array<
    [number, string | null, string | null, string | null, string, number, string]
  >;
  if (!rows.length) return 0;
  const appender = await c.createAppender('stage');
  for (const [seq, app, org, dataset, name, ts, visitor] of rows) {
    appender.appendBigInt(BigInt(seq));
    if (app === null) appender.appendNull();
    else appender.appendVarchar(app);
    if (org === null) appender.appendNull();
    else appender.appendVarchar(org);
    if (dataset === null) appender.appendNull();
    else appender.appendVarchar(dataset);
    appender.appendVarchar(name);
    appender.appendBigInt(BigInt(ts));
    appender.appendVarchar(visitor);
    appender.endRow();
  }
  appender.closeSync();
  const lastRow = rows[rows.length - 1]!;
  const last = lastRow[0];
  // A big step (a first build, a long pause) is sorted straight into `events`; small ones wait in `recent`.
  const target = rows.length >= COMPACT_AT / 2 ? 'events' : 'recent';
  await inTransaction(async () => {
    await c.run(
      'insert into dict select (select coalesce(max(id), 0) from dict) + row_number() over (), value from (' +
        'select distinct value from (select name as value from stage union all select app_id from stage ' +
        'union all select organization_id from stage union all select dataset_id from stage) ' +
        'where value is not null and value not in (select value from dict))',
    );
    await c.run(
      `insert into ${target} select s.seq, a.id, o.id, d.id, n.id, s.ts, hash(s.visitor) from stage s ` +
        'join dict n on n.value = s.name left join dict a on a.value = s.app_id ' +
        'left join dict o on o.value = s.organization_id left join dict d on d.value = s.dataset_id ' +
        `order by s.ts // ${DAY}, n.id, s.ts`,
    );
    await c.run('delete from stage');
    await c.run('update meta set watermark = $1, mark_ts = $2, mark_visitor = $3', [
      BigInt(last),
      BigInt(lastRow[5]),
      lastRow[6],
    ] as never);
  });
  watermark = last;
  mark = { ts: lastRow[5], visitor: lastRow[6] };
  if (target === 'recent') recentRows += rows.length;
  return rows.length;
}

/** Moves `recent` into `events`, sorted, once it is large: per-row-group min/max then prune it too. */
async function compact() {
  if (recentRows < COMPACT_AT) return;
  await inTransaction(async () => {
    await c.run(`insert into events select * from recent order by ts // ${DAY}, name, ts`);
    await c.run('delete from recent');
  });
  recentRows = 0;
  await c.run('checkpoint');
}

/** One chunk copied, then `recent` compacted if it grew large; returns how many rows were copied. */
async function step(): Promise<number> {
  const copied = await copyChunk();
  await compact();
  return copied;
}

async function sync() {
  while ((await step()) === CHUNK);
}

/** The whole backlog, chunk by chunk, letting messages (and cancels) in between. */
function build() {
  if (building) return;
  building = true;
  void (async () => {
    try {
      while (true) {
        if ((await serial(step)) < CHUNK) break;
      }
      await serial(() => c.run('checkpoint'));
    } catch (error) {
      parentPort!.postMessage({ log: `capture copy build failed: ${String(error)}` });
    } finally {
      building = false;
    }
  })();
}

function status(): CopyStatus {
  return { behind: Math.max(0, Number(maxRowid.get()) - watermark), watermark, building };
}

/** Statements that write the copy or read it run one after another. */
let tail: Promise<unknown> = Promise.resolve();
function serial<T>(work: () => Promise<T>): Promise<T> {
  const run = tail.then(work, work);
  tail = run.catch(() => undefined);
  return run;
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * The funnel's SQL: per step k, `j{k}` holds, for each event of step k reachable in order within the window, the
 * latest start (step 0's time) that reaches it; an ASOF join finds each chain's next step as the first event after
 * it. Only the latest start per event matters: a later start leaves more of the window for the steps after.
 * Order is (time, the step name's index among the distinct names, then the row): the row path's order.
 */
function funnelSql(q: FunnelRequest, ids: Map<string, number>): string {
  const names = [...new Set(q.steps)];
  // A name or scope never seen matches nothing.
  const id = (value: string) => ids.get(value) ?? -1;
  const idx = (name: string) => names.indexOf(name);
  // Consecutive steps with one name need a strict order between two events at the same time: the row breaks ties.
  const repeats = q.steps.some((s, i) => i > 0 && q.steps[i - 1] === s);
  const ord = (name: string) =>
    repeats ? `((ts * 16 + ${idx(name)})::hugeint << 40) + seq` : `ts * 16 + ${idx(name)}`;
  const where =
    `${q.column} = ${id(q.value)} and ts >= ${q.from} and ts < ${q.to} ` + `and name in (${names.map(id).join(', ')})`;
  const ctes = [
    `e as (select seq, visitor, ts, name from events where ${where} ` +
      `union all select seq, visitor, ts, name from recent where ${where})`,
  ];
  q.steps.forEach((name, k) => {
    ctes.push(`s${k} as (select visitor, ts, ${ord(name)} as o from e where name = ${id(name)})`);
  });
  ctes.push('j0 as (select visitor, ts as t0, o from s0)');
  for (let k = 1; k < q.steps.length; k++)
    ctes.push(
      `j${k} as (select j.visitor, max(j.t0) as t0, s.o from j${k - 1} j asof join s${k} s ` +
        `on j.visitor = s.visitor and s.o > j.o where s.ts - j.t0 <= ${q.windowMs} group by j.visitor, s.o)`,
    );
  const counts = q.steps.map((_, k) => `(select count(distinct visitor) from j${k}) as r${k}`);
  return `with ${ctes.join(',\n')}\nselect ${counts.join(', ')}`;
}

let running: { id: number; connection: DuckDBConnection } | undefined;

async function funnel(id: number, q: FunnelRequest): Promise<number[] | null> {
  const s = status();
  if (s.behind > MAX_SYNC_BEFORE_QUERY) {
    build();
    return null;
  }
  return serial(async () => {
    await sync();
    const connection = await instance.connect();
    running = { id, connection };
    const timer =
      q.deadline === undefined
        ? undefined
        : setTimeout(() => connection.interrupt(), Math.max(0, q.deadline - Date.now()));
    try {
      const values = [...new Set([q.value, ...q.steps])];
      const found = await connection.runAndReadAll(
        `select id, value from dict where value in (${values.map(quote).join(', ')})`,
      );
      const ids = new Map(
        (found.getRowObjectsJS() as Array<{ id: number; value: string }>).map((r) => [r.value, r.id]),
      );
      const reader = await connection.runAndReadAll(funnelSql(q, ids));
      const row = reader.getRowObjectsJS()[0] as Record<string, bigint>;
      return q.steps.map((_, k) => Number(row[`r${k}`]));
    } finally {
      clearTimeout(timer);
      running = undefined;
      connection.closeSync();
    }
  });
}

async function deleteBefore(ts: number) {
  await serial(async () => {
    await c.run('delete from events where ts < $1', [BigInt(ts)] as never);
    await c.run('delete from recent where ts < $1', [BigInt(ts)] as never);
  });
}

type Message =
  | { id: number; op: 'sync' | 'status' | 'close' }
  | { id: number; op: 'funnel'; request: FunnelRequest }
  | { id: number; op: 'deleteBefore'; ts: number }
  | { op: 'cancel'; target: number };

parentPort!.on('message', (m: Message) => {
  if (m.op === 'cancel') {
    if (running?.id === m.target) running.connection.interrupt();
    return;
  }
  const answer = (work: Promise<unknown>) =>
    work.then(
      (result) => parentPort!.postMessage({ id: m.id, result }),
      (error: unknown) => {
        const e = error as { message?: string; code?: string };
        parentPort!.postMessage({ id: m.id, error: { message: String(e?.message ?? error), code: e?.code } });
      },
    );
  switch (m.op) {
    case 'sync':
      void answer(serial(sync).then(status));
      break;
    case 'status':
      void answer(Promise.resolve(status()));
      break;
    case 'funnel':
      void answer(funnel(m.id, m.request));
      break;
    case 'deleteBefore':
      void answer(deleteBefore(m.ts));
      break;
    case 'close':
      void answer(
        serial(async () => {
          c.closeSync();
          instance.closeSync();
          sqlite.close();
        }),
      );
      break;
  }
});
parentPort!.postMessage({ ready: true });
