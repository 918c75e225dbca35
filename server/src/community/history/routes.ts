import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { nextLink, problems } from '../../kernel/http.js';
import { userOf } from '../../platform/index.js';
import type { HistoryService } from './service.js';
import { ChangelogEntry, PageQuery, RevisionView } from './schema.js';
import { SAFE_INTEGER_MAX } from '../../kernel/input.js';

const RowParams = Type.Object({
  slug: Type.String({ maxLength: 100 }),
  id: Type.String({ maxLength: 64 }),
  rowId: Type.Integer({ minimum: 1, maximum: SAFE_INTEGER_MAX }),
});
const Next = Type.Union([Type.String(), Type.Null()]);

export async function historyRoutes(base: FastifyInstance, opts: { history: HistoryService; baseUrl: string }) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { history } = opts;
  const tags = ['History'];

  app.get(
    '/datasets/:slug/resources/:id/rows/:rowId/revisions',
    {
      schema: {
        tags,
        summary: 'Revisions of a row, newest first: who, when, through which contribution, before and after',
        params: RowParams,
        querystring: PageQuery,
        response: { 200: Type.Object({ items: Type.Array(RevisionView), next: Next }), ...problems(400, 404) },
      },
    },
    async (request, reply) => {
      const page = await history.revisions(
        request.actor,
        request.params.slug,
        request.params.id,
        request.params.rowId,
        request.query._cursor,
        request.query._limit ?? 20,
      );
      return { items: page.items, next: nextLink(request, reply, opts.baseUrl, page.nextCursor) };
    },
  );

  app.post(
    '/datasets/:slug/resources/:id/rows/:rowId/revisions/:revisionId/revert',
    {
      config: { auth: { require: 'user', scope: 'contributions:write' } },
      schema: {
        tags,
        summary: 'Restore the row to its state before this revision (reviewers); recorded as a new revision',
        params: Type.Composite([RowParams, Type.Object({ revisionId: Type.String({ maxLength: 64 }) })]),
        response: { 201: RevisionView, ...problems(401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await history.revert(
            userOf(request),
            request.params.slug,
            request.params.id,
            request.params.rowId,
            request.params.revisionId,
          ),
        ),
  );

  app.get(
    '/datasets/:slug/changelog',
    {
      schema: {
        tags,
        summary: 'Accepted contributions and reverts of a dataset, newest first',
        params: Type.Object({ slug: Type.String({ maxLength: 100 }) }),
        querystring: PageQuery,
        response: { 200: Type.Object({ items: Type.Array(ChangelogEntry), next: Next }), ...problems(400, 404) },
      },
    },
    async (request, reply) => {
      const page = await history.changelog(
        request.actor,
        request.params.slug,
        request.query._cursor,
        request.query._limit ?? 20,
      );
      return { items: page.items, next: nextLink(request, reply, opts.baseUrl, page.nextCursor) };
    },
  );
}
