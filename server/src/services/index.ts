/**
 * The services capability (issue 15, part 1): services delegated to accredited operators, their cases, Open311
 * GeoReport v2 and public performance. Contract: `routes` under /api/v1, `rootRoutes` at the root (Open311 under
 * /open311/v2), `start` runs the hourly job (purge of closed cases' personal data after each service's retention,
 * alerts on missed objectives) until `stop`; tests call `services.purge(now)` and `services.checkAlerts(now)`.
 */
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import type { EventRecorder } from '../events/recorder.js';
import type { UserActor } from '../kernel/actor.js';
import type { Clock } from '../kernel/clock.js';
import type { PersonalDataAccessRecorder } from '../kernel/personal-data.js';
import type { OrganizationAccess } from '../platform/index.js';
import { open311Routes } from './open311/routes.js';
import { serviceRoutes } from './routes.js';
import { createServices, type Blobs } from './service.js';
import { createServiceStore } from './store.js';

export interface ServicesCapabilityDeps {
  db: Kysely<Database>;
  events: EventRecorder;
  clock: Clock;
  access: OrganizationAccess;
  dataAccess: PersonalDataAccessRecorder;
  blobs: Blobs;
  /** Deletes an attachment's blob unless another capability holds the same content (the purge). */
  releaseBlob(sha256: string, since: Date): Promise<'gone' | 'held' | 'recent'>;
  maxMediaBytes: number;
  baseUrl: string;
  /** An Open311 `api_key` (a developer-platform API key) to the user it acts for. */
  resolveApiKey(key: string): Promise<UserActor | undefined>;
  logger?: { warn(o: object, m: string): void };
  /** How often the job runs (one hour). */
  jobEveryMs?: number;
}

export function createServicesCapability(deps: ServicesCapabilityDeps) {
  const services = createServices({ ...deps, store: createServiceStore() });
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<unknown> = Promise.resolve();
  const run = () => {
    current = (async () => {
      await services.purge();
      await services.checkAlerts();
    })().catch((e: unknown) => deps.logger?.warn({ err: String(e) }, 'services job failed'));
  };
  return {
    services,
    routes: async (app: FastifyInstance) => {
      await app.register(serviceRoutes, { services, baseUrl: deps.baseUrl });
    },
    rootRoutes: async (app: FastifyInstance) => {
      await app.register(open311Routes, {
        prefix: '/open311/v2',
        services,
        baseUrl: deps.baseUrl,
        resolveApiKey: deps.resolveApiKey,
        blobs: deps.blobs,
        maxMediaBytes: deps.maxMediaBytes,
      });
    },
    start() {
      if (timer) return;
      run();
      timer = setInterval(run, deps.jobEveryMs ?? 3_600_000);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await current;
    },
  };
}
export type ServicesCapability = ReturnType<typeof createServicesCapability>;
