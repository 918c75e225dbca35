import type { Db } from '../../db/database.js';
import type { UserActor } from '../../kernel/actor.js';
import type { Clock } from '../../kernel/clock.js';
import { AppError, forbidden, invalid, notFound } from '../../kernel/errors.js';
import type { OrganizationAccess } from '../../platform/index.js';
import { BUCKETS, bucketOf, percentile } from './histogram.js';
import type { DailyRow, DatasetRow, LatencyRow, UsageStore } from './store.js';

const DAY_MS = 86_400_000;
const MAX_RANGE_DAYS = 366;
const DEFAULT_RANGE_DAYS = 30;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** One call made with an app's credential, as the response hook sees it. */
export interface Call {
  appId: string;
  method: string;
  /** The route pattern ("/api/v1/datasets/:slug"), or undefined when no route matched. */
  route: string | undefined;
  status: number;
  ms: number;
  datasetSlug?: string;
}

interface Aggregate {
  calls: number;
  clientErrors: number;
  serverErrors: number;
  latencyTotalMs: number;
  histogram: Uint32Array;
}

export interface UsageServiceDeps {
  db: Db;
  clock: Clock;
  store: UsageStore;
  access: OrganizationAccess;
  logger: { warn(o: object, m: string): void };
}

const dayString = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const rate = (errors: number, calls: number) => (calls === 0 ? 0 : Math.round((errors / calls) * 10_000) / 10_000);

export function createUsageService(deps: UsageServiceDeps) {
  const { store, clock } = deps;
  // In-memory aggregates since the last flush, keyed "app\0day\0endpoint" and "app\0day\0slug".
  let endpoints = new Map<string, Aggregate>();
  let datasets = new Map<string, number>();
  let cachedDay = -1;
  let cachedDayString = '';
  let flushing: Promise<void> = Promise.resolve();

  function today(nowMs: number) {
    const day = Math.floor(nowMs / DAY_MS);
    if (day !== cachedDay) {
      cachedDay = day;
      cachedDayString = dayString(nowMs);
    }
    return cachedDayString;
  }

  /** Counts one call in memory (cheap: a few Map operations); written by the next flush. */
  function record(call: Call) {
    const day = today(clock.now().getTime());
    const endpoint = `${call.method} ${call.route ?? '(no route)'}`;
    const key = `${call.appId}\0${day}\0${endpoint}`;
    let agg = endpoints.get(key);
    if (!agg)
      endpoints.set(
        key,
        (agg = { calls: 0, clientErrors: 0, serverErrors: 0, latencyTotalMs: 0, histogram: new Uint32Array(BUCKETS) }),
      );
    agg.calls += 1;
    if (call.status >= 500) agg.serverErrors += 1;
    else if (call.status >= 400) agg.clientErrors += 1;
    agg.latencyTotalMs += call.ms;
    agg.histogram[bucketOf(call.ms)]! += 1;
    if (call.datasetSlug) {
      const dk = `${call.appId}\0${day}\0${call.datasetSlug}`;
      datasets.set(dk, (datasets.get(dk) ?? 0) + 1);
    }
  }

  async function writeOut() {
    if (endpoints.size === 0 && datasets.size === 0) return;
    const taken = endpoints;
    const takenDatasets = datasets;
    endpoints = new Map();
    datasets = new Map();
    const daily: DailyRow[] = [];
    const latency: LatencyRow[] = [];
    for (const [key, a] of taken) {
      const [appId, day, endpoint] = key.split('\0') as [string, string, string];
      daily.push({
        appId,
        day,
        endpoint,
        calls: a.calls,
        clientErrors: a.clientErrors,
        serverErrors: a.serverErrors,
        latencyTotalMs: a.latencyTotalMs,
      });
      a.histogram.forEach((count, bucket) => {
        if (count > 0) latency.push({ appId, day, endpoint, bucket, count });
      });
    }
    const datasetRows: DatasetRow[] = [...takenDatasets].map(([key, calls]) => {
      const [appId, day, datasetSlug] = key.split('\0') as [string, string, string];
      return { appId, day, datasetSlug, calls };
    });
    try {
      await store.add(deps.db.kysely, daily, latency, datasetRows);
    } catch (err) {
      // Put the counts back: the next flush tries again (nothing is lost while the process lives).
      for (const [key, a] of taken) {
        const b = endpoints.get(key);
        if (!b) endpoints.set(key, a);
        else {
          b.calls += a.calls;
          b.clientErrors += a.clientErrors;
          b.serverErrors += a.serverErrors;
          b.latencyTotalMs += a.latencyTotalMs;
          a.histogram.forEach((c, i) => (b.histogram[i]! += c));
        }
      }
      for (const [key, calls] of takenDatasets) datasets.set(key, (datasets.get(key) ?? 0) + calls);
      deps.logger.warn({ err: String(err) }, 'usage: flush failed; will retry');
      throw err;
    }
  }

  /** Writes the aggregates with upserts; flushes never overlap. */
  function flush(): Promise<void> {
    flushing = flushing.catch(() => undefined).then(writeOut);
    return flushing;
  }

  function range(query: { from?: string; to?: string }) {
    for (const field of ['from', 'to'] as const) {
      const v = query[field];
      if (
        v !== undefined &&
        (!DATE.test(v) || Number.isNaN(Date.parse(v + 'T00:00:00Z')) || dayString(Date.parse(v + 'T00:00:00Z')) !== v)
      )
        throw invalid(field, 'Expected a date YYYY-MM-DD');
    }
    const to = query.to ?? dayString(clock.now().getTime());
    const from = query.from ?? dayString(Date.parse(to + 'T00:00:00Z') - (DEFAULT_RANGE_DAYS - 1) * DAY_MS);
    const days = (Date.parse(to + 'T00:00:00Z') - Date.parse(from + 'T00:00:00Z')) / DAY_MS + 1;
    if (days < 1) throw invalid('from', 'from must not be after to');
    if (days > MAX_RANGE_DAYS) throw invalid('from', `At most ${MAX_RANGE_DAYS} days at once`);
    const list: string[] = [];
    for (let i = 0; i < days; i++) list.push(dayString(Date.parse(from + 'T00:00:00Z') + i * DAY_MS));
    return { from, to, days: list };
  }

  async function canSeeApp(actor: UserActor, app: { ownerId: string; organizationId: string | null }) {
    if (actor.isAdmin || app.ownerId === actor.userId) return true;
    if (!app.organizationId) return false;
    const role = await deps.access.roleOf(actor, app.organizationId);
    return role === 'owner' || role === 'admin';
  }

  /** An app's usage over [from, to]: for its owner, its organization's owners and admins (others: 404). */
  async function appUsage(actor: UserActor, appId: string, query: { from?: string; to?: string }) {
    const app = await store.findApp(deps.db.kysely, appId);
    if (!app || !(await canSeeApp(actor, app))) throw notFound('App');
    const r = range(query);
    const [daily, latency, top] = await Promise.all([
      store.daily(deps.db.kysely, [appId], r.from, r.to),
      store.latency(deps.db.kysely, appId, r.from, r.to),
      store.datasetsOfApps(deps.db.kysely, [appId], r.from, r.to, 20),
    ]);
    const byDay = new Map(r.days.map((day) => [day, { day, calls: 0, clientErrors: 0, serverErrors: 0 }]));
    const byEndpoint = new Map<
      string,
      {
        endpoint: string;
        calls: number;
        clientErrors: number;
        serverErrors: number;
        latencyTotalMs: number;
        histogram: number[];
      }
    >();
    const total = new Array<number>(BUCKETS).fill(0);
    for (const row of daily) {
      const d = byDay.get(row.day);
      if (d) {
        d.calls += row.calls;
        d.clientErrors += row.clientErrors;
        d.serverErrors += row.serverErrors;
      }
      let e = byEndpoint.get(row.endpoint);
      if (!e)
        byEndpoint.set(
          row.endpoint,
          (e = {
            endpoint: row.endpoint,
            calls: 0,
            clientErrors: 0,
            serverErrors: 0,
            latencyTotalMs: 0,
            histogram: new Array<number>(BUCKETS).fill(0),
          }),
        );
      e.calls += row.calls;
      e.clientErrors += row.clientErrors;
      e.serverErrors += row.serverErrors;
      e.latencyTotalMs += row.latencyTotalMs;
    }
    for (const l of latency) {
      const e = byEndpoint.get(l.endpoint);
      if (e && l.bucket >= 0 && l.bucket < BUCKETS) e.histogram[l.bucket]! += l.count;
      if (l.bucket >= 0 && l.bucket < BUCKETS) total[l.bucket]! += l.count;
    }
    const percentiles = (h: number[]) => ({
      p50: percentile(h, 0.5),
      p95: percentile(h, 0.95),
      p99: percentile(h, 0.99),
    });
    const calls = daily.reduce((s, d) => s + d.calls, 0);
    const clientErrors = daily.reduce((s, d) => s + d.clientErrors, 0);
    const serverErrors = daily.reduce((s, d) => s + d.serverErrors, 0);
    return {
      app: { id: app.id, name: app.name, plan: app.plan },
      from: r.from,
      to: r.to,
      totals: {
        calls,
        clientErrors,
        serverErrors,
        errorRate: rate(clientErrors + serverErrors, calls),
        latencyMs: percentiles(total),
      },
      days: [...byDay.values()],
      endpoints: [...byEndpoint.values()]
        .sort((a, b) => b.calls - a.calls || a.endpoint.localeCompare(b.endpoint))
        .map((e) => {
          const space = e.endpoint.indexOf(' ');
          return {
            endpoint: e.endpoint,
            method: e.endpoint.slice(0, space),
            route: e.endpoint.slice(space + 1),
            calls: e.calls,
            clientErrors: e.clientErrors,
            serverErrors: e.serverErrors,
            errorRate: rate(e.clientErrors + e.serverErrors, e.calls),
            latencyMs: {
              ...percentiles(e.histogram),
              mean: e.calls ? Math.round((e.latencyTotalMs / e.calls) * 100) / 100 : null,
            },
          };
        }),
      datasets: top.map((t) => ({ slug: t.datasetSlug, calls: t.calls })),
    };
  }

  /** An organization's view: its own apps' usage, and which apps consume its datasets (owners and admins). */
  async function organizationUsage(actor: UserActor, slug: string, query: { from?: string; to?: string }) {
    const org = await deps.access.bySlug(slug);
    if (!org) throw notFound('Organization');
    const role = await deps.access.roleOf(actor, org.id);
    if (!actor.isAdmin && role !== 'owner' && role !== 'admin')
      throw forbidden('Only the organization’s owners and admins see its usage');
    const r = range(query);
    const apps = await store.appsOfOrganization(deps.db.kysely, org.id);
    const daily = await store.daily(
      deps.db.kysely,
      apps.map((a) => a.id),
      r.from,
      r.to,
    );
    const totals = new Map(apps.map((a) => [a.id, { calls: 0, clientErrors: 0, serverErrors: 0 }]));
    for (const row of daily) {
      const t = totals.get(row.appId)!;
      t.calls += row.calls;
      t.clientErrors += row.clientErrors;
      t.serverErrors += row.serverErrors;
    }
    const consumers = await store.consumersOfOrganization(deps.db.kysely, org.id, r.from, r.to, 200);
    return {
      organization: { slug: org.slug, name: org.name },
      from: r.from,
      to: r.to,
      apps: apps
        .map((a) => {
          const t = totals.get(a.id)!;
          return {
            id: a.id,
            name: a.name,
            plan: a.plan,
            ...t,
            errorRate: rate(t.clientErrors + t.serverErrors, t.calls),
          };
        })
        .sort((a, b) => b.calls - a.calls || a.id.localeCompare(b.id)),
      consumers,
    };
  }

  /** Calls per app since a day (YYYY-MM-DD, inclusive), from flushed figures: for "most used" rankings. */
  async function callsByApp(appIds: string[], sinceDay: string): Promise<Map<string, number>> {
    if (!DATE.test(sinceDay)) throw new AppError('validation_failed', 'sinceDay must be YYYY-MM-DD');
    return store.callsByApp(deps.db.kysely, appIds, sinceDay);
  }

  /** One app's calls and errors since a day (YYYY-MM-DD, inclusive), flushed first so the figures are current. */
  async function errorCounts(appId: string, sinceDay: string) {
    if (!DATE.test(sinceDay)) throw new AppError('validation_failed', 'sinceDay must be YYYY-MM-DD');
    await flush();
    return store.errorCounts(deps.db.kysely, appId, sinceDay);
  }

  /**
   * The API as registered apps saw it, per month (UTC) since `fromDay`: calls, the share answered without a server
   * error, and the 95th percentile latency (from the histograms). Anonymous and browser calls are not counted.
   */
  async function platformMonthly(fromDay: string) {
    const { calls, latency } = await store.platformDays(deps.db.kysely, fromDay);
    const months = new Map<string, { calls: number; serverErrors: number; histogram: number[] }>();
    const month = (day: string) => {
      const key = day.slice(0, 7);
      let m = months.get(key);
      if (!m) months.set(key, (m = { calls: 0, serverErrors: 0, histogram: new Array<number>(BUCKETS).fill(0) }));
      return m;
    };
    for (const r of calls) {
      const m = month(r.day);
      m.calls += r.calls;
      m.serverErrors += r.serverErrors;
    }
    for (const r of latency) month(r.day).histogram[r.bucket]! += r.count;
    return [...months.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, m]) => ({
        month: key,
        calls: m.calls,
        availability: m.calls === 0 ? null : 1 - m.serverErrors / m.calls,
        p95Ms: percentile(m.histogram, 0.95),
      }));
  }

  return {
    record,
    flush,
    appUsage,
    organizationUsage,
    callsByApp,
    errorCounts,
    platformMonthly,
    pending: () => endpoints.size + datasets.size,
  };
}
export type UsageService = ReturnType<typeof createUsageService>;
