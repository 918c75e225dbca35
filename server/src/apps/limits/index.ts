import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/database.js';
import type { Clock } from '../../kernel/clock.js';
import { limitsHook } from './hook.js';
import { limitsRoutes } from './routes.js';
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
  redisUrl?: string;
  rateLimits?: string;
  rateLimitPrefix?: string;
  logger: { warn(o: object, m: string): void };
}

/** Rate limits and quotas: the service, the hook to register after authentication, and a stopper. */
export function createLimits(deps: LimitsDeps) {
  const plans = resolvePlans(deps.rateLimits);
  let lastError = 0;
  const store = deps.redisUrl
    ? createRedisStore(deps.redisUrl, deps.rateLimitPrefix ?? 'mt:rl:', (err) => {
        const now = Date.now();
        if (now - lastError < 10_000) return;
        lastError = now;
        deps.logger.warn({ err: String(err) }, 'rate limits: Redis connection error');
      })
    : createMemoryStore();
  const service = createLimitsService({ db: deps.db, clock: deps.clock, plans, planStore: createPlanStore(), store, logger: deps.logger });
  return {
    service,
    register: (app: FastifyInstance) => limitsHook(service)(app),
    routes: (api: FastifyInstance) => api.register(limitsRoutes, { limits: service }),
    stop: async () => store.close?.(),
  };
}
export type Limits = ReturnType<typeof createLimits>;
