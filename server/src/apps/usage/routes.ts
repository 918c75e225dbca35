import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { problems } from '../../kernel/http.js';
import { userOf } from '../../platform/index.js';
import { AppUsage, OrganizationUsage, UsageQuery } from './schema.js';
import type { UsageService } from './service.js';

export async function usageRoutes(base: FastifyInstance, opts: { usage: UsageService }) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['Usage'];
  const auth = { require: 'user' as const, scope: 'apps:read' as const };

  app.get(
    '/apps/:id/usage',
    {
      config: { auth },
      schema: {
        tags,
        summary: 'An app’s usage: calls per day, per endpoint (errors, latency percentiles), datasets consumed',
        description:
          'For the app’s owner and its organization’s owners and admins. Figures are written every few seconds.',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        querystring: UsageQuery,
        response: { 200: AppUsage, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => opts.usage.appUsage(userOf(request), request.params.id, request.query),
  );

  app.get(
    '/organizations/:slug/usage',
    {
      config: { auth },
      schema: {
        tags,
        summary: 'An organization’s usage: its apps’ calls, and which apps consume its datasets',
        description: 'For the organization’s owners and admins.',
        params: Type.Object({ slug: Type.String({ maxLength: 100 }) }),
        querystring: UsageQuery,
        response: { 200: OrganizationUsage, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => opts.usage.organizationUsage(userOf(request), request.params.slug, request.query),
  );
}
