import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Commitments } from './schema.js';
import type { CommitmentsService } from './service.js';

/** GET /accountability: the public commitments and what was measured against them. */
export async function commitmentsRoutes(base: FastifyInstance, opts: { commitments: CommitmentsService }) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(Commitments);
  app.get(
    '/accountability',
    {
      schema: {
        tags: ['Accountability'],
        summary: 'The platform’s and organizations’ public targets, and what was measured against them',
        description:
          'Month by month (UTC), the last six months: time to review contributions against each organization’s published target (median, 90th percentile, share within the target), the API’s availability and 95th-percentile latency as registered apps saw it, webhook delivery success over 30 days, and personal-data access records per organization and purpose. A missed target is reported as missed. How each figure is computed: docs/architecture.md, “Public commitments”.',
        response: { 200: Commitments },
      },
    },
    async () => opts.commitments.view(),
  );
}
