import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';

export interface DailyRow {
  appId: string;
  day: string;
  endpoint: string;
  calls: number;
  clientErrors: number;
  serverErrors: number;
  latencyTotalMs: number;
}
export interface LatencyRow {
  appId: string;
  day: string;
  endpoint: string;
  bucket: number;
  count: number;
}
export interface DatasetRow {
  appId: string;
  day: string;
  datasetSlug: string;
  calls: number;
}

const CHUNK = 300;
function chunks<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(rows.slice(i, i + CHUNK));
  return out;
}
const n = (v: unknown) => Number(v ?? 0);

/** All the SQL of usage analytics: additive upserts (the same ON CONFLICT … DO UPDATE on both dialects) and reads. */
export function createUsageStore() {
  return {
    async add(db: Kysely<Database>, daily: DailyRow[], latency: LatencyRow[], datasets: DatasetRow[]) {
      await db.transaction().execute(async (trx) => {
        for (const rows of chunks(daily)) {
          await trx
            .insertInto('appUsageDaily')
            .values(rows)
            .onConflict((oc) =>
              oc.columns(['appId', 'day', 'endpoint']).doUpdateSet({
                calls: sql`app_usage_daily.calls + excluded.calls`,
                clientErrors: sql`app_usage_daily.client_errors + excluded.client_errors`,
                serverErrors: sql`app_usage_daily.server_errors + excluded.server_errors`,
                latencyTotalMs: sql`app_usage_daily.latency_total_ms + excluded.latency_total_ms`,
              }),
            )
            .execute();
        }
        for (const rows of chunks(latency)) {
          await trx
            .insertInto('appUsageLatency')
            .values(rows)
            .onConflict((oc) =>
              oc.columns(['appId', 'day', 'endpoint', 'bucket']).doUpdateSet({
                count: sql`app_usage_latency.count + excluded.count`,
              }),
            )
            .execute();
        }
        for (const rows of chunks(datasets)) {
          await trx
            .insertInto('appUsageDatasets')
            .values(rows)
            .onConflict((oc) =>
              oc.columns(['appId', 'day', 'datasetSlug']).doUpdateSet({
                calls: sql`app_usage_datasets.calls + excluded.calls`,
              }),
            )
            .execute();
        }
      });
    },

    async daily(db: Kysely<Database>, appIds: string[], from: string, to: string): Promise<DailyRow[]> {
      if (appIds.length === 0) return [];
      const rows = await db
        .selectFrom('appUsageDaily')
        .selectAll()
        .where('appId', 'in', appIds)
        .where('day', '>=', from)
        .where('day', '<=', to)
        .execute();
      return rows.map((r) => ({
        ...r,
        calls: n(r.calls),
        clientErrors: n(r.clientErrors),
        serverErrors: n(r.serverErrors),
        latencyTotalMs: n(r.latencyTotalMs),
      }));
    },

    /** Every app's calls, server errors and latency buckets per day since `fromDay` (the commitments page). */
    async platformDays(db: Kysely<Database>, fromDay: string) {
      const calls = await db
        .selectFrom('appUsageDaily')
        .select([
          'day',
          (eb) => eb.fn.sum<number>('calls').as('calls'),
          (eb) => eb.fn.sum<number>('serverErrors').as('serverErrors'),
        ])
        .where('day', '>=', fromDay)
        .groupBy('day')
        .execute();
      const latency = await db
        .selectFrom('appUsageLatency')
        .select(['day', 'bucket', (eb) => eb.fn.sum<number>('count').as('count')])
        .where('day', '>=', fromDay)
        .groupBy(['day', 'bucket'])
        .execute();
      return {
        calls: calls.map((r) => ({ day: r.day, calls: n(r.calls), serverErrors: n(r.serverErrors) })),
        latency: latency.map((r) => ({ day: r.day, bucket: n(r.bucket), count: n(r.count) })),
      };
    },

    async latency(
      db: Kysely<Database>,
      appId: string,
      from: string,
      to: string,
    ): Promise<Array<{ endpoint: string; bucket: number; count: number }>> {
      const rows = await db
        .selectFrom('appUsageLatency')
        .select(['endpoint', 'bucket', (eb) => eb.fn.sum<number>('count').as('count')])
        .where('appId', '=', appId)
        .where('day', '>=', from)
        .where('day', '<=', to)
        .groupBy(['endpoint', 'bucket'])
        .execute();
      return rows.map((r) => ({ endpoint: r.endpoint, bucket: n(r.bucket), count: n(r.count) }));
    },

    async datasetsOfApps(
      db: Kysely<Database>,
      appIds: string[],
      from: string,
      to: string,
      limit: number,
    ): Promise<Array<{ appId: string; datasetSlug: string; calls: number }>> {
      if (appIds.length === 0) return [];
      const rows = await db
        .selectFrom('appUsageDatasets')
        .select(['appId', 'datasetSlug', (eb) => eb.fn.sum<number>('calls').as('calls')])
        .where('appId', 'in', appIds)
        .where('day', '>=', from)
        .where('day', '<=', to)
        .groupBy(['appId', 'datasetSlug'])
        .orderBy('calls', 'desc')
        .orderBy('datasetSlug')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ appId: r.appId, datasetSlug: r.datasetSlug, calls: n(r.calls) }));
    },

    /** Apps that consumed an organization's datasets (matched on today's slugs). */
    async consumersOfOrganization(
      db: Kysely<Database>,
      organizationId: string,
      from: string,
      to: string,
      limit: number,
    ) {
      const rows = await db
        .selectFrom('appUsageDatasets')
        .innerJoin('datasets', 'datasets.slug', 'appUsageDatasets.datasetSlug')
        .innerJoin('apps', 'apps.id', 'appUsageDatasets.appId')
        .select([
          'appUsageDatasets.appId',
          'apps.name as appName',
          'appUsageDatasets.datasetSlug',
          (eb) => eb.fn.sum<number>('appUsageDatasets.calls').as('calls'),
        ])
        .where('datasets.organizationId', '=', organizationId)
        .where('apps.deletedAt', 'is', null)
        .where('appUsageDatasets.day', '>=', from)
        .where('appUsageDatasets.day', '<=', to)
        .groupBy(['appUsageDatasets.appId', 'apps.name', 'appUsageDatasets.datasetSlug'])
        .orderBy('calls', 'desc')
        .orderBy('appUsageDatasets.appId')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ appId: r.appId, appName: r.appName, datasetSlug: r.datasetSlug, calls: n(r.calls) }));
    },

    /** One app's calls, client errors and server errors since a day (inclusive): the error-rate guardrail's figures. */
    async errorCounts(db: Kysely<Database>, appId: string, sinceDay: string) {
      const row = await db
        .selectFrom('appUsageDaily')
        .select([
          (eb) => eb.fn.sum<number>('calls').as('calls'),
          (eb) => eb.fn.sum<number>('clientErrors').as('clientErrors'),
          (eb) => eb.fn.sum<number>('serverErrors').as('serverErrors'),
        ])
        .where('appId', '=', appId)
        .where('day', '>=', sinceDay)
        .executeTakeFirst();
      return {
        calls: n(row?.calls ?? 0),
        clientErrors: n(row?.clientErrors ?? 0),
        serverErrors: n(row?.serverErrors ?? 0),
      };
    },
    async callsByApp(db: Kysely<Database>, appIds: string[], sinceDay: string): Promise<Map<string, number>> {
      const out = new Map<string, number>();
      if (appIds.length === 0) return out;
      for (const ids of chunks(appIds)) {
        const rows = await db
          .selectFrom('appUsageDaily')
          .select(['appId', (eb) => eb.fn.sum<number>('calls').as('calls')])
          .where('appId', 'in', ids)
          .where('day', '>=', sinceDay)
          .groupBy('appId')
          .execute();
        for (const r of rows) out.set(r.appId, n(r.calls));
      }
      return out;
    },

    async findApp(db: Kysely<Database>, id: string) {
      return db
        .selectFrom('apps')
        .select(['id', 'name', 'ownerId', 'organizationId', 'plan'])
        .where('id', '=', id)
        .where('deletedAt', 'is', null)
        .executeTakeFirst();
    },

    async appsOfOrganization(db: Kysely<Database>, organizationId: string) {
      return db
        .selectFrom('apps')
        .select(['id', 'name', 'plan'])
        .where('organizationId', '=', organizationId)
        .where('deletedAt', 'is', null)
        .orderBy('id')
        .limit(1000)
        .execute();
    },
  };
}
export type UsageStore = ReturnType<typeof createUsageStore>;
