import type { FastifyInstance } from 'fastify';
import { anonymous } from '../../kernel/actor.js';
import { AppError } from '../../kernel/errors.js';
import { isExpensive } from '../../kernel/cost.js';
import type { Decision } from './limiter.js';
import type { PlanLimits } from './plans.js';
import type { LimitsService } from './service.js';

/** Whether a path is limited after authentication: the API, and OFREP's flag evaluations (the same calls). */
export const isLimitedPath = (url: string) => url.startsWith('/api/v1/') || url.startsWith('/ofrep/v1/');
/** The OAuth token endpoint: its protocol handler takes the request over in onRequest, so it is counted there, per IP. */
const isTokenEndpoint = (url: string) => url === '/oauth/token' || url.startsWith('/oauth/token?');

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
    const policyOf = (plan: PlanLimits) => {
      let policy = policies.get(plan);
      if (policy === undefined) policies.set(plan, (policy = policyHeader(plan)));
      return policy;
    };
    const refuse = (d: Decision & { plan: PlanLimits; planName: string }) => {
      const detail =
        d.exceeded === 'daily'
          ? `The daily quota of the ${d.planName} plan (${d.plan.daily} calls) is spent; it renews at midnight UTC`
          : `Too many requests at once for the ${d.planName} plan (${d.plan.burst!.limit} per ${d.plan.burst!.windowSeconds} s); retry in ${d.retryAfterSeconds} s`;
      return new AppError('rate_limited', detail, { retryAfterSeconds: d.retryAfterSeconds });
    };
    app.addHook('onRequest', async (request, reply) => {
      if (!isTokenEndpoint(request.url)) return;
      const d = await limits.check(anonymous, request.ip);
      if (!d) return;
      // The protocol handler writes the answer itself: the headers go on the raw response.
      reply.raw.setHeader('ratelimit-policy', policyOf(d.plan));
      reply.raw.setHeader('ratelimit', rateLimitHeader(d));
      if (!d.allowed) throw refuse(d);
    });
    app.addHook('preHandler', async (request, reply) => {
      if (!isLimitedPath(request.url)) return;
      const d = await limits.check(request.actor, request.ip);
      if (d) reply.header('ratelimit-policy', policyOf(d.plan)).header('ratelimit', rateLimitHeader(d));
      if (d && !d.allowed) throw refuse(d);
      // Anonymous queries that may scan a whole table also draw on a second, tighter bucket per address.
      if (request.actor.kind !== 'anonymous' || !isExpensive(request.routeOptions.config.expensive, request.query))
        return;
      const x = await limits.checkExpensive(request.ip);
      if (x && !x.allowed)
        throw new AppError(
          'rate_limited',
          `Too many costly queries (filters, search, facets, aggregates, statistics, downloads) from this address without signing in (${x.plan.burst ? `${x.plan.burst.limit} per ${x.plan.burst.windowSeconds} s` : `${x.plan.daily} a day`}); retry in ${x.retryAfterSeconds} s, or sign in or use an API key for your own limits`,
          { retryAfterSeconds: x.retryAfterSeconds },
        );
    });
  };
}
