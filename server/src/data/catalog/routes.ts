import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { sendProblem } from '../../kernel/http.js';
import { CATALOG_CONTENT_TYPES, negotiate } from './index.js';
import type { CatalogService } from './service.js';

/** /catalog (DCAT-AP 3 by content negotiation), /catalog.ttl|.jsonld|.rdf, /sitemap.xml. */
export async function catalogRoutes(base: FastifyInstance, opts: { catalog: CatalogService }) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['Catalog'];

  app.get(
    '/catalog',
    {
      schema: {
        tags,
        summary: 'The DCAT-AP 3 catalog: JSON-LD, Turtle or RDF/XML by Accept header (or ?format=jsonld|ttl|rdf)',
        querystring: Type.Object(
          { format: Type.Optional(Type.String({ maxLength: 10 })) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const format = negotiate(request.headers.accept, request.query.format);
      if (!format)
        return sendProblem(
          reply,
          request,
          'bad_request',
          'Ask for application/ld+json, text/turtle or application/rdf+xml',
          undefined,
          406,
        );
      reply.header('vary', 'Accept').header('cache-control', 'public, max-age=300');
      return reply.type(CATALOG_CONTENT_TYPES[format]).send(await opts.catalog.catalog(format));
    },
  );

  for (const [extension, format] of [
    ['ttl', 'turtle'],
    ['jsonld', 'jsonld'],
    ['rdf', 'rdfxml'],
  ] as const) {
    app.get(
      `/catalog.${extension}`,
      { schema: { tags, summary: `The catalog as ${format}` } },
      async (_request, reply) =>
        reply
          .type(CATALOG_CONTENT_TYPES[format])
          .header('cache-control', 'public, max-age=300')
          .send(await opts.catalog.catalog(format)),
    );
  }

  app.get('/sitemap.xml', { schema: { tags, summary: 'Sitemap of the published datasets' } }, async (_request, reply) =>
    reply
      .type('application/xml; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .send(await opts.catalog.sitemap()),
  );
}
