import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { nextLink, problems } from '../kernel/http.js';
import { ActivityItem, ActivityQuery } from './schema.js';
import type { ActivityService } from './service.js';
import { feedLocale } from './sentences.js';

export async function activityRoutes(base: FastifyInstance, opts: { activity: ActivityService; baseUrl: string }) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/activity',
    {
      schema: {
        tags: ['Activity'],
        summary: 'Public activity of the platform, newest first',
        querystring: ActivityQuery,
        response: {
          200: Type.Object({ items: Type.Array(ActivityItem), next: Type.Union([Type.String(), Type.Null()]) }),
          ...problems(400),
        },
      },
    },
    async (request, reply) => {
      const locale = feedLocale(request.query.lang, request.headers['accept-language']);
      const page = await opts.activity.list(request.query, locale);
      reply.header('vary', 'Accept-Language');
      return { items: page.items, next: nextLink(request, reply, opts.baseUrl, page.nextCursor) };
    },
  );
}
