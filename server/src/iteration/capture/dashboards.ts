import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../kernel/clock.js';
import { AppError, invalid } from '../../kernel/errors.js';
import type { CaptureStore, Dimension, Scope } from './store.js';
import { HOURLY_DAYS } from './rollups.js';
import type { FunnelBody, FunnelResult, RetentionResult, Stats, StatsQuery } from './schema.js';
import type { CaptureColumnar } from './columnar.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const GRAIN_MS = { minute: 60_000, hour: HOUR, day: DAY } as const;
/** Most buckets in one series (a minute series over a month would be 43,200 points). */
const MAX_BUCKETS = 2000;
/** Most rows a funnel reads; beyond, a narrower period is asked for. */
const MAX_ROWS = 500_000;
/** Public pages never list a value seen by fewer visitors than this. */
export const PUBLIC_MIN_VISITORS = 3;

export function periodOf(q: { from?: string; to?: string }, now: number) {
  // By default up to now, included.
  const to = q.to ? Date.parse(q.to) : now + 1;
  const from = q.from ? Date.parse(q.from) : to - 30 * DAY;
  if (!(from < to)) throw invalid('from', '`from` must be before `to`');
  if (to - from > 400 * DAY) throw invalid('from', 'A period is at most 400 days');
  return { from, to };
}

/**
 * Ordered funnel: for each unit, the furthest step reached with each step after the previous one and the last within
 * `window` ms of the first. `rows` are ordered by unit then time. A unit counts once per step.
 */
export function funnelOf(
  rows: ReadonlyArray<{ visitor: string; name: string; ts: number }>,
  steps: string[],
  window: number,
) {
  const reached = new Array<number>(steps.length).fill(0);
  let i = 0;
  while (i < rows.length) {
    const unit = rows[i]!.visitor;
    let j = i;
    while (j < rows.length && rows[j]!.visitor === unit) j++;
    // Best over every start at an occurrence of step 0 (greedy from each start is optimal for ordered steps).
    let best = 0;
    for (let s = i; s < j && best < steps.length; s++) {
      if (rows[s]!.name !== steps[0]) continue;
      const start = rows[s]!.ts;
      let step = 1;
      for (let k = s + 1; k < j && step < steps.length; k++) {
        if (rows[k]!.ts - start > window) break;
        if (rows[k]!.name === steps[step]) step++;
      }
      best = Math.max(best, step);
    }
    for (let s = 0; s < best; s++) reached[s]!++;
    i = j;
  }
  return reached;
}

/** Weekly retention cohorts from (unit, day) pairs: the week of a unit's first day, then its active weeks after. */
export function retentionOf(rows: ReadonlyArray<{ visitor: string; day: number }>) {
  // Weeks start on Monday: day 0 (1970-01-01) was a Thursday.
  const weekOf = (day: number) => Math.floor((day + 3) / 7);
  const byUnit = new Map<string, Set<number>>();
  for (const r of rows) {
    let weeks = byUnit.get(r.visitor);
    if (!weeks) byUnit.set(r.visitor, (weeks = new Set()));
    weeks.add(weekOf(r.day));
  }
  const cohorts = new Map<number, { size: number; retained: number[] }>();
  for (const weeks of byUnit.values()) {
    const first = Math.min(...weeks);
    let c = cohorts.get(first);
    if (!c) cohorts.set(first, (c = { size: 0, retained: [] }));
    c.size++;
    for (const w of weeks) {
      const n = w - first;
      while (c.retained.length <= n) c.retained.push(0);
      c.retained[n]!++;
    }
  }
  return [...cohorts.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([week, c]) => ({ week: new Date((week * 7 - 3) * DAY).toISOString().slice(0, 10), ...c }));
}

/**
 * Cohorts from the database's counts per (first week, weeks after it) (`store.cohorts`): the same answer as
 * `retentionOf` over every (unit, day) pair, without sending one row per unit and week.
 */
export function cohortsOf(cells: ReadonlyArray<{ first: number; n: number; units: number }>) {
  const cohorts = new Map<number, number[]>();
  for (const { first, n, units } of cells) {
    let retained = cohorts.get(first);
    if (!retained) cohorts.set(first, (retained = []));
    while (retained.length <= n) retained.push(0);
    retained[n] = units;
  }
  return [...cohorts.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([week, retained]) => ({
      week: new Date((week * 7 - 3) * DAY).toISOString().slice(0, 10),
      size: retained[0]!,
      retained,
    }));
}

/** CSV of a chart's rows, formula-looking cells neutralised (a leading ', as the data downloads do). */
export function toCsv(columns: string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cell = (v: string | number) => {
    let s = String(v);
    if (/^[=+\-@\t\r]/.test(s) && typeof v === 'string') s = `'${s}`;
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

/** A stats answer as CSV: one section per chart, `chart,key,count,visitors`. */
export function statsCsv(stats: Stats): string {
  const rows: Array<Array<string | number>> = [];
  for (const p of stats.series) rows.push(['series', p.time, p.count, '']);
  for (const chart of ['events', 'pages', 'referrers', 'countries', 'datasets'] as const)
    for (const t of stats[chart]) rows.push([chart, t.value, t.count, t.visitors]);
  return toCsv(['chart', 'key', 'count', 'visitors'], rows);
}

/** Dashboards over captured events: series from the rollups, top lists, funnels and cohorts from raw events. */
export function createDashboards(deps: {
  db: Kysely<Database>;
  store: CaptureStore;
  clock: Clock;
  /** Where the reads over raw events run: off the event loop, under the query time limit (default: `db`). */
  offload?: <T>(work: (db: Kysely<Database>) => Promise<T>) => Promise<T>;
  /** Answers funnels when its copy is ready (columnar.ts); the row store otherwise. */
  columnar?: CaptureColumnar;
  queryTimeoutMs?: number;
  logger?: { warn(o: object, m: string): void };
}) {
  const { db, store, clock } = deps;
  const read = deps.offload ?? (<T>(work: (db: Kysely<Database>) => Promise<T>) => work(db));

  /** From the columnar copy; `undefined` when it cannot answer (not built yet, unavailable). */
  async function columnarFunnel(scope: Scope, steps: string[], from: number, to: number, windowMs: number) {
    if (!deps.columnar) return undefined;
    const timeoutMs = deps.queryTimeoutMs;
    try {
      return await deps.columnar.funnel(
        scope,
        { steps, from, to, windowMs },
        { deadline: timeoutMs === undefined ? undefined : Date.now() + timeoutMs, timeoutMs },
      );
    } catch (error) {
      if (error instanceof AppError) throw error;
      deps.logger?.warn({ err: String(error) }, 'capture funnel failed on the columnar copy: read from rows');
      return undefined;
    }
  }

  /** From the row store: only the events of visitors who can pass the first step; those who reach it apart. */
  async function rowFunnel(scope: Scope, steps: string[], from: number, to: number, windowMs: number) {
    const { starters, rows } = await read((rdb) => store.funnelInput(rdb, scope, steps, from, to, MAX_ROWS + 1));
    if (rows.length > MAX_ROWS) throw new AppError('query_too_expensive', 'Too many events: choose a shorter period');
    const reached = funnelOf(rows, steps, windowMs);
    reached[0] = starters;
    return reached;
  }

  return {
    /**
     * Totals, a series and top lists, from the rollups. Over whole UTC days, over more than two days, or starting
     * more than `HOURLY_DAYS` ago, the period is widened to whole days and read from the daily rollups; otherwise it
     * is widened to whole hours and read from the hourly ones. Top lists of one event name read raw events.
     * `visitors` counts distinct visitors per day (per hour for the hourly periods), summed over the days (hours):
     * cookieless ids change every day anyway.
     */
    async stats(scope: Scope, q: StatsQuery, options: { public?: boolean } = {}): Promise<Stats> {
      const now = clock.now().getTime();
      let { from, to } = periodOf(q, now);
      const wholeDays = (from % DAY === 0 && to % DAY === 0) || to - from > 2 * DAY || from < now - HOURLY_DAYS * DAY;
      const unit = wholeDays ? DAY : HOUR;
      from = Math.floor(from / unit) * unit;
      to = Math.ceil(to / unit) * unit;
      const rollupGrain = wholeDays ? 'day' : 'hour';
      const grain = q.grain ?? (to - from <= 2 * DAY ? 'hour' : 'day');
      const size = GRAIN_MS[grain];
      const start = Math.floor(from / size) * size;
      if ((to - start) / size > MAX_BUCKETS)
        throw new AppError(
          'query_too_expensive',
          `At most ${MAX_BUCKETS} points: choose a coarser grain or a shorter period`,
        );
      const counts = new Map<number, number>();
      for (const r of await read((rdb) => store.series(rdb, scope, grain, start, to, q.event)))
        counts.set(r.bucket, (counts.get(r.bucket) ?? 0) + r.count);
      const series = [];
      for (let b = start; b < to; b += size)
        series.push({ time: new Date(b).toISOString(), count: counts.get(b) ?? 0 });
      const limit = 10;
      const strip = <T extends { visitors: number }>(xs: T[]) =>
        options.public ? xs.filter((x) => x.visitors >= PUBLIC_MIN_VISITORS) : xs;
      const top = (dim: Dimension, column: 'path' | 'referrer' | 'country' | 'datasetId' | 'name') =>
        !q.event || dim === 'name'
          ? store.dimTop(db, scope, rollupGrain, dim, from, to, limit)
          : read((rdb) => store.top(rdb, scope, column, from, to, limit, q.event));
      const [totals, events, pages, referrers, countries, datasets] = await Promise.all([
        store.dimTop(db, scope, rollupGrain, '*', from, to, 1).then((r) => ({
          events: r[0]?.count ?? 0,
          visitors: r[0]?.visitors ?? 0,
        })),
        top('name', 'name'),
        top('path', 'path'),
        top('referrer', 'referrer'),
        top('country', 'country'),
        top('dataset', 'datasetId'),
      ]);
      return {
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        grain,
        totals,
        series,
        events,
        pages: strip(pages),
        referrers: strip(referrers),
        countries: strip(countries),
        datasets,
      };
    },

    async funnel(scope: Scope, body: FunnelBody): Promise<FunnelResult> {
      const { from, to } = periodOf(body, clock.now().getTime());
      const windowMs = body.windowSeconds * 1000;
      const reached =
        (await columnarFunnel(scope, body.steps, from, to, windowMs)) ??
        (await rowFunnel(scope, body.steps, from, to, windowMs));
      return {
        steps: body.steps.map((name, i) => ({
          name,
          visitors: reached[i]!,
          share: reached[0] ? reached[i]! / reached[0] : 0,
        })),
      };
    },

    async retention(scope: Scope, q: { from?: string; to?: string; event?: string }): Promise<RetentionResult> {
      const { from, to } = periodOf(q, clock.now().getTime());
      const cells = await read((rdb) => store.cohorts(rdb, scope, from, to, q.event));
      return {
        note: 'Identified visitors only: cookieless visitor ids change every day and cannot be followed from week to week',
        cohorts: cohortsOf(cells),
      };
    },
  };
}
export type Dashboards = ReturnType<typeof createDashboards>;
