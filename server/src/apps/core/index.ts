import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../kernel/clock.js';
import type { EventRecorder } from '../../events/recorder.js';
import type { Platform } from '../../platform/index.js';
import { createAppsCoreStore } from './store.js';
import { createAppService, createClientRegistry } from './service.js';
import { accreditationRoutes, appRoutes } from './routes.js';
import { capturePurpose, createAccreditationService } from './accreditations.js';
import { createKeyService } from './keys.js';

export interface AppsCoreDeps {
  /** The organization a request acts on, for per-organization accreditations. */
  organizationOf?: (request: FastifyRequest) => Promise<string | undefined>;
  db: Db;
  events: EventRecorder;
  clock: Clock;
  platform: Platform;
  baseUrl: string;
}

/** Apps (OAuth clients), API keys, accreditations for sensitive scopes and the log of sensitive calls. */
export function createAppsCore(deps: AppsCoreDeps) {
  const db = deps.db.kysely;
  const store = createAppsCoreStore();
  const apps = createAppService({ db, store, events: deps.events, clock: deps.clock, access: deps.platform.access });
  const keys = createKeyService({ db, store, events: deps.events, clock: deps.clock, apps });
  const accreditations = createAccreditationService({
    db, store, events: deps.events, clock: deps.clock, access: deps.platform.access, apps, mail: deps.platform.mail, baseUrl: deps.baseUrl, organizationOf: deps.organizationOf,
  });
  const clientRegistry = createClientRegistry({ db, store });
  return {
    apps,
    keys,
    clientRegistry,
    /** Resolves `Authorization: Bearer mtk_…`. */
    bearer: keys.bearer,
    accreditations,
    /** Accreditation and purpose for sensitive scopes used by app credentials. */
    clientScopeCheck: accreditations.scopeCheck,
    /** Server-wide: reads `_purpose` out of the query string before validation. */
    async registerHooks(app: FastifyInstance) {
      app.addHook('onRequest', capturePurpose);
    },
    store,
    async routes(api: FastifyInstance) {
      await api.register(appRoutes, { apps, keys, baseUrl: deps.baseUrl });
      await api.register(accreditationRoutes, { accreditations, baseUrl: deps.baseUrl });
    },
  };
}
export type AppsCore = ReturnType<typeof createAppsCore>;
