import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { nextLink, problems } from '../kernel/http.js';
import { userOf } from '../platform/index.js';
import type { RecognitionService } from './service.js';
import {
  BadgeList,
  Contributors,
  HandleParams,
  Leaderboard,
  LeaderboardQuery,
  PageQuery,
  Profile,
  ReputationPage,
  ReviewStats,
  SlugParams,
  TrustLevelBody,
  TrustLevelRules,
  TrustLevelView,
} from './schema.js';

export async function recognitionRoutes(
  base: FastifyInstance,
  opts: { recognition: RecognitionService; baseUrl: string },
) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const r = opts.recognition;
  const tags = ['Recognition'];

  app.get(
    '/users/:handle',
    {
      schema: {
        tags,
        summary: 'Public profile: reputation, trust level, badges, statistics, contribution calendar',
        params: HandleParams,
        response: { 200: Profile, ...problems(404) },
      },
    },
    async (request) => r.profile(request.params.handle),
  );

  app.get(
    '/users/:handle/reputation',
    {
      schema: {
        tags,
        summary: 'Reputation entries, newest first; each names the event it comes from',
        params: HandleParams,
        querystring: PageQuery,
        response: { 200: ReputationPage, ...problems(400, 404) },
      },
    },
    async (request, reply) => {
      const page = await r.reputation(request.params.handle, request.query._cursor, request.query._limit);
      return { total: page.total, items: page.items, next: nextLink(request, reply, opts.baseUrl, page.nextCursor) };
    },
  );

  app.put(
    '/users/:handle/trust-level',
    {
      config: { auth: { require: 'session' as const } },
      schema: {
        tags,
        summary: 'Set a trust level by hand (platform administrators; level 4 is granted this way only)',
        params: HandleParams,
        body: TrustLevelBody,
        response: { 200: TrustLevelView, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => r.setTrustLevel(userOf(request), request.params.handle, request.body.level, request.body.reason),
  );

  app.get(
    '/badges',
    {
      schema: {
        tags,
        summary: 'Badge definitions, their criteria (EN/FR) and how many hold each',
        response: { 200: BadgeList },
      },
    },
    async () => ({ items: await r.badges() }),
  );

  app.get(
    '/trust-levels',
    {
      schema: {
        tags,
        summary: 'Trust levels: thresholds and the privileges each unlocks (EN/FR), and the reputation rules',
        response: { 200: TrustLevelRules },
      },
    },
    async () => r.trustLevelRules(),
  );

  app.get(
    '/leaderboards',
    {
      schema: {
        tags,
        summary: 'Reputation earned in a period, optionally on one dataset or organization',
        querystring: LeaderboardQuery,
        response: { 200: Leaderboard, ...problems(400, 404) },
      },
    },
    async (request) =>
      r.leaderboard({
        period: request.query.period,
        dataset: request.query.dataset,
        organization: request.query.organization,
        limit: request.query._limit,
      }),
  );

  app.get(
    '/datasets/:slug/contributors',
    {
      schema: {
        tags,
        summary: 'Credits: people whose contributions to this dataset were accepted',
        params: SlugParams,
        querystring: PageQuery,
        response: { 200: Contributors, ...problems(400, 404) },
      },
    },
    async (request, reply) => {
      const page = await r.contributors(request.params.slug, request.query._cursor, request.query._limit);
      return { items: page.items, next: nextLink(request, reply, opts.baseUrl, page.nextCursor) };
    },
  );

  app.get(
    '/organizations/:slug/review-stats',
    {
      schema: {
        tags,
        summary: 'How fast this organization reviews contributions (median over the last 90 days)',
        params: SlugParams,
        response: { 200: ReviewStats, ...problems(404) },
      },
    },
    async (request) => r.reviewStats(request.actor, request.params.slug),
  );
}
