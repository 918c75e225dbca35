import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../kernel/clock.js';
import type { OrganizationAccess } from '../../platform/index.js';
import { usageRoutes } from './routes.js';
import { createUsageService } from './service.js';
import { createUsageStore } from './store.js';

export type { UsageService } from './service.js';

export interface UsageDeps {
  db: Db;
  clock: Clock;
  access: OrganizationAccess;
  logger: { warn(o: object, m: string): void };
  /** How often the in-memory aggregates are written (ms). */
  flushEveryMs?: number;
}

/**
 * Usage analytics of apps: captured in memory on every app call, flushed every few seconds with upserts.
 * Contract: `register` adds the response hook (only calls with an app credential count); `start` begins the
 * periodic flush, `stop` flushes what is left, so a clean shutdown loses nothing.
 */
export function createUsage(deps: UsageDeps) {
  const service = createUsageService({
    db: deps.db,
    clock: deps.clock,
    store: createUsageStore(),
    access: deps.access,
    logger: deps.logger,
  });
  let timer: NodeJS.Timeout | undefined;
  return {
    service,
    /** The response hook: counts every call made with an app credential (key or OAuth token). */
    register: async (app: FastifyInstance) => {
      app.addHook('onResponse', async (request, reply) => {
        const actor = request.actor;
        if (!actor || actor.kind !== 'user' || !actor.client) return;
        const route = request.routeOptions.url;
        // A dataset is consumed by a successful call on one of its routes (not by a 404 on a made-up slug).
        const slug =
          reply.statusCode < 400 && route !== undefined && route.startsWith('/api/v1/datasets/:slug')
            ? (request.params as { slug?: unknown } | undefined)?.slug
            : undefined;
        service.record({
          appId: actor.client.appId,
          method: request.method,
          route,
          status: reply.statusCode,
          ms: reply.elapsedTime,
          datasetSlug: typeof slug === 'string' ? slug : undefined,
        });
      });
    },
    routes: (api: FastifyInstance) => usageRoutes(api, { usage: service }),
    start() {
      timer = setInterval(() => void service.flush().catch(() => undefined), deps.flushEveryMs ?? 5000);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await service.flush().catch(() => undefined);
    },
  };
}
