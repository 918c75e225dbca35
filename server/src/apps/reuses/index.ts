import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../kernel/clock.js';
import type { UserActor } from '../../kernel/actor.js';
import type { EventRecorder } from '../../events/recorder.js';
import type { Platform } from '../../platform/index.js';
import type { Data } from '../../data/index.js';
import { createReuseStore } from './store.js';
import { createReuseService, type CallsByApp } from './service.js';
import { reuseRoutes } from './routes.js';
import { createReuseFootprintConsumer } from './footprint.js';
import { seedDemoReuses } from './demo.js';

export type { CallsByApp } from './service.js';

/**
 * Reuses: the gallery, "used by" on datasets, featuring by organizations, views and the "most used" ranking.
 * Contract: asks the data capability about datasets only through `DatasetService` and `DatasetLookup`; its
 * footprint consumer must be registered with the dispatcher for views to count.
 */
export function createReuses(deps: {
  db: Db;
  events: EventRecorder;
  clock: Clock;
  platform: Platform;
  data: Data;
  baseUrl: string;
  callsByApp?: CallsByApp;
}) {
  const service = createReuseService({
    db: deps.db.kysely,
    store: createReuseStore(),
    events: deps.events,
    clock: deps.clock,
    access: deps.platform.access,
    directory: deps.platform.directory,
    datasets: deps.data.datasets,
    lookup: deps.data.lookup,
    ...(deps.callsByApp ? { callsByApp: deps.callsByApp } : {}),
  });
  return {
    service,
    consumers: [createReuseFootprintConsumer(service)],
    routes: async (api: FastifyInstance) => {
      await api.register(reuseRoutes, { reuses: service, baseUrl: deps.baseUrl });
    },
    /** Demo reuses on `decoupage-administratif` (call after the demo data); returns their slugs. */
    seedDemo: (actor: UserActor, organization?: string) => seedDemoReuses(service, actor, organization),
  };
}
export type Reuses = ReturnType<typeof createReuses>;
