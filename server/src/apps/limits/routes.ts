import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { problems } from '../../kernel/http.js';
import { userOf } from '../../platform/index.js';
import type { LimitsService } from './service.js';

const Burst = Type.Union([Type.Null(), Type.Object({ limit: Type.Integer(), windowSeconds: Type.Integer() })], {
  description: 'Token bucket: `limit` calls at once, refilled evenly over `windowSeconds`; null for none',
});
const Plan = Type.Object({
  name: Type.String(),
  burst: Burst,
  daily: Type.Union([Type.Integer(), Type.Null()], {
    description: 'Calls per UTC day, shared by all the keys and tokens of an app; null for none',
  }),
});

export async function limitsRoutes(base: FastifyInstance, opts: { limits: LimitsService }) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['Rate limits'];

  app.get(
    '/rate-limit-plans',
    {
      schema: {
        tags,
        summary: 'The plans an app can be on, with their limits (RateLimit-Policy headers name them too)',
        response: { 200: Type.Object({ items: Type.Array(Plan) }) },
      },
    },
    async () => ({
      items: opts.limits
        .appPlanNames()
        .map((name) => ({ name, burst: opts.limits.plans[name]!.burst, daily: opts.limits.plans[name]!.daily })),
    }),
  );

  app.put(
    '/apps/:id/plan',
    {
      config: { auth: { require: 'session' } },
      schema: {
        tags,
        summary: 'Move an app to another plan (platform administrators)',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        body: Type.Object({ plan: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 204: Type.Null(), ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await opts.limits.setPlan(userOf(request), request.params.id, request.body.plan);
      return reply.status(204).send(null);
    },
  );
}
