import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { problems } from '../../kernel/http.js';
import { userOf } from '../../platform/index.js';
import type { CaptureSender } from '../capture/service.js';
import type { ExperimentService } from './service.js';
import { AssignBody, CreateExperimentBody, ExperimentResults, ExperimentView } from './schema.js';

export async function experimentRoutes(
  base: FastifyInstance,
  opts: { experiments: ExperimentService; senderOf: (request: FastifyRequest, key?: string) => Promise<CaptureSender> },
) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { experiments } = opts;
  const tags = ['Experiments'];
  app.addSchema(ExperimentView);
  app.addSchema(ExperimentResults);
  const AppParams = Type.Object({ id: Type.String({ maxLength: 100 }) });

  app.post(
    '/apps/:id/experiments',
    {
      config: { auth: { require: 'user', scope: 'apps:write' } },
      schema: {
        tags,
        summary: 'Start an experiment on a flag: variants (the first is the control), metrics on captured events',
        params: AppParams,
        body: CreateExperimentBody,
        response: { 201: ExperimentView, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await experiments.create(userOf(request), request.params.id, request.body)),
  );
  app.get(
    '/apps/:id/experiments',
    {
      config: { auth: { require: 'user', scope: 'apps:read' } },
      schema: {
        tags,
        summary: 'The app’s experiments',
        params: AppParams,
        response: { 200: Type.Object({ items: Type.Array(ExperimentView) }), ...problems(401, 403, 404) },
      },
    },
    async (request) => ({ items: await experiments.list(userOf(request), request.params.id) }),
  );
  app.get(
    '/apps/:id/experiments/:key/results',
    {
      config: { auth: { require: 'user', scope: 'apps:read' } },
      schema: {
        tags,
        summary:
          'Results: sample-ratio check first, then each metric with frequentist, Bayesian, CUPED and always-valid intervals',
        params: Type.Object({ id: Type.String({ maxLength: 100 }), key: Type.String({ maxLength: 100 }) }),
        response: { 200: ExperimentResults, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => experiments.results(userOf(request), request.params.id, request.params.key),
  );
  app.post(
    '/experiments/assign',
    {
      schema: {
        tags,
        summary: 'A unit’s variant (through the experiment’s flag); its exposure is logged once',
        description: 'Authenticated as capture is: the app’s public capture key or one of its API keys.',
        body: AssignBody,
        response: {
          200: Type.Object({ experiment: Type.String(), variant: Type.Union([Type.String(), Type.Null()]) }),
          ...problems(400, 401, 403, 404, 410),
        },
      },
    },
    async (request) => {
      const sender = await opts.senderOf(request, request.body.key);
      return experiments.assign(sender, request.body.experiment, request.body.unit);
    },
  );
}
