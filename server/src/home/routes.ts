import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { HomeService } from './service.js';
import { HomeView } from './schema.js';

/** GET /home: what the home page shows. */
export async function homeRoutes(base: FastifyInstance, opts: { home: HomeService }) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/home',
    {
      schema: {
        tags: ['Home'],
        summary: 'The platform at a glance: figures, featured and most used datasets and reuses, latest contributions',
        description:
          'Public data only, the same for everyone; computed at most every 30 seconds, so figures may be a little late.',
        response: { 200: HomeView },
      },
    },
    async () => opts.home.view(),
  );
}
