import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { problems } from '../../kernel/http.js';
import { scopes } from '../../kernel/scopes.js';
import { userOf } from '../auth-plugin.js';
import type { TokenService } from './service.js';
import { CreatedToken, CreateTokenBody, TokenItem } from './schema.js';

export async function tokenRoutes(base: FastifyInstance, opts: { tokens: TokenService }) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['Personal access tokens'];
  // Tokens are managed from a signed-in session only: a leaked token cannot mint others.
  const auth = { require: 'session' as const };

  app.get(
    '/me/token-scopes',
    {
      schema: {
        tags,
        summary: 'Scopes a token may carry',
        response: {
          200: Type.Object({ scopes: Type.Array(Type.Object({ id: Type.String(), description: Type.String() })) }),
        },
      },
    },
    async () => ({ scopes: Object.entries(scopes).map(([id, description]) => ({ id, description })) }),
  );

  app.get(
    '/me/tokens',
    {
      config: { auth },
      schema: {
        tags,
        summary: 'Your personal access tokens (never the secrets)',
        response: { 200: Type.Object({ items: Type.Array(TokenItem) }), ...problems(401, 403) },
      },
    },
    async (request) => ({ items: await opts.tokens.list(userOf(request)) }),
  );

  app.post(
    '/me/tokens',
    {
      config: { auth },
      schema: {
        tags,
        summary: 'Create a personal access token; the secret is in this answer only',
        body: CreateTokenBody,
        response: { 201: CreatedToken, ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => reply.status(201).send(await opts.tokens.create(userOf(request), request.body)),
  );

  app.delete(
    '/me/tokens/:id',
    {
      config: { auth },
      schema: {
        tags,
        summary: 'Revoke a token',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 204: Type.Null(), ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await opts.tokens.revoke(userOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
}
