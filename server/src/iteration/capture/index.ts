import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../kernel/clock.js';
import { createCaptureStore } from './store.js';
import { createCaptureService, type CaptureApps } from './service.js';
import { createDashboards } from './dashboards.js';
import { createScopeResolver, type ScopeDeps } from './scope.js';
import { captureRoutes, senderOf } from './routes.js';
import { createCaptureFootprintConsumer } from './footprint.js';
import { createCaptureColumnar, type CaptureColumnarOptions } from './columnar.js';

export type { CaptureService, CaptureApps } from './service.js';

const HOUR = 3_600_000;

/**
 * Capture (issue 14, items 1–2): `POST /capture`, public capture keys, the platform's footprint from the event spine,
 * rollups and dashboards. Contract: `consumer` goes to the dispatcher; `start` runs the daily job (salts destroyed,
 * retention) every hour, `stop` ends it; `store` is for the experiments module, which reads captured events.
 */
export function createCapture(deps: {
  db: Kysely<Database>;
  dialect: 'sqlite' | 'postgres';
  clock: Clock;
  apps: CaptureApps;
  scope: Omit<ScopeDeps, 'manageableApp'>;
  retentionDays: number;
  logger?: { warn(o: object, m: string): void };
  /** Runs the dashboards' reads over raw events off the event loop (the data capability's query reader). */
  offload?: <T>(work: (db: Kysely<Database>) => Promise<T>) => Promise<T>;
  /** The columnar copy of the events for funnels (SQLite only; columnar.ts); none: funnels read the row store. */
  columnar?: Omit<CaptureColumnarOptions, 'logger'>;
  /** The query time limit (ms) of the funnels read from the columnar copy. */
  queryTimeoutMs?: number;
}) {
  const store = createCaptureStore(deps.dialect);
  const columnar = deps.columnar && createCaptureColumnar({ ...deps.columnar, logger: deps.logger });
  const service = createCaptureService({
    db: deps.db,
    store,
    clock: deps.clock,
    apps: deps.apps,
    retentionDays: deps.retentionDays,
    afterRetention: columnar && ((cutoff) => columnar.deleteBefore(cutoff)),
  });
  const dashboards = createDashboards({
    db: deps.db,
    store,
    clock: deps.clock,
    offload: deps.offload,
    columnar,
    queryTimeoutMs: deps.queryTimeoutMs,
    logger: deps.logger,
  });
  const scopes = createScopeResolver({ ...deps.scope, manageableApp: (a, id) => deps.apps.manageable(a, id) });
  let timer: NodeJS.Timeout | undefined;
  const tick = () =>
    void service.maintain().catch((e: unknown) => deps.logger?.warn({ err: String(e) }, 'capture maintenance failed'));
  return {
    service,
    dashboards,
    store,
    columnar,
    consumer: createCaptureFootprintConsumer(service),
    /** The app sending a request (capture key or API key), for other routes authenticated the same way. */
    senderOf: (request: FastifyRequest, key?: string) => senderOf(service, request, key),
    routes: (api: FastifyInstance) => api.register(captureRoutes, { capture: service, dashboards, scopes }),
    start() {
      // A first build over an existing table starts now, not at the first funnel. Without events, the copy's
      // thread (~50 MB) waits for the first funnel.
      if (columnar)
        void store
          .hasEvents(deps.db)
          .then((has) => (has ? columnar.sync() : undefined))
          .catch(() => undefined);
      tick();
      timer = setInterval(tick, HOUR);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await columnar?.close();
    },
  };
}
export type Capture = ReturnType<typeof createCapture>;
