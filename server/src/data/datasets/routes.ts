import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { nextLink, problems } from '../../kernel/http.js';
import { userOf } from '../../platform/index.js';
import { Next, SlugParams } from '../http-params.js';
import type { DatasetService } from './service.js';
import { CreateDatasetBody, DatasetSearchQuery, DatasetSummary, DatasetView, UpdateDatasetBody } from './schema.js';

/** Datasets: search the catalog, create, read, update. */
export async function datasetRoutes(base: FastifyInstance, opts: { datasets: DatasetService; baseUrl: string }) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { datasets } = opts;
  const write = { require: 'user' as const, scope: 'data:write' as const };

  app.get(
    '/datasets',
    {
      schema: {
        tags: ['Datasets'],
        summary: 'Search the catalog',
        description:
          'Full text over titles, descriptions and keywords (French and English stemming), facets by organization, theme, keyword, licence and format.',
        querystring: DatasetSearchQuery,
        response: {
          200: Type.Object({
            items: Type.Array(DatasetSummary),
            total: Type.Integer(),
            facets: Type.Record(
              Type.String(),
              Type.Array(Type.Object({ value: Type.String(), label: Type.String(), count: Type.Integer() })),
            ),
            next: Next,
          }),
          ...problems(400),
        },
      },
    },
    async (request, reply) => {
      const page = await datasets.search(request.actor, request.query);
      return {
        items: page.items,
        total: page.total,
        facets: page.facets,
        next: nextLink(request, reply, opts.baseUrl, page.nextCursor),
      };
    },
  );

  app.post(
    '/datasets',
    {
      config: { auth: write },
      schema: {
        tags: ['Datasets'],
        summary: 'Create a dataset (draft unless status is published)',
        body: CreateDatasetBody,
        response: { 201: DatasetView, ...problems(400, 401, 403, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await datasets.create(userOf(request), request.body)),
  );

  app.get(
    '/datasets/:slug',
    {
      schema: {
        tags: ['Datasets'],
        summary: 'A dataset with its resources',
        params: SlugParams,
        response: { 200: DatasetView, ...problems(404) },
      },
    },
    async (request) => datasets.get(request.actor, request.params.slug),
  );

  for (const [method, featured] of [
    ['PUT', true],
    ['DELETE', false],
  ] as const) {
    app.route({
      method,
      url: '/datasets/:slug/featured',
      config: { auth: { require: 'user' as const, scope: 'data:write' as const } },
      schema: {
        tags: ['Datasets'],
        summary: featured
          ? 'Feature a published dataset on the home page (platform administrators)'
          : 'Stop featuring a dataset on the home page (platform administrators)',
        params: SlugParams,
        response: { 200: DatasetView, ...problems(401, 403, 404, 409) },
      },
      handler: async (request) => datasets.setFeatured(userOf(request), request.params.slug, featured),
    });
  }

  app.patch(
    '/datasets/:slug',
    {
      config: { auth: write },
      schema: {
        tags: ['Datasets'],
        summary: 'Change metadata or status (draft → published → archived)',
        params: SlugParams,
        body: UpdateDatasetBody,
        response: { 200: DatasetView, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => datasets.update(userOf(request), request.params.slug, request.body),
  );
}
