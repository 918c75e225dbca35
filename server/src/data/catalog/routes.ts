import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { sendProblem } from '../../kernel/http.js';
import { CATALOG_CONTENT_TYPES, negotiate, type CatalogFormat } from './index.js';
import type { CatalogService } from './service.js';
import { MAX_PAGE_SIZE } from './paged.js';

/**
 * The content negotiation of /catalog and /catalog/pages/{n}: the format from `?format=` (`formatParam`) or the
 * Accept header (406 when none is acceptable), then the body `render` makes in it (404 with `missing` when it has
 * none), cacheable and varying by Accept.
 */
async function sendNegotiated(
  request: FastifyRequest,
  reply: FastifyReply,
  formatParam: string | undefined,
  render: (format: CatalogFormat) => Promise<string | undefined>,
  missing = 'Not found',
) {
  const format = negotiate(request.headers.accept, formatParam);
  if (!format)
    return sendProblem(
      reply,
      request,
      'bad_request',
      'Ask for application/ld+json, text/turtle or application/rdf+xml',
      undefined,
      406,
    );
  const body = await render(format);
  if (body === undefined) return sendProblem(reply, request, 'not_found', missing);
  reply.header('vary', 'Accept').header('cache-control', 'public, max-age=300');
  return reply.type(CATALOG_CONTENT_TYPES[format]).send(body);
}

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
    async (request, reply) =>
      sendNegotiated(request, reply, request.query.format, (format) => opts.catalog.catalog(format)),
  );

  app.get(
    '/catalog/pages/:page',
    {
      schema: {
        tags,
        summary: 'The catalog in pages (DCAT-AP 3 with Hydra paging), for large instances',
        description:
          'Page n (from 1) holds up to pageSize datasets (100 by default) and a hydra:PartialCollectionView with hydra:first, hydra:last, hydra:previous and hydra:next; the catalog carries hydra:totalItems. JSON-LD, Turtle or RDF/XML by Accept header or ?format.',
        params: Type.Object({ page: Type.Integer({ minimum: 1, maximum: 1_000_000 }) }),
        querystring: Type.Object(
          {
            format: Type.Optional(Type.String({ maxLength: 10 })),
            pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) =>
      sendNegotiated(
        request,
        reply,
        request.query.format,
        (format) => opts.catalog.catalogPage(format, request.params.page, request.query.pageSize),
        `The catalog has no page ${request.params.page}`,
      ),
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
