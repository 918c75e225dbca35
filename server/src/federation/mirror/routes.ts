/** HTTP of mirroring: download a harvested resource's file into the platform and import it. */
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { problems } from '../../kernel/http.js';
import { userOf } from '../../platform/index.js';
import type { MirrorService } from './service.js';

const MirrorResult = Type.Object(
  {
    resourceId: Type.String(),
    jobId: Type.Union([Type.String(), Type.Null()], {
      description: 'The import job (GET /jobs/{id}) when the file is tabular; null when it is only stored',
    }),
  },
  { $id: 'MirrorResult' },
);

export async function mirrorRoutes(base: FastifyInstance, opts: { mirror: MirrorService }) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(MirrorResult);
  app.post(
    '/datasets/:slug/resources/:id/mirror',
    {
      config: { auth: { require: 'user' as const, scope: 'data:write' as const } },
      schema: {
        tags: ['Federation'],
        summary: 'Mirror a harvested resource: download the source’s file and import it (editors)',
        description:
          'For a link resource of a harvested dataset: the file is fetched through the outbound guard (private addresses refused at every redirect hop; the upload size limit applies; 5 minutes at most), stored as a new version of the resource and, when tabular (CSV, TSV, JSON, NDJSON, XLSX by the URL or the declared format), imported into a queryable table by an import job. The resource keeps its link to the source.',
        params: Type.Object({ slug: Type.String({ maxLength: 200 }), id: Type.String({ maxLength: 64 }) }),
        response: { 202: Type.Ref(MirrorResult), ...problems(400, 401, 403, 404, 409, 413) },
      },
    },
    async (request, reply) =>
      reply.status(202).send(await opts.mirror.mirror(userOf(request), request.params.slug, request.params.id)),
  );
}
