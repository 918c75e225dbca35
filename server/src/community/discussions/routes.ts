import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { nextLink, problems } from '../../kernel/http.js';
import { userOf } from '../../platform/index.js';
import type { DiscussionService } from './service.js';
import { CloseBody, CreateThreadBody, MessageBody, ThreadQuery, ThreadSummary, ThreadView } from './schema.js';

const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const MessageParams = Type.Object({ id: Type.String({ maxLength: 64 }), messageId: Type.String({ maxLength: 64 }) });

export async function discussionRoutes(
  base: FastifyInstance,
  opts: { discussions: DiscussionService; baseUrl: string },
) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { discussions } = opts;
  const write = { require: 'user' as const, scope: 'contributions:write' as const };
  const tags = ['Discussions'];
  const emptyBody = async (request: { body: unknown }) => {
    if (request.body === undefined || request.body === null) request.body = {};
  };

  app.post(
    '/discussions',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Open a discussion on a dataset, resource or contribution',
        description:
          'The author is subscribed. `@handle` mentions notify existing users (at most 20). New accounts (under 24 h) may post 10 messages an hour (429 with Retry-After beyond).',
        body: CreateThreadBody,
        response: { 201: ThreadView, ...problems(400, 401, 403, 404, 413, 429) },
      },
    },
    async (request, reply) => reply.status(201).send(await discussions.create(userOf(request), request.body)),
  );

  app.get(
    '/discussions',
    {
      schema: {
        tags,
        summary: 'Discussions on a subject, newest first',
        querystring: ThreadQuery,
        response: {
          200: Type.Object({ items: Type.Array(ThreadSummary), next: Type.Union([Type.String(), Type.Null()]) }),
          ...problems(400, 404),
        },
      },
    },
    async (request, reply) => {
      const page = await discussions.list(request.actor, request.query);
      return { items: page.items, next: nextLink(request, reply, opts.baseUrl, page.nextCursor) };
    },
  );

  app.get(
    '/discussions/:id',
    {
      schema: {
        tags,
        summary: 'A discussion with its messages (bodies rendered from Markdown, sanitized)',
        params: IdParams,
        response: { 200: ThreadView, ...problems(404) },
      },
    },
    async (request) => discussions.get(request.actor, request.params.id),
  );

  app.post(
    '/discussions/:id/messages',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Reply (subscribes the replier; notifies the subscribers and the mentioned users)',
        params: IdParams,
        body: MessageBody,
        response: { 201: ThreadView, ...problems(400, 401, 403, 404, 409, 413, 429) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await discussions.reply(userOf(request), request.params.id, request.body)),
  );

  app.post(
    '/discussions/:id/subscription',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Follow a discussion',
        params: IdParams,
        response: { 200: ThreadView, ...problems(401, 403, 404) },
      },
    },
    async (request) => discussions.subscribe(userOf(request), request.params.id, true),
  );

  app.delete(
    '/discussions/:id/subscription',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Stop following a discussion',
        params: IdParams,
        response: { 200: ThreadView, ...problems(401, 403, 404) },
      },
    },
    async (request) => discussions.subscribe(userOf(request), request.params.id, false),
  );

  app.post(
    '/discussions/:id/close',
    {
      config: { auth: write },
      preValidation: emptyBody,
      schema: {
        tags,
        summary: "Close as resolved (the dataset's reviewers)",
        params: IdParams,
        body: CloseBody,
        response: { 200: ThreadView, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => discussions.close(userOf(request), request.params.id, request.body),
  );

  app.post(
    '/discussions/:id/reopen',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: "Reopen (the dataset's reviewers)",
        params: IdParams,
        response: { 200: ThreadView, ...problems(401, 403, 404, 409) },
      },
    },
    async (request) => discussions.reopen(userOf(request), request.params.id),
  );

  app.post(
    '/discussions/:id/messages/:messageId/helpful',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: "Mark a message helpful (the discussion's author or the dataset's reviewers)",
        params: MessageParams,
        response: { 200: ThreadView, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => discussions.markHelpful(userOf(request), request.params.id, request.params.messageId),
  );
}
