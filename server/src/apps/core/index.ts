import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../kernel/clock.js';
import type { EventRecorder } from '../../events/recorder.js';
import type { Platform } from '../../platform/index.js';
import { createAppsCoreStore } from './store.js';
import { createAppService, createClientRegistry } from './service.js';
import { accreditationRoutes, appRoutes } from './routes.js';
import { capturePurpose, createAccreditationService } from './accreditations.js';
import { createKeyService, KEY_CACHE_TTL_MS, type KeyForAuth } from './keys.js';
import { createTtlCache } from '../../kernel/ttl-cache.js';

export interface AppsCoreDeps {
  /** The organization a request acts on, for per-organization accreditations. */
  organizationOf?: (request: FastifyRequest) => Promise<string | undefined>;
  db: Db;
  events: EventRecorder;
  clock: Clock;
  platform: Platform;
  baseUrl: string;
}

/**
 * Apps (OAuth clients), API keys, accreditations for sensitive scopes and the log of sensitive calls.
 * Contract: built once by `createApps`; `bearer` resolves `mtk_` keys (cached 5 s, cleared when a key changes),
 * `clientScopeCheck` must run for every app credential using a sensitive scope, `registerHooks` before routes.
 */
export function createAppsCore(deps: AppsCoreDeps) {
  const db = deps.db.kysely;
  const store = createAppsCoreStore();
  const keyCache = createTtlCache<KeyForAuth | null>({ ttlMs: KEY_CACHE_TTL_MS, max: 10_000 });
  const apps = createAppService({
    db,
    store,
    events: deps.events,
    clock: deps.clock,
    access: deps.platform.access,
    onCredentialsChanged: () => keyCache.clear(),
  });
  const keys = createKeyService({ db, store, events: deps.events, clock: deps.clock, apps, cache: keyCache });
  const accreditations = createAccreditationService({
    db,
    store,
    events: deps.events,
    clock: deps.clock,
    access: deps.platform.access,
    apps,
    mail: deps.platform.mail,
    baseUrl: deps.baseUrl,
    organizationOf: deps.organizationOf,
  });
  const clientRegistry = createClientRegistry({ db, store });
  return {
    apps,
    keys,
    /** The resolved-key cache (the cluster bus clears it on every instance). */
    keyCache,
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
