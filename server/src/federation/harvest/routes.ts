/** HTTP of harvesting: an organization's sources, runs on demand, run reports, and the webhook that triggers runs. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { problems } from '../../kernel/http.js';
import { userOf } from '../../platform/index.js';
import {
  AddSourceBody,
  HarvestRecord,
  HarvestReport,
  HarvestRun,
  HarvestSource,
  IdParams,
  OrgParams,
  UpdateSourceBody,
} from './schema.js';
import type { HarvestService } from './service.js';

export async function harvestRoutes(base: FastifyInstance, opts: { harvest: HarvestService }) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { harvest } = opts;
  const tags = ['Federation'];
  app.addSchema(HarvestRecord);
  app.addSchema(HarvestReport);
  app.addSchema(HarvestRun);
  app.addSchema(HarvestSource);
  const read = { auth: { require: 'user' as const, scope: 'organizations:read' as const } };
  const write = { auth: { require: 'user' as const, scope: 'organizations:write' as const } };

  app.get(
    '/organizations/:slug/harvest-sources',
    {
      config: read,
      schema: {
        tags,
        summary: 'The catalogs an organization harvests, each with its last run (members)',
        params: OrgParams,
        response: { 200: Type.Object({ items: Type.Array(Type.Ref(HarvestSource)) }), ...problems(401, 403, 404) },
      },
    },
    async (request) => ({ items: await harvest.listSources(userOf(request), request.params.slug) }),
  );

  app.post(
    '/organizations/:slug/harvest-sources',
    {
      config: write,
      schema: {
        tags,
        summary: 'Harvest a catalog into the organization (owners, admins, editors)',
        description:
          'The URL must be public (the outbound guard refuses private addresses, at each request and each redirect). With `intervalMinutes`, a run is scheduled at once and then at that interval.',
        params: OrgParams,
        body: AddSourceBody,
        response: { 201: Type.Ref(HarvestSource), ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await harvest.addSource(userOf(request), request.params.slug, request.body)),
  );

  app.get(
    '/harvest-sources/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'One harvest source',
        params: IdParams,
        response: { 200: Type.Ref(HarvestSource), ...problems(401, 403, 404) },
      },
    },
    async (request) => harvest.getSource(userOf(request), request.params.id),
  );

  app.patch(
    '/harvest-sources/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Rename, reschedule, pause or resume a source, or set its webhook secret',
        params: IdParams,
        body: UpdateSourceBody,
        response: { 200: Type.Ref(HarvestSource), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => harvest.updateSource(userOf(request), request.params.id, request.body),
  );

  app.delete(
    '/harvest-sources/:id',
    {
      config: write,
      schema: {
        tags,
        summary: 'Stop harvesting a catalog (its datasets stay, no longer updated)',
        params: IdParams,
        response: { 204: Type.Null(), ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await harvest.removeSource(userOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/harvest-sources/:id/runs',
    {
      config: write,
      schema: {
        tags,
        summary: 'Harvest now',
        description:
          'Queues a run, or answers the run already waiting. A run already running does not answer for it (it may have read the source before the change): a new one is queued to start after it.',
        params: IdParams,
        response: { 202: Type.Ref(HarvestRun), ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => reply.status(202).send(await harvest.requestRun(userOf(request), request.params.id)),
  );

  app.get(
    '/harvest-sources/:id/runs',
    {
      config: read,
      schema: {
        tags,
        summary: 'A source’s runs with their reports, newest first (members)',
        params: IdParams,
        querystring: Type.Object({ _limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })) }),
        response: { 200: Type.Object({ items: Type.Array(Type.Ref(HarvestRun)) }), ...problems(401, 403, 404) },
      },
    },
    async (request) => ({ items: await harvest.listRuns(userOf(request), request.params.id, request.query._limit) }),
  );

  app.get(
    '/harvest-sources/:id/records',
    {
      config: read,
      schema: {
        tags,
        summary: 'The datasets a source filled, latest changed first (members)',
        params: IdParams,
        querystring: Type.Object({ _limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }),
        response: {
          200: Type.Object({ items: Type.Array(Type.Ref(HarvestRecord)), total: Type.Integer() }),
          ...problems(401, 403, 404),
        },
      },
    },
    async (request) => harvest.listRecords(userOf(request), request.params.id, request.query._limit),
  );

  app.get(
    '/harvest-runs/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'One harvest run and its report',
        params: IdParams,
        response: { 200: Type.Ref(HarvestRun), ...problems(401, 403, 404) },
      },
    },
    async (request) => harvest.getRun(userOf(request), request.params.id),
  );

  app.post(
    '/harvest-runs/:id/withdrawals',
    {
      config: write,
      schema: {
        tags,
        summary: 'Withdraw anyway: apply the withdrawals a run held back (owners, admins, editors)',
        description:
          'A run that would withdraw more than half of its source’s datasets (and more than 10) withdraws none and reports them in `heldWithdrawals`. This confirms them: the source’s datasets still published that the run did not see are withdrawn. Only the source’s latest run, with no run open (409 otherwise).',
        params: IdParams,
        response: { 200: Type.Ref(HarvestRun), ...problems(401, 403, 404, 409) },
      },
    },
    async (request) => harvest.confirmWithdrawals(userOf(request), request.params.id),
  );

  // The followed instance signs its deliveries (Standard Webhooks): the raw body is what the signature covers.
  await app.register(async (hook) => {
    hook.removeContentTypeParser('application/json');
    hook.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 256 * 1024 }, (_req, body, done) =>
      done(null, body),
    );
    hook.withTypeProvider<TypeBoxTypeProvider>().post(
      '/harvest-sources/:id/webhook',
      {
        schema: {
          tags,
          summary: 'Webhook receiver: the followed Multitude instance announces a change',
          description:
            'Subscribe at the followed instance (its developer platform) to dataset events with this URL; its signature (webhook-id, webhook-timestamp, webhook-signature) is verified with the secret given to the source. A valid delivery queues a run.',
          params: IdParams,
          response: { 202: Type.Ref(HarvestRun), ...problems(400, 401, 404, 409) },
        },
      },
      async (request, reply) => {
        const headers: Record<string, string> = {};
        for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
          const v = request.headers[name];
          if (typeof v === 'string') headers[name] = v;
        }
        const body = typeof request.body === 'string' ? request.body : '';
        return reply.status(202).send(await harvest.receiveWebhook(request.params.id, headers, body));
      },
    );
  });
}
