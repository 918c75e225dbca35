import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { nextLink, problems } from '../../kernel/http.js';
import { userOf } from '../../platform/index.js';
import type { WebhookService } from './service.js';
import {
  CreateWebhookBody,
  Delivery,
  DeliveryDetail,
  DeliveryList,
  DeliveryQuery,
  EventTypeList,
  ListQuery,
  UpdateWebhookBody,
  Webhook,
  WebhookList,
  WebhookWithSecret,
} from './schema.js';

const Id = Type.Object({ id: Type.String({ maxLength: 64 }) });
const MsgId = Type.Object({ id: Type.String({ maxLength: 64 }), msgId: Type.String({ maxLength: 64 }) });

export async function webhookRoutes(base: FastifyInstance, opts: { webhooks: WebhookService; baseUrl: string }) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['Webhooks'];
  const read = { require: 'user' as const, scope: 'webhooks:read' as const };
  const write = { require: 'user' as const, scope: 'webhooks:write' as const };
  const { webhooks } = opts;

  app.get(
    '/webhooks/event-types',
    {
      schema: {
        tags,
        summary: 'The event types a subscription may list, with what each means',
        response: { 200: EventTypeList },
      },
    },
    async () => ({ items: webhooks.eventTypes() }),
  );

  app.post(
    '/webhooks',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Subscribe a URL to events; the signing secret (whsec_…) is in this answer only',
        body: CreateWebhookBody,
        response: { 201: WebhookWithSecret, ...problems(400, 401, 403, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await webhooks.create(userOf(request), request.body)),
  );

  app.get(
    '/webhooks',
    {
      config: { auth: read },
      schema: {
        tags,
        summary: 'Your webhook subscriptions',
        querystring: ListQuery,
        response: { 200: WebhookList, ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const page = await webhooks.list(userOf(request), request.query);
      return { items: page.items, next: nextLink(request, reply, opts.baseUrl, page.nextCursor) };
    },
  );

  app.get(
    '/webhooks/:id',
    {
      config: { auth: read },
      schema: {
        tags,
        summary: 'A webhook subscription',
        params: Id,
        response: { 200: Webhook, ...problems(401, 403, 404) },
      },
    },
    async (request) => webhooks.get(userOf(request), request.params.id),
  );

  app.patch(
    '/webhooks/:id',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Change a subscription’s URL, events, filters or description; re-enable or disable it',
        params: Id,
        body: UpdateWebhookBody,
        response: { 200: Webhook, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => webhooks.update(userOf(request), request.params.id, request.body),
  );

  app.delete(
    '/webhooks/:id',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Delete a subscription and its delivery log',
        params: Id,
        response: { 204: Type.Null(), ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await webhooks.remove(userOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/webhooks/:id/rotate-secret',
    {
      config: { auth: write },
      schema: {
        tags,
        summary:
          'A new signing secret, shown once; for 24 hours deliveries carry signatures from both the new and the former secret',
        params: Id,
        response: { 200: WebhookWithSecret, ...problems(401, 403, 404) },
      },
    },
    async (request) => webhooks.rotateSecret(userOf(request), request.params.id),
  );

  app.post(
    '/webhooks/:id/test',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Send a webhook.test message to the subscription',
        params: Id,
        response: { 202: Delivery, ...problems(401, 403, 404, 409) },
      },
    },
    async (request, reply) => reply.status(202).send(await webhooks.test(userOf(request), request.params.id)),
  );

  app.get(
    '/webhooks/:id/deliveries',
    {
      config: { auth: read },
      schema: {
        tags,
        summary: 'The delivery log: messages sent or to send, newest first',
        params: Id,
        querystring: DeliveryQuery,
        response: { 200: DeliveryList, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const page = await webhooks.deliveries(userOf(request), request.params.id, request.query);
      return { items: page.items, next: nextLink(request, reply, opts.baseUrl, page.nextCursor) };
    },
  );

  app.get(
    '/webhooks/:id/deliveries/:msgId',
    {
      config: { auth: read },
      schema: {
        tags,
        summary: 'A message, its body and every attempt to deliver it',
        params: MsgId,
        response: { 200: DeliveryDetail, ...problems(401, 403, 404) },
      },
    },
    async (request) => webhooks.delivery(userOf(request), request.params.id, request.params.msgId),
  );

  app.post(
    '/webhooks/:id/deliveries/:msgId/replay',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Send a message again (same webhook-id and body, so receivers can deduplicate)',
        params: MsgId,
        response: { 202: Delivery, ...problems(401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.status(202).send(await webhooks.replay(userOf(request), request.params.id, request.params.msgId)),
  );
}
