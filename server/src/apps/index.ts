import type { OutboundOptions } from '../kernel/outbound.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { Db } from '../db/database.js';
import type { Clock } from '../kernel/clock.js';
import type { EventRecorder } from '../events/recorder.js';
import type { Consumer } from '../events/dispatcher.js';
import type { BearerResolver, ClientScopeCheck } from '../platform/index.js';
import type { Platform } from '../platform/index.js';
import type { Data } from '../data/index.js';
import { createAppsCore } from './core/index.js';
import { createOAuth } from './oauth/index.js';
import { createLimits } from './limits/index.js';
import { createUsage } from './usage/index.js';
import { createWebhooks } from './webhooks/index.js';
import { createReuses } from './reuses/index.js';

export { ReuseSummary } from './reuses/schema.js';

export interface AppsDeps {
  db: Db;
  events: EventRecorder;
  clock: Clock;
  platform: Platform;
  data: Data;
  secretKey: string;
  baseUrl: string;
  /** The server's Redis connection (kernel/redis.ts): rate limits exact across instances; in memory otherwise. */
  redis?: Redis;
  /** MULTITUDE_RATE_LIMITS (JSON of plan overrides) and the Redis key prefix of the limits. */
  rateLimits?: string;
  rateLimitPrefix?: string;
  /** MULTITUDE_INSTANCES: instances to assume for the rate limits' fallback until Redis has answered once. */
  instancesHint?: number;
  /** Let webhooks and other outbound requests reach private and loopback addresses (development, tests). */
  /** The SSRF guard's options, for webhooks. */
  outbound: OutboundOptions;
  logger: { info(o: object, m: string): void; warn(o: object, m: string): void; error(o: object, m: string): void };
}

/**
 * The developer platform: apps and API keys, accreditations, the OAuth 2.1 authorization server,
 * rate limits and quotas, usage analytics, webhooks and reuses. Each part lives in its own folder;
 * this function wires them and hands the composition root what it needs.
 * Contract: `bearers` and `clientScopeCheck` go to the platform's auth plugin, `registerHooks` before the routes,
 * `consumers` to the dispatcher; `start`/`stop` run the background work (deliveries, usage flushes, cleanup).
 */
export async function createApps(deps: AppsDeps) {
  const bearers: BearerResolver[] = [];
  const consumers: Consumer[] = [];
  /** Hooks on the whole server (rate limits, usage capture), registered right after authentication. */
  const hookRegistrations: Array<(app: FastifyInstance) => Promise<void>> = [];
  /** Routes under /api/v1. */
  const apiRoutes: Array<(api: FastifyInstance) => Promise<void>> = [];
  /** Routes at the root (/oauth/…, /.well-known/…). */
  const rootRoutes: Array<(app: FastifyInstance) => Promise<void>> = [];
  const starters: Array<() => Promise<void> | void> = [];
  const stoppers: Array<() => Promise<void> | void> = [];

  // The organization a request acts on: named in the path (/organizations/:slug…, /datasets/:slug…) or in the body.
  const organizationOf = async (request: FastifyRequest): Promise<string | undefined> => {
    const route = request.routeOptions.url ?? '';
    const slug = (request.params as Record<string, string | undefined> | undefined)?.slug;
    if (slug && route.startsWith('/api/v1/organizations/:slug')) return (await deps.platform.access.bySlug(slug))?.id;
    if (slug && route.startsWith('/api/v1/datasets/:slug'))
      return (await deps.data.lookup.bySlug(slug))?.organizationId ?? undefined;
    const named = (request.body as { organization?: unknown } | undefined)?.organization;
    return typeof named === 'string' ? (await deps.platform.access.bySlug(named))?.id : undefined;
  };
  const appsCore = createAppsCore({
    db: deps.db,
    events: deps.events,
    clock: deps.clock,
    platform: deps.platform,
    baseUrl: deps.baseUrl,
    organizationOf,
  });
  /** Apps as OAuth clients, for the OAuth server below. */
  const clientRegistry = appsCore.clientRegistry;
  bearers.push(appsCore.bearer);
  const clientScopeCheck: ClientScopeCheck = appsCore.clientScopeCheck;
  hookRegistrations.push((app) => appsCore.registerHooks(app));
  apiRoutes.push((api) => appsCore.routes(api));

  const oauth = createOAuth({
    db: deps.db,
    events: deps.events,
    platform: deps.platform,
    clients: clientRegistry,
    secretKey: deps.secretKey,
    baseUrl: deps.baseUrl,
    logger: deps.logger,
  });
  bearers.push(oauth.bearer);
  apiRoutes.push((api) => oauth.apiRoutes(api));
  rootRoutes.push((app) => oauth.rootRoutes(app));
  starters.push(() => oauth.start());
  stoppers.push(() => oauth.stop());

  const limits = createLimits({
    db: deps.db,
    clock: deps.clock,
    redis: deps.redis,
    rateLimits: deps.rateLimits,
    rateLimitPrefix: deps.rateLimitPrefix,
    instancesHint: deps.instancesHint,
    logger: deps.logger,
  });
  const usage = createUsage({ db: deps.db, clock: deps.clock, access: deps.platform.access, logger: deps.logger });
  /** Calls per app since a day (YYYY-MM-DD), for "most used" rankings. */
  const callsByApp = usage.service.callsByApp;
  hookRegistrations.push(limits.register, usage.register);
  apiRoutes.push(usage.routes, async (api) => void (await limits.routes(api)));
  starters.push(() => usage.start());
  stoppers.push(
    () => limits.stop(),
    () => usage.stop(),
  );

  const webhooks = createWebhooks({
    db: deps.db,
    clock: deps.clock,
    platform: deps.platform,
    secretKey: deps.secretKey,
    baseUrl: deps.baseUrl,
    outbound: deps.outbound,
    logger: deps.logger,
  });
  consumers.push(webhooks.consumer);
  apiRoutes.push(async (api) => {
    await webhooks.routes(api);
  });
  starters.push(() => webhooks.start());
  stoppers.push(() => webhooks.stop());

  // Usage analytics' callsByApp (limits block) adds the linked app's API calls to the "most used" ranking when present.
  const reuses = createReuses({
    db: deps.db,
    events: deps.events,
    clock: deps.clock,
    platform: deps.platform,
    data: deps.data,
    baseUrl: deps.baseUrl,
    callsByApp,
  });
  consumers.push(...reuses.consumers);
  apiRoutes.push(reuses.routes);

  return {
    bearers,
    consumers,
    clientScopeCheck,
    async registerHooks(app: FastifyInstance) {
      for (const register of hookRegistrations) await register(app);
    },
    async routes(api: FastifyInstance) {
      for (const register of apiRoutes) await register(api);
    },
    async rootRoutes(app: FastifyInstance) {
      for (const register of rootRoutes) await register(app);
    },
    /** Background work (webhook deliveries, usage flushes). */
    async start() {
      for (const start of starters) await start();
    },
    async stop() {
      for (const stop of [...stoppers].reverse()) await stop();
    },
    // exposed services (each helper adds its own, for tests and the composition root)
    oauth,
    appsCore,
    clientRegistry,
    reuses: reuses.service,
    /** Demo reuses on the demo dataset: `await apps.seedDemoReuses(actor, 'demo')` after the demo data. */
    seedDemoReuses: reuses.seedDemo,
    limits: limits.service,
    /** How many instances the rate limits' fallback divides by (Redis heartbeat, else MULTITUDE_INSTANCES). */
    limitInstances: limits.instances,
    usage: usage.service,
    callsByApp,
    webhooks,
  };
}
export type Apps = Awaited<ReturnType<typeof createApps>>;
