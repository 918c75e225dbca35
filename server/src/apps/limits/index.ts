import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../kernel/clock.js';
import { limitsHook } from './hook.js';
import { limitsRoutes } from './routes.js';
import { createInstanceCount } from './instances.js';
import { createMemoryStore } from './limiter.js';
import { resolvePlans } from './plans.js';
import { createRedisStore } from './redis.js';
import { createLimitsService } from './service.js';
import { createPlanStore } from './store.js';

export { policyHeader, rateLimitHeader, isLimitedPath } from './hook.js';
export { defaultPlans, resolvePlans, type PlanLimits } from './plans.js';
export type { LimitsService } from './service.js';

export interface LimitsDeps {
  db: Db;
  clock: Clock;
  /** The server's Redis connection: limits exact across instances; in memory otherwise. */
  redis?: Redis;
  rateLimits?: string;
  rateLimitPrefix?: string;
  /** MULTITUDE_INSTANCES: how many instances to assume until Redis has been reached once (the fallback's share). */
  instancesHint?: number;
  logger: { warn(o: object, m: string): void };
}

/**
 * Rate limits and quotas: the service, the hook to register after authentication, and a stopper.
 * Contract: `register` must come after the auth hook (limits are per app credential or per address); counters
 * live in Redis when given, else in memory per instance; while Redis is away each instance allows its share
 * (limit ÷ instances alive, from a heartbeat in Redis); `stop` closes them.
 */
export function createLimits(deps: LimitsDeps) {
  const plans = resolvePlans(deps.rateLimits);
  const prefix = deps.rateLimitPrefix ?? 'mt:rl:';
  const store = deps.redis ? createRedisStore(deps.redis, prefix) : createMemoryStore();
  const instances = createInstanceCount({ redis: deps.redis, prefix, hint: deps.instancesHint });
  const service = createLimitsService({
    db: deps.db,
    clock: deps.clock,
    plans,
    planStore: createPlanStore(),
    store,
    instances,
    logger: deps.logger,
  });
  return {
    service,
    register: (app: FastifyInstance) => limitsHook(service)(app),
    routes: (api: FastifyInstance) => api.register(limitsRoutes, { limits: service }),
    /** The instances believed alive (Redis heartbeat, else the hint): what the fallback divides limits by. */
    instances,
    stop: async () => {
      await instances.stop();
      await store.close?.();
    },
  };
}
export type Limits = ReturnType<typeof createLimits>;
