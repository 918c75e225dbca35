import type { FastifyInstance } from 'fastify';
import { AppError } from '../../kernel/errors.js';
import type { Decision } from './limiter.js';
import type { PlanLimits } from './plans.js';
import type { LimitsService } from './service.js';

/** Whether a path is limited: the API and the OAuth token endpoint. */
export const isLimitedPath = (url: string) => url.startsWith('/api/v1/') || url.startsWith('/oauth/token');

/** `RateLimit-Policy` per draft-ietf-httpapi-ratelimit-headers: a structured-field list of named policies. */
export function policyHeader(plan: PlanLimits): string {
  const items: string[] = [];
  if (plan.burst) items.push(`"burst";q=${plan.burst.limit};w=${plan.burst.windowSeconds}`);
  if (plan.daily !== null) items.push(`"daily";q=${plan.daily};w=86400`);
  return items.join(', ');
}

/** `RateLimit`: what is left of each policy (`r`) and the seconds until it is whole again (`t`). */
export function rateLimitHeader(d: Decision): string {
  const items: string[] = [];
  if (d.burst) items.push(`"burst";r=${d.burst.remaining};t=${d.burst.resetSeconds}`);
  if (d.daily) items.push(`"daily";r=${d.daily.remaining};t=${d.daily.resetSeconds}`);
  return items.join(', ');
}

/**
 * Runs after authentication (request.actor is known), before the handler: counts the request,
 * adds the headers, refuses with 429 problem+json and Retry-After beyond the limit.
 */
export function limitsHook(limits: LimitsService) {
  return async (app: FastifyInstance) => {
    const policies = new Map<PlanLimits, string>();
    app.addHook('preHandler', async (request, reply) => {
      if (!isLimitedPath(request.url)) return;
      const d = await limits.check(request.actor, request.ip);
      if (!d) return;
      let policy = policies.get(d.plan);
      if (policy === undefined) policies.set(d.plan, (policy = policyHeader(d.plan)));
      reply.header('ratelimit-policy', policy).header('ratelimit', rateLimitHeader(d));
      if (!d.allowed) {
        const detail =
          d.exceeded === 'daily'
            ? `The daily quota of the ${d.planName} plan (${d.plan.daily} calls) is spent; it renews at midnight UTC`
            : `Too many requests at once for the ${d.planName} plan (${d.plan.burst!.limit} per ${d.plan.burst!.windowSeconds} s); retry in ${d.retryAfterSeconds} s`;
        throw new AppError('rate_limited', detail, { retryAfterSeconds: d.retryAfterSeconds });
      }
    });
  };
}
