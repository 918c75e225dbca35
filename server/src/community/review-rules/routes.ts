import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { problems } from '../../kernel/http.js';
import { userOf } from '../../platform/index.js';
import type { ReviewRulesService } from './service.js';
import { ReviewRules, ReviewRulesBody } from './schema.js';

const Params = Type.Object({ slug: Type.String({ maxLength: 100 }) });

export async function reviewRulesRoutes(base: FastifyInstance, opts: { reviewRules: ReviewRulesService }) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['Contributions'];
  app.get(
    '/organizations/:slug/review-rules',
    {
      schema: {
        tags,
        summary: 'The review target the organization publishes',
        params: Params,
        response: { 200: ReviewRules, ...problems(404) },
      },
    },
    async (request) => opts.reviewRules.get(request.params.slug),
  );
  app.put(
    '/organizations/:slug/review-rules',
    {
      config: { auth: { require: 'user' as const, scope: 'organizations:write' as const } },
      schema: {
        tags,
        summary: 'Set the review target (owners and admins)',
        params: Params,
        body: ReviewRulesBody,
        response: { 200: ReviewRules, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => opts.reviewRules.put(userOf(request), request.params.slug, request.body),
  );
}
