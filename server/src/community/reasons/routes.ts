import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { problems } from '../../kernel/http.js';
import { userOf } from '../../platform/index.js';
import type { ReasonService } from './service.js';

const Template = Type.Object({
  id: Type.String(),
  title: Type.String(),
  body: Type.String(),
  createdAt: Type.String(),
});
const Params = Type.Object({ slug: Type.String({ maxLength: 100 }) });

export async function reasonRoutes(base: FastifyInstance, opts: { reasons: ReasonService }) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['Contributions'];
  app.get(
    '/organizations/:slug/reason-templates',
    {
      config: { auth: { require: 'user' } },
      schema: {
        tags,
        summary: 'Review reason templates of an organization (its reviewers)',
        params: Params,
        response: { 200: Type.Object({ items: Type.Array(Template) }), ...problems(401, 403, 404) },
      },
    },
    async (request) => ({ items: await opts.reasons.list(userOf(request), request.params.slug) }),
  );
  app.post(
    '/organizations/:slug/reason-templates',
    {
      config: { auth: { require: 'user', scope: 'organizations:write' } },
      schema: {
        tags,
        summary: 'Add a review reason template (owners, admins)',
        params: Params,
        body: Type.Object(
          {
            title: Type.String({ minLength: 1, maxLength: 100 }),
            body: Type.String({ minLength: 1, maxLength: 2000 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: Template, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await opts.reasons.create(userOf(request), request.params.slug, request.body)),
  );
}
