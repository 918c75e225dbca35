import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { nextLink, problems } from '../../kernel/http.js';
import { userOf } from '../../platform/index.js';
import type { ContributionService } from './service.js';
import {
  AcceptBody,
  ContributionQuery,
  ContributionRules,
  ContributionSummary,
  ContributionView,
  ProposalBody,
  RejectBody,
  RequestChangesBody,
} from './schema.js';

const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const ResourceParams = Type.Object({ slug: Type.String({ maxLength: 100 }), id: Type.String({ maxLength: 64 }) });

export async function contributionRoutes(
  base: FastifyInstance,
  opts: { contributions: ContributionService; baseUrl: string },
) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { contributions } = opts;
  const write = { require: 'user' as const, scope: 'contributions:write' as const };
  const tags = ['Contributions'];

  app.post(
    '/datasets/:slug/resources/:id/contributions',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Propose changes to the rows of a tabular resource',
        description:
          'Up to 500 changes `{op: insert|update|delete, rowId?, values?}` (rowId is the row `_id`), checked against the Table Schema. Proposals per day depend on the trust level (0: 20, 1: 50, 2: 200, 3: 1000, 4: unlimited; 429 with Retry-After beyond). With `apply: true`, someone who may edit the data directly (see `GET /datasets/{slug}/contribution-rules`) applies the changes at once; on datasets that allow direct edits, a trust-level ≥ 3 author’s proposal is accepted at once. Nobody reviews their own proposal: when nobody else may review it, the organization’s owners are notified and the platform administrators may review it.',
        params: ResourceParams,
        body: ProposalBody,
        response: { 201: ContributionView, ...problems(400, 401, 403, 404, 413, 429) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await contributions.submit(userOf(request), request.params.slug, request.params.id, request.body)),
  );

  app.get(
    '/datasets/:slug/contribution-rules',
    {
      schema: {
        tags,
        summary: 'What a proposal by you on this dataset would meet, before you submit it',
        description:
          'Whether you may apply changes at once (`canApply`), how many other people review this dataset’s proposals, and the organization’s review target. When `noOtherReviewer` is true, a proposal waits for the platform administrators and the organization’s owners are notified.',
        params: Type.Object({ slug: Type.String({ maxLength: 100 }) }),
        response: { 200: ContributionRules, ...problems(404) },
      },
    },
    async (request) => contributions.rules(request.actor, request.params.slug),
  );

  app.get(
    '/contributions',
    {
      schema: {
        tags,
        summary: 'Contributions, oldest first by default (the review queue)',
        querystring: ContributionQuery,
        response: {
          200: Type.Object({ items: Type.Array(ContributionSummary), next: Type.Union([Type.String(), Type.Null()]) }),
          ...problems(400),
        },
      },
    },
    async (request, reply) => {
      const page = await contributions.list(request.actor, request.query);
      return { items: page.items, next: nextLink(request, reply, opts.baseUrl, page.nextCursor) };
    },
  );

  app.get(
    '/contributions/:id',
    {
      schema: {
        tags,
        summary: 'A contribution with its cell-level diff and conflicts',
        params: IdParams,
        response: { 200: ContributionView, ...problems(404) },
      },
    },
    async (request) => contributions.get(request.actor, request.params.id),
  );

  app.patch(
    '/contributions/:id',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'The author replaces the change set (after changes were requested); back to pending',
        params: IdParams,
        body: ProposalBody,
        response: { 200: ContributionView, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => contributions.amend(userOf(request), request.params.id, request.body),
  );

  app.post(
    '/contributions/:id/withdraw',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'The author withdraws a proposal',
        params: IdParams,
        response: { 200: ContributionView, ...problems(401, 403, 404, 409) },
      },
    },
    async (request) => contributions.withdraw(userOf(request), request.params.id),
  );

  app.post(
    '/contributions/:id/accept',
    {
      config: { auth: write },
      // An empty body means "accept every change".
      preValidation: async (request) => {
        if (request.body === undefined || request.body === null) request.body = {};
      },
      schema: {
        tags,
        summary: 'Accept all or some changes (applied atomically, with row revisions)',
        params: IdParams,
        body: AcceptBody,
        response: { 200: ContributionView, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => contributions.accept(userOf(request), request.params.id, request.body),
  );

  app.post(
    '/contributions/:id/reject',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Reject with a reason shown to the author',
        params: IdParams,
        body: RejectBody,
        response: { 200: ContributionView, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => contributions.reject(userOf(request), request.params.id, request.body),
  );

  app.post(
    '/contributions/:id/request-changes',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Ask the author to change the proposal',
        params: IdParams,
        body: RequestChangesBody,
        response: { 200: ContributionView, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => contributions.requestChanges(userOf(request), request.params.id, request.body),
  );
}
