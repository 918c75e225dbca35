import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { problems } from '../../kernel/http.js';
import { AppError } from '../../kernel/errors.js';
import { userOf } from '../../platform/index.js';
import type { CaptureService } from './service.js';
import { statsCsv, toCsv, type Dashboards } from './dashboards.js';
import {
  CaptureBody,
  CaptureKeyView,
  CaptureResult,
  CreateCaptureKeyBody,
  FunnelBody,
  FunnelResult,
  RetentionResult,
  Stats,
  StatsQuery,
} from './schema.js';
import type { ScopeResolver } from './scope.js';

/** Largest capture body: 1,000 events with their properties. */
const CAPTURE_BODY_LIMIT = 8 * 1024 * 1024;

const ScopeQuery = {
  app: Type.Optional(Type.String({ maxLength: 100, description: 'App id' })),
  organization: Type.Optional(Type.String({ maxLength: 100, description: 'Organization slug' })),
  dataset: Type.Optional(Type.String({ maxLength: 200, description: 'Dataset slug' })),
};

/** Who sends: an app API key (Bearer mtk_…) or a public capture key (body `key` or X-Capture-Key), checked against Origin. */
export async function senderOf(capture: CaptureService, request: FastifyRequest, bodyKey?: string) {
  const actor = request.actor;
  const key = bodyKey ?? request.headers['x-capture-key'];
  if (actor.kind === 'user' && actor.client?.appId && actor.via === 'key')
    return capture.senderOfApp(actor.client.appId);
  if (typeof key === 'string' && key) return capture.senderOfKey(key, request.headers.origin);
  throw new AppError('unauthenticated', 'Send the app’s capture key (key or X-Capture-Key) or an app API key');
}

const csv = (reply: FastifyReply, name: string, body: string) =>
  reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(body);

export async function captureRoutes(
  base: FastifyInstance,
  opts: { capture: CaptureService; dashboards: Dashboards; scopes: ScopeResolver },
) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { capture, dashboards, scopes } = opts;
  const tags = ['Capture'];
  app.addSchema(CaptureResult);
  app.addSchema(CaptureKeyView);
  app.addSchema(Stats);
  app.addSchema(FunnelResult);
  app.addSchema(RetentionResult);

  app.post(
    '/capture',
    {
      bodyLimit: CAPTURE_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Capture a batch of events (cookieless by default)',
        description:
          'Authenticated by the app’s public capture key (`key` in the body or `X-Capture-Key`; browsers only from the key’s origins) or by one of the app’s API keys (`Authorization: Bearer mtk_…`). At most 1,000 events (413 beyond). Idempotent by `batch` and by each event’s `uuid`. The answer is sent once the batch is committed. Events with a property bomb are refused one by one with reasons; times outside [now − 7 days, now + 5 minutes] are clamped and flagged.',
        body: CaptureBody,
        response: { 200: CaptureResult, ...problems(400, 401, 403, 413) },
      },
    },
    async (request) => {
      const sender = await senderOf(capture, request, request.body.key);
      return capture.ingest(sender, request.body, {
        ip: request.ip,
        userAgent: String(request.headers['user-agent'] ?? ''),
        acceptLanguage: request.headers['accept-language'],
        origin: request.headers.origin,
      });
    },
  );

  const AppParams = Type.Object({ id: Type.String({ maxLength: 100 }) });
  app.post(
    '/apps/:id/capture-keys',
    {
      config: { auth: { require: 'user', scope: 'apps:write' } },
      schema: {
        tags,
        summary: 'Create a public capture key for an app (write-only, restricted to web origins)',
        params: AppParams,
        body: CreateCaptureKeyBody,
        response: { 201: CaptureKeyView, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await capture.keys.create(userOf(request), request.params.id, request.body)),
  );
  app.get(
    '/apps/:id/capture-keys',
    {
      config: { auth: { require: 'user', scope: 'apps:read' } },
      schema: {
        tags,
        summary: 'The app’s capture keys',
        params: AppParams,
        response: { 200: Type.Object({ items: Type.Array(CaptureKeyView) }), ...problems(401, 403, 404) },
      },
    },
    async (request) => ({ items: await capture.keys.list(userOf(request), request.params.id) }),
  );
  app.delete(
    '/apps/:id/capture-keys/:keyId',
    {
      config: { auth: { require: 'user', scope: 'apps:write' } },
      schema: {
        tags,
        summary: 'Revoke a capture key',
        params: Type.Object({ id: Type.String({ maxLength: 100 }), keyId: Type.String({ maxLength: 100 }) }),
        response: { 204: Type.Null(), ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await capture.keys.revoke(userOf(request), request.params.id, request.params.keyId);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/capture/stats',
    {
      config: { auth: { require: 'user' } },
      schema: {
        tags,
        summary: 'Dashboard of an app, organization or dataset: time series and top lists (JSON or CSV)',
        description:
          'Read from the rollups: hourly ones for periods under two days, daily ones otherwise. `visitors` counts distinct visitors per hour (hourly periods) or per day, summed. Top lists filtered on one `event` read raw events.',
        querystring: Type.Object({ ...ScopeQuery, ...StatsQuery.properties }, { additionalProperties: false }),
        response: { 200: Stats, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const scope = await scopes.resolve(userOf(request), request.query);
      const stats = await dashboards.stats(scope, request.query);
      return request.query.format === 'csv' ? csv(reply, 'statistics', statsCsv(stats)) : stats;
    },
  );
  app.post(
    '/capture/funnel',
    {
      config: { auth: { require: 'user' } },
      schema: {
        tags,
        summary: 'An ordered funnel: visitors reaching each step after the previous one, within the window',
        querystring: Type.Object(
          { ...ScopeQuery, format: StatsQuery.properties.format },
          { additionalProperties: false },
        ),
        body: FunnelBody,
        response: { 200: FunnelResult, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const scope = await scopes.resolve(userOf(request), request.query);
      const f = await dashboards.funnel(scope, request.body);
      return request.query.format === 'csv'
        ? csv(
            reply,
            'funnel',
            toCsv(
              ['step', 'visitors', 'share'],
              f.steps.map((s) => [s.name, s.visitors, s.share]),
            ),
          )
        : f;
    },
  );
  app.get(
    '/capture/retention',
    {
      config: { auth: { require: 'user' } },
      schema: {
        tags,
        summary: 'Weekly retention cohorts of identified visitors',
        querystring: Type.Object(
          {
            ...ScopeQuery,
            from: StatsQuery.properties.from,
            to: StatsQuery.properties.to,
            event: StatsQuery.properties.event,
            format: StatsQuery.properties.format,
          },
          { additionalProperties: false },
        ),
        response: { 200: RetentionResult, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const scope = await scopes.resolve(userOf(request), request.query);
      const r = await dashboards.retention(scope, request.query);
      return request.query.format === 'csv'
        ? csv(
            reply,
            'retention',
            toCsv(
              ['week', 'size', 'week_offset', 'retained'],
              r.cohorts.flatMap((c) => c.retained.map((n, i) => [c.week, c.size, i, n])),
            ),
          )
        : r;
    },
  );
  app.get(
    '/organizations/:slug/open-statistics',
    {
      schema: {
        tags,
        summary: 'An organization’s open statistics (public): its footprint and its apps’ audience, in aggregate',
        description: 'Top lists leave out values seen by fewer than 3 visitors.',
        params: Type.Object({ slug: Type.String({ maxLength: 100 }) }),
        querystring: StatsQuery,
        response: { 200: Stats, ...problems(400, 404) },
      },
    },
    async (request, reply) => {
      const scope = await scopes.publicOrganization(request.params.slug);
      const stats = await dashboards.stats(scope, request.query, { public: true });
      return request.query.format === 'csv' ? csv(reply, 'open-statistics', statsCsv(stats)) : stats;
    },
  );
}
