/** HTTP of the CKAN-compatible action API: /api/3/action/{name} (and /api/action/{name}), GET or POST JSON. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { CkanError, type CkanApi } from './service.js';

export async function ckanRoutes(base: FastifyInstance, opts: { ckan: CkanApi }) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { ckan } = opts;
  const schema = {
    tags: ['CKAN compatibility'],
    summary: 'CKAN action API (read-only subset)',
    description: `Actions: ${ckan.actions.join(', ')}. Parameters in the query string (GET) or a JSON body (POST), answers in CKAN's envelope {help, success, result}.`,
    params: Type.Object({ name: Type.String({ maxLength: 100 }) }),
  };

  async function handle(request: FastifyRequest<{ Params: { name: string } }>, reply: FastifyReply) {
    const name = request.params.name;
    const params = {
      ...(request.query as Record<string, unknown>),
      ...(request.body && typeof request.body === 'object' && !Array.isArray(request.body)
        ? (request.body as Record<string, unknown>)
        : {}),
    };
    // Public data, read by other sites' scripts: CORS open, no credentials.
    reply.header('access-control-allow-origin', '*').header('cache-control', 'public, max-age=60');
    try {
      const result = await ckan.call(name, params);
      return reply.type('application/json; charset=utf-8').send({ help: ckan.help(name), success: true, result });
    } catch (error) {
      if (error instanceof CkanError)
        return reply
          .status(error.status)
          .type('application/json; charset=utf-8')
          .send({ help: ckan.help(name), success: false, error: error.error });
      throw error;
    }
  }

  for (const prefix of ['/api/3/action', '/api/action']) {
    app.get(`${prefix}/:name`, { schema }, handle);
    app.post(`${prefix}/:name`, { schema }, handle);
  }
}
