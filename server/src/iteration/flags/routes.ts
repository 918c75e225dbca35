import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { createHash } from 'node:crypto';
import { problems } from '../../kernel/http.js';
import { forbidden, invalid } from '../../kernel/errors.js';
import { userOf } from '../../platform/index.js';
import type { EvaluationContext, EvaluationResult } from '@multitude/sdk/flags/evaluate';
import type { FlagService } from './service.js';
import {
  AuditPage,
  AuditQuery,
  CreateFlagBody,
  ENVIRONMENTS,
  EnvironmentName,
  EvaluateBody,
  EvaluateResponse,
  FlagKey,
  FlagList,
  FlagView,
  PlanBody,
  PlanList,
  PlanView,
  ReasonBody,
  ScheduleBody,
  ScheduleList,
  ScheduleView,
  SegmentBody,
  SegmentList,
  SegmentView,
  UpdateFlagBody,
  WebFlags,
  type Environment,
} from './schema.js';

const AppParams = Type.Object({ appId: Type.String({ maxLength: 64 }) });
const FlagParams = Type.Object({ appId: Type.String({ maxLength: 64 }), key: FlagKey });
const EnvParams = Type.Object({ appId: Type.String({ maxLength: 64 }), key: FlagKey, environment: EnvironmentName });
const IdParams = Type.Object({ appId: Type.String({ maxLength: 64 }), id: Type.String({ maxLength: 64 }) });
const PlanAction = Type.Object({
  appId: Type.String({ maxLength: 64 }),
  id: Type.String({ maxLength: 64 }),
  action: Type.Union([Type.Literal('pause'), Type.Literal('resume'), Type.Literal('cancel')]),
});
const EnvQuery = Type.Object({ environment: Type.Optional(EnvironmentName) }, { additionalProperties: false });

/** A stream's unsent bytes beyond which the reader is too slow and is disconnected. */
export const STREAM_BUFFER_LIMIT = 256 * 1024;
const HEARTBEAT_MS = 15_000;

/** The app of a server key (`mtk_…` with the flags:evaluate scope); any other credential is refused. */
function appOfKey(request: FastifyRequest): string {
  const actor = userOf(request);
  if (actor.via !== 'key' || !actor.client) throw forbidden('Flags are evaluated with an app’s server key (mtk_…)');
  return actor.client.appId;
}

function environmentOf(request: FastifyRequest, fromBody?: string): Environment {
  const header = request.headers['x-multitude-environment'];
  const query = (request.query as { environment?: string } | undefined)?.environment;
  const env = fromBody ?? query ?? (typeof header === 'string' ? header : undefined) ?? 'production';
  if (!(ENVIRONMENTS as readonly string[]).includes(env))
    throw invalid('environment', 'development, staging or production');
  return env as Environment;
}

const item = (key: string, r: EvaluationResult) => ({
  key,
  value: r.value,
  ...(r.variant !== undefined ? { variant: r.variant } : {}),
  reason: r.reason,
  ...(r.ruleId !== undefined ? { ruleId: r.ruleId } : {}),
  ...(r.errorCode ? { errorCode: r.errorCode, errorDetails: r.errorDetails } : {}),
});

/** Management (users of the app) and evaluation (the app's server key) under /api/v1. */
export async function flagRoutes(
  base: FastifyInstance,
  opts: { flags: FlagService; webApp: () => string | undefined },
) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { flags } = opts;
  const tags = ['Feature flags'];
  const read = { require: 'user' as const, scope: 'apps:read' as const };
  const write = { require: 'user' as const, scope: 'apps:write' as const };
  const evaluate = { require: 'user' as const, scope: 'flags:evaluate' as const };

  app.get(
    '/apps/:appId/flags',
    {
      config: { auth: read },
      schema: {
        tags,
        summary: 'An app’s feature flags in every environment',
        params: AppParams,
        response: { 200: FlagList, ...problems(401, 403, 404) },
      },
    },
    async (request) => ({ items: await flags.list(userOf(request), request.params.appId) }),
  );
  app.post(
    '/apps/:appId/flags',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Create a flag (off, in every environment)',
        params: AppParams,
        body: CreateFlagBody,
        response: { 201: FlagView, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await flags.create(userOf(request), request.params.appId, request.body)),
  );
  app.get(
    '/apps/:appId/flags/:key',
    {
      config: { auth: read },
      schema: { tags, summary: 'A flag', params: FlagParams, response: { 200: FlagView, ...problems(401, 403, 404) } },
    },
    async (request) => flags.get(userOf(request), request.params.appId, request.params.key),
  );
  app.patch(
    '/apps/:appId/flags/:key/environments/:environment',
    {
      config: { auth: write },
      schema: {
        tags,
        summary:
          'Change a flag in one environment: rules, rollout, variants, kill switch (`enabled`); a reason is required',
        params: EnvParams,
        body: UpdateFlagBody,
        response: { 200: FlagView, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      flags.update(userOf(request), request.params.appId, request.params.environment, request.params.key, request.body),
  );
  app.delete(
    '/apps/:appId/flags/:key',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Delete a flag from every environment',
        params: FlagParams,
        body: ReasonBody,
        response: { 204: Type.Null(), ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await flags.remove(userOf(request), request.params.appId, request.params.key, request.body.reason);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/apps/:appId/flag-audit',
    {
      config: { auth: read },
      schema: {
        tags,
        summary: 'The audit trail of an app’s flags: who changed what, when and why (newest first)',
        params: AppParams,
        querystring: AuditQuery,
        response: { 200: AuditPage, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) =>
      flags.audit(userOf(request), request.params.appId, {
        limit: request.query.limit,
        ...(request.query.before !== undefined ? { before: request.query.before } : {}),
      }),
  );

  app.get(
    '/apps/:appId/flag-segments',
    {
      config: { auth: read },
      schema: {
        tags,
        summary: 'Reusable targeting segments',
        params: AppParams,
        response: { 200: SegmentList, ...problems(401, 403, 404) },
      },
    },
    async (request) => ({ items: await flags.segments(userOf(request), request.params.appId) }),
  );
  app.put(
    '/apps/:appId/flag-segments/:key',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Create or replace a segment',
        params: FlagParams,
        body: SegmentBody,
        response: { 200: SegmentView, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => flags.putSegment(userOf(request), request.params.appId, request.params.key, request.body),
  );
  app.delete(
    '/apps/:appId/flag-segments/:key',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Delete a segment (refused while a flag uses it)',
        params: FlagParams,
        body: ReasonBody,
        response: { 204: Type.Null(), ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await flags.removeSegment(userOf(request), request.params.appId, request.params.key, request.body.reason);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/apps/:appId/flag-schedules',
    {
      config: { auth: read },
      schema: {
        tags,
        summary: 'Scheduled flag changes',
        params: AppParams,
        response: { 200: ScheduleList, ...problems(401, 403, 404) },
      },
    },
    async (request) => ({ items: await flags.schedules(userOf(request), request.params.appId) }),
  );
  app.post(
    '/apps/:appId/flag-schedules',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Schedule a change of a flag',
        params: AppParams,
        body: ScheduleBody,
        response: { 201: ScheduleView, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await flags.schedule(userOf(request), request.params.appId, request.body)),
  );
  app.post(
    '/apps/:appId/flag-schedules/:id/cancel',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Cancel a pending scheduled change',
        params: IdParams,
        body: ReasonBody,
        response: { 204: Type.Null(), ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await flags.cancelSchedule(userOf(request), request.params.appId, request.params.id, request.body.reason);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/apps/:appId/release-plans',
    {
      config: { auth: read },
      schema: {
        tags,
        summary: 'Release plans and their state',
        params: AppParams,
        response: { 200: PlanList, ...problems(401, 403, 404) },
      },
    },
    async (request) => ({ items: await flags.plans(userOf(request), request.params.appId) }),
  );
  app.post(
    '/apps/:appId/release-plans',
    {
      config: { auth: write },
      schema: {
        tags,
        summary:
          'Start a release plan: stages of a percentage, on dates or after a soak time, paused when a guardrail degrades',
        params: AppParams,
        body: PlanBody,
        response: { 201: PlanView, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await flags.startPlan(userOf(request), request.params.appId, request.body)),
  );
  app.post(
    '/apps/:appId/release-plans/:id/:action',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Pause, resume or cancel a release plan',
        params: PlanAction,
        body: ReasonBody,
        response: { 200: PlanView, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) =>
      flags.controlPlan(
        userOf(request),
        request.params.appId,
        request.params.id,
        request.params.action,
        request.body.reason,
      ),
  );

  app.get(
    '/web-flags',
    {
      schema: {
        tags,
        summary:
          'The platform web’s own flags for this visitor: the production flags of the app named by MULTITUDE_WEB_FLAGS_APP',
        description:
          'Public. The context is `{ targetingKey: the user id (or "anonymous"), signedIn, admin }`. Without the setting, no flags: the web uses its defaults.',
        response: { 200: WebFlags },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'private, no-cache');
      const appId = opts.webApp();
      if (!appId) return { flags: {} };
      const actor = request.actor;
      const context =
        actor.kind === 'user'
          ? { targetingKey: actor.userId, signedIn: true, admin: actor.isAdmin }
          : { targetingKey: 'anonymous', signedIn: false, admin: false };
      const { results } = await flags.evaluate(appId, 'production', context);
      return { flags: Object.fromEntries(results.filter((r) => !r.errorCode).map((r) => [r.key, r.value])) };
    },
  );

  app.post(
    '/flags/evaluate',
    {
      config: { auth: evaluate, readOnly: true },
      schema: {
        tags,
        summary: 'Evaluate one flag (flagKey) or all of an app’s flags for a context, with the app’s server key',
        body: EvaluateBody,
        response: { 200: EvaluateResponse, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const appId = appOfKey(request);
      const environment = environmentOf(request, request.body.environment);
      const { etag, results } = await flags.evaluate(
        appId,
        environment,
        request.body.context as EvaluationContext,
        request.body.flagKey,
      );
      return { environment, version: etag, flags: results.map((r) => item(r.key, r)) };
    },
  );

  app.get(
    '/flags/ruleset',
    {
      config: { auth: evaluate },
      schema: {
        tags,
        summary: 'The app’s ruleset for local evaluation (ETag; If-None-Match answers 304)',
        querystring: EnvQuery,
        response: {
          200: Type.Object({}, { additionalProperties: true }),
          304: Type.Null(),
          ...problems(400, 401, 403),
        },
      },
    },
    async (request, reply) => {
      const { etag, ruleset } = await flags.ruleset(appOfKey(request), environmentOf(request));
      reply.header('etag', etag).header('cache-control', 'no-cache');
      if (request.headers['if-none-match'] === etag) return reply.status(304).send(null);
      return reply.type('application/json').send(JSON.stringify(ruleset));
    },
  );

  app.get(
    '/flags/stream',
    {
      config: { auth: evaluate },
      schema: {
        tags,
        summary:
          'Server-sent events: the ruleset now, then each new one (event `ruleset`); slow readers are disconnected',
        querystring: EnvQuery,
        response: { 200: Type.String({ description: 'text/event-stream' }), ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => streamRuleset(request, reply, flags, appOfKey(request), environmentOf(request)),
  );
}

async function streamRuleset(
  request: FastifyRequest,
  reply: FastifyReply,
  flags: FlagService,
  appId: string,
  environment: string,
) {
  const first = await flags.ruleset(appId, environment);
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-request-id': request.id,
  });
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
    raw.destroy();
  };
  const send = (chunk: string) => {
    if (closed) return;
    // Bounded per client: a reader that left this much unread is disconnected (it reconnects and resyncs); one
    // event bigger than the bound still goes to a reader that keeps up.
    if (raw.writableLength > STREAM_BUFFER_LIMIT) return close();
    raw.write(chunk);
  };
  const event = (etag: string, ruleset: unknown) => `id: ${etag}\nevent: ruleset\ndata: ${JSON.stringify(ruleset)}\n\n`;
  const unsubscribe = flags.subscribe(appId, environment, (u) => send(event(u.version, u.ruleset)));
  const heartbeat = setInterval(() => send(': keep-alive\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  raw.on('close', close);
  raw.on('error', close);
  send(`retry: 1000\n${event(first.etag, first.ruleset)}`);
}

/** The ETag of an OFREP bulk answer: the ruleset's and the context's. */
const bulkTag = (rulesetTag: string, context: EvaluationContext) =>
  `"${createHash('sha256').update(rulesetTag).update('\0').update(JSON.stringify(context)).digest('base64url').slice(0, 27)}"`;

/** OFREP (OpenFeature Remote Evaluation Protocol) at the root: /ofrep/v1/evaluate/flags[/{key}]. */
export async function ofrepRoutes(base: FastifyInstance, opts: { flags: FlagService }) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { flags } = opts;
  const tags = ['Feature flags'];
  const auth = { require: 'user' as const, scope: 'flags:evaluate' as const };
  const Body = Type.Object({ context: Type.Optional(Type.Unknown()) }, { additionalProperties: true });

  /** OFREP's own failure shape for a context that is not an object (instead of problem+json). */
  const contextOf = (body: unknown): EvaluationContext | string => {
    const context = (body as { context?: unknown } | undefined)?.context;
    if (context === undefined) return {};
    if (context === null || typeof context !== 'object' || Array.isArray(context))
      return 'The context must be an object';
    if (Object.keys(context).length > 200) return 'The context has more than 200 attributes';
    return context as EvaluationContext;
  };
  const reasonOf = (r: EvaluationResult) => (r.reason === 'DEFAULT' ? 'UNKNOWN' : r.reason);

  app.post(
    '/ofrep/v1/evaluate/flags/:key',
    {
      config: { auth, readOnly: true },
      attachValidation: true,
      schema: {
        tags,
        summary: 'OFREP: evaluate one flag',
        params: Type.Object({ key: Type.String({ maxLength: 200 }) }),
        body: Body,
      },
    },
    async (request, reply) => {
      const key = request.params.key;
      const context = contextOf(request.body);
      if (typeof context === 'string' || request.validationError)
        return reply.status(400).send({
          key,
          errorCode: 'INVALID_CONTEXT',
          errorDetails: typeof context === 'string' ? context : 'The body must be {"context": {…}}',
        });
      const { results } = await flags.evaluate(appOfKey(request), environmentOf(request), context, key);
      const r = results[0]!;
      if (r.errorCode === 'FLAG_NOT_FOUND')
        return reply
          .status(404)
          .send({ key, errorCode: 'FLAG_NOT_FOUND', errorDetails: `Flag '${key}' was not found` });
      if (r.errorCode) return reply.status(400).send({ key, errorCode: r.errorCode, errorDetails: r.errorDetails });
      return {
        key,
        value: r.value,
        reason: reasonOf(r),
        ...(r.variant !== undefined ? { variant: r.variant } : {}),
        metadata: {},
      };
    },
  );

  app.post(
    '/ofrep/v1/evaluate/flags',
    {
      config: { auth, readOnly: true },
      attachValidation: true,
      schema: { tags, summary: 'OFREP: evaluate every flag (ETag / If-None-Match)', body: Body },
    },
    async (request, reply) => {
      const context = contextOf(request.body);
      if (typeof context === 'string' || request.validationError)
        return reply.status(400).send({
          errorCode: 'INVALID_CONTEXT',
          errorDetails: typeof context === 'string' ? context : 'The body must be {"context": {…}}',
        });
      const environment = environmentOf(request);
      const appId = appOfKey(request);
      // The answer depends on the rules and on the context: both go into the ETag, known before evaluating, so a
      // client whose answer is current costs neither an evaluation nor a body.
      const { etag: current } = await flags.ruleset(appId, environment);
      const etag = bulkTag(current, context);
      reply.header('etag', etag).header('cache-control', 'no-cache');
      if (request.headers['if-none-match'] === etag) return reply.status(304).send();
      const { etag: rulesetTag, keys, answers } = await flags.evaluateAnswers(appId, environment, context);
      if (rulesetTag !== current) reply.header('etag', bulkTag(rulesetTag, context)); // changed meanwhile
      let items = '';
      for (let i = 0; i < keys.length; i++)
        items += `${i ? ',' : ''}{"key":${JSON.stringify(keys[i])},${ofrepFields(answers[i]!)}}`;
      const metadata = JSON.stringify({ version: rulesetTag.replaceAll('"', ''), environment });
      return reply.type('application/json').send(`{"flags":[${items}],"metadata":${metadata}}`);
    },
  );
}

/**
 * An answer's OFREP fields as JSON (without the key), kept per answer object: the evaluator builds each possible
 * answer once per compiled ruleset, so a flag's payload is serialised once rather than on every bulk call.
 */
const ofrepJson = new WeakMap<EvaluationResult, string>();
function ofrepFields(r: EvaluationResult): string {
  let json = ofrepJson.get(r);
  if (json === undefined) {
    const fields = r.errorCode
      ? { errorCode: r.errorCode, errorDetails: r.errorDetails }
      : {
          value: r.value,
          reason: r.reason === 'DEFAULT' ? 'UNKNOWN' : r.reason,
          ...(r.variant !== undefined ? { variant: r.variant } : {}),
          metadata: {},
        };
    json = JSON.stringify(fields).slice(1, -1);
    ofrepJson.set(r, json);
  }
  return json;
}
