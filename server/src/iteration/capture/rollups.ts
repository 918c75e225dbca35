import type { CaptureEventRow, Dimension, DimRollupRow, DimVisitorRow, RollupRow, VisitorWeekRow } from './store.js';

/**
 * What stored events add to the rollups, computed in memory per transaction so that each rollup row is written once.
 * Maps are nested by the events' own strings rather than keyed by concatenations: a batch repeats the same few
 * strings, whose hashes V8 keeps, where a concatenated key is a new string to hash for every event.
 */
const DAY = 86_400_000;
const GRAINS = [
  ['minute', 60_000],
  ['hour', 3_600_000],
  ['day', DAY],
] as const;
const DIMENSIONS: Dimension[] = ['*', 'name', 'path', 'referrer', 'country', 'dataset'];

type Scoped = Pick<CaptureEventRow, 'appId' | 'organizationId' | 'datasetId'>;
/** `prefix` + id, built once per id (bounded) rather than for every event of every batch. */
const named = (prefix: string) => {
  const names = new Map<string, string>();
  return (id: string) => {
    let name = names.get(id);
    if (name === undefined) {
      if (names.size >= 10_000) names.clear();
      names.set(id, (name = prefix + id));
    }
    return name;
  };
};
const appScope = named('app:');
const orgScope = named('org:');
const datasetScope = named('dataset:');
const scopesOf = (e: Scoped) => {
  const scopes: string[] = [];
  if (e.appId) scopes.push(appScope(e.appId));
  if (e.organizationId) scopes.push(orgScope(e.organizationId));
  if (e.datasetId) scopes.push(datasetScope(e.datasetId));
  return scopes;
};
const child = <K, V>(m: Map<K, V>, k: K, make: () => V) => {
  let v = m.get(k);
  if (v === undefined) m.set(k, (v = make()));
  return v;
};

/** Counts per (scope, grain, bucket, name) of stored events. */
export function rollupsOf(events: ReadonlyArray<Scoped & Pick<CaptureEventRow, 'ts' | 'name'>>): RollupRow[] {
  // scope → name → bucket (per grain) → row
  const byScope = new Map<string, Map<string, Array<Map<number, RollupRow>>>>();
  const out: RollupRow[] = [];
  for (const e of events) {
    const ts = Number(e.ts);
    for (const scope of scopesOf(e)) {
      const grains = child(
        child(byScope, scope, () => new Map()),
        e.name,
        () => GRAINS.map(() => new Map()),
      );
      for (let g = 0; g < GRAINS.length; g++) {
        const [grain, size] = GRAINS[g]!;
        const bucket = Math.floor(ts / size) * size;
        const row = grains[g]!.get(bucket);
        if (row) row.count = Number(row.count) + 1;
        else {
          const fresh = { scope, grain, bucket, name: e.name, count: 1 };
          grains[g]!.set(bucket, fresh);
          out.push(fresh);
        }
      }
    }
  }
  return out;
}

export interface DimEntry {
  /** `day`: a row of `capture_dim_rollups` (`row.day` the day's start); `hour`: of `capture_dim_hours` (the hour's). */
  grain: 'day' | 'hour';
  row: DimRollupRow;
  visitors: Set<string>;
}

const HOUR = 3_600_000;
/** Days the hourly per-dimension rollups are kept (as the hourly series): shorter periods before are shown in days. */
export const HOURLY_DAYS = 90;

/**
 * The per-dimension daily and hourly counts of stored events (every event under `*`, then its name, path, referrer,
 * country and dataset), each with the visitors involved: a (visitor, bucket, scope, dimension, value) pair not
 * recorded before adds one visitor to its row.
 */
export function dimensionsOf(
  events: ReadonlyArray<Scoped & Pick<CaptureEventRow, 'ts' | 'name' | 'path' | 'referrer' | 'country' | 'visitor'>>,
): DimEntry[] {
  // scope → dimension index → value → bucket → entry (a day and an hour bucket differ: an hour map per grain)
  const byScope = new Map<string, Array<Map<string, [Map<number, DimEntry>, Map<number, DimEntry>]>>>();
  const out: DimEntry[] = [];
  const values: Array<string | null | undefined> = new Array(DIMENSIONS.length);
  for (const e of events) {
    const ts = Number(e.ts);
    const day = Math.floor(ts / DAY) * DAY;
    const hour = Math.floor(ts / HOUR) * HOUR;
    values[0] = '*';
    values[1] = e.name;
    values[2] = e.path;
    values[3] = e.referrer;
    values[4] = e.country;
    values[5] = e.datasetId;
    for (const scope of scopesOf(e)) {
      const dims = child(byScope, scope, () => DIMENSIONS.map(() => new Map()));
      for (let d = 0; d < DIMENSIONS.length; d++) {
        const value = values[d];
        if (value === null || value === undefined) continue;
        const grains = child(dims[d]!, value, () => [new Map<number, DimEntry>(), new Map<number, DimEntry>()]);
        for (let g = 0; g < 2; g++) {
          const bucket = g === 0 ? day : hour;
          let entry = grains[g]!.get(bucket);
          if (!entry) {
            entry = {
              grain: g === 0 ? 'day' : 'hour',
              row: { scope, dim: DIMENSIONS[d]!, day: bucket, value, events: 0, visitors: 0 },
              visitors: new Set(),
            };
            grains[g]!.set(bucket, entry);
            out.push(entry);
          }
          entry.row.events++;
          entry.visitors.add(e.visitor);
        }
      }
    }
  }
  return out;
}

/**
 * The key of a (visitor, bucket, scope, dimension, value) pair, for the cache of pairs already recorded. Hourly pairs
 * have the dimension `h:<dim>` (their bucket may equal a day's start).
 */
export const pairKey = (r: DimVisitorRow) => `${r.day}\u0000${r.visitor}\u0000${r.scope}\u0000${r.dim}\u0000${r.value}`;

/** A week's number as `retentionOf` counts them (Monday-based; day 0, 1970-01-01, was a Thursday). */
export const weekOfTs = (ts: number) => Math.floor((Math.floor(ts / DAY) + 3) / 7);

/**
 * The weekly activity of the identified events among `events` (`capture_visitor_weeks`): per (scope, name or `*`,
 * week, visitor), the first and last time. Cookieless events are left out: retention only follows identified ones.
 */
export function visitorWeeksOf(
  events: ReadonlyArray<Scoped & Pick<CaptureEventRow, 'ts' | 'name' | 'visitor' | 'identified'>>,
): VisitorWeekRow[] {
  const byKey = new Map<string, VisitorWeekRow>();
  for (const e of events) {
    if (Number(e.identified) !== 1) continue;
    const ts = Number(e.ts);
    const week = weekOfTs(ts);
    for (const scope of scopesOf(e))
      for (const name of ['*', e.name]) {
        const k = `${scope}\u0000${name}\u0000${week}\u0000${e.visitor}`;
        const row = byKey.get(k);
        if (!row) byKey.set(k, { scope, name, week, visitor: e.visitor, firstTs: ts, lastTs: ts });
        else {
          if (ts < row.firstTs) row.firstTs = ts;
          if (ts > row.lastTs) row.lastTs = ts;
        }
      }
  }
  return [...byKey.values()];
}
