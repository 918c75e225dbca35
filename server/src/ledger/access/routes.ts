/** HTTP of the personal-data access log: a person's own records, and hiding one for a legal reason. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { nextLink, problems } from '../../kernel/http.js';
import { DEFAULT_LIMIT } from '../../kernel/pagination.js';
import { userOf } from '../../platform/index.js';
import { DataAccessPage, DataAccessQuery, DataAccessView, HideBody, RecordParams } from './schema.js';
import type { DataAccessLog } from './service.js';

export async function dataAccessRoutes(base: FastifyInstance, opts: { log: DataAccessLog; baseUrl: string }) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { log } = opts;
  const tags = ['Personal data'];
  app.addSchema(DataAccessView);

  app.get(
    '/me/data-access',
    {
      config: { auth: { require: 'user', scope: 'profile:read' } },
      schema: {
        tags,
        summary: 'Who read my personal data, when, for what purpose and on which legal basis',
        description:
          'Every read of your personal data by someone else (a platform administrator, an organization, an accredited app), newest first. A record hidden for a legal reason shows only its dates and the reason. Each record’s SHA-256 is in the transparency log: GET /api/v1/log/events/{eventId} proves it.',
        querystring: DataAccessQuery,
        response: { 200: DataAccessPage, ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const page = await log.mine(userOf(request), request.query._cursor, request.query._limit ?? DEFAULT_LIMIT);
      return { items: page.items, next: nextLink(request, reply, opts.baseUrl, page.nextCursor) };
    },
  );

  app.post(
    '/admin/data-access/:id/hide',
    {
      config: { auth: { require: 'session' } },
      schema: {
        tags,
        summary: 'Hide an access record from its person until a date, for a legal reason (platform administrators)',
        params: RecordParams,
        body: HideBody,
        response: { 200: DataAccessView, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => log.hide(userOf(request), request.params.id, request.body),
  );
}
