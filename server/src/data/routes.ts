import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AppError } from '../kernel/errors.js';
import { nextLink, problems } from '../kernel/http.js';
import { userOf } from '../platform/auth-plugin.js';
import type { DatasetService } from './datasets-service.js';
import type { ResourceService, UploadedFile } from './resources-service.js';
import type { RowsService } from './rows-service.js';
import {
  CreateDatasetBody,
  CreateUrlResourceBody,
  DatasetSearchQuery,
  DatasetSummary,
  DatasetView,
  JobView,
  ResourceView,
  UpdateDatasetBody,
  VersionView,
} from './schema.js';
import { fieldTypes } from './table-schema.js';

const SlugParams = Type.Object({ slug: Type.String({ maxLength: 100 }) });
const ResourceParams = Type.Object({ slug: Type.String({ maxLength: 100 }), id: Type.String({ maxLength: 64 }) });
const AnyQuery = Type.Object(
  {},
  {
    additionalProperties: true,
    description: 'Filters `column__op=value` and reserved `_` parameters; see the description',
  },
);
// Rows are dynamic objects: left to JSON.stringify, which serializes them faster than a generated serializer can.
const Row = Type.Unknown({ description: 'A row: `_id` and one property per column' });
const Next = Type.Union([Type.String(), Type.Null()]);
const FieldSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    type: Type.Union(fieldTypes.map((t) => Type.Literal(t))),
    title: Type.Optional(Type.String({ maxLength: 200 })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    format: Type.Optional(Type.String({ maxLength: 40 })),
    decimalChar: Type.Optional(Type.String({ maxLength: 1 })),
    groupChar: Type.Optional(Type.String({ maxLength: 1 })),
    trueValues: Type.Optional(Type.Array(Type.String({ maxLength: 20 }), { maxItems: 20 })),
    falseValues: Type.Optional(Type.Array(Type.String({ maxLength: 20 }), { maxItems: 20 })),
    constraints: Type.Optional(
      Type.Object(
        { required: Type.Optional(Type.Boolean()), unique: Type.Optional(Type.Boolean()) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
const TableSchemaBody = Type.Object(
  {
    fields: Type.Array(FieldSchema, { minItems: 1, maxItems: 1000 }),
    primaryKey: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 10 })),
    missingValues: Type.Optional(Type.Array(Type.String({ maxLength: 20 }), { maxItems: 20 })),
  },
  { additionalProperties: false },
);

const QUERY_HELP = [
  'Filters: `column=value` (equality) or `column__op=value` with op one of eq, ne, lt, lte, gt, gte, in (comma-separated), contains, startswith, isnull (1 or 0).',
  '`_sort=col,-col2` (a leading `-` sorts descending), `_limit` (1–1000), `_cursor` (from `next`), `_fields=a,b`, `_q` full-text search over text columns, `_facet=col` (repeatable): top values with counts under the current filters.',
].join(' ');

/** The `file` part of a multipart request, with the `title` and `description` fields sent before it. */
async function uploadedFile(
  request: FastifyRequest,
): Promise<{ file: UploadedFile; meta: { title?: string; description?: string } }> {
  const file = await request.file();
  if (!file)
    throw new AppError('validation_failed', 'Send the file in a part named "file"', {
      errors: [{ field: 'file', message: 'Required' }],
    });
  const field = (name: string) => {
    const f = file.fields[name];
    return f && !Array.isArray(f) && 'value' in f && typeof f.value === 'string' ? f.value.slice(0, 5000) : undefined;
  };
  return {
    file: { stream: file.file, fileName: file.filename || 'upload', mediaType: file.mimetype },
    meta: { title: field('title'), description: field('description') },
  };
}

export async function dataRoutes(
  base: FastifyInstance,
  opts: {
    datasets: DatasetService;
    resources: ResourceService;
    rows: RowsService;
    baseUrl: string;
    maxUploadBytes: number;
  },
) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { datasets, resources, rows } = opts;
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

  app.post(
    '/datasets/:slug/resources',
    {
      config: { auth: write },
      schema: {
        tags: ['Resources'],
        summary: 'Add a resource: upload a file (multipart) or link a URL (JSON)',
        description: `multipart/form-data: optional \`title\` and \`description\` fields first, then the \`file\` (up to ${opts.maxUploadBytes} bytes). application/json: \`{title, url, description?, format?}\`. Tabular files (CSV, TSV, JSON, NDJSON, XLSX) and tabular URLs are imported by a background job returned in \`job\`.`,
        params: SlugParams,
        body: { content: { 'application/json': { schema: CreateUrlResourceBody } } },
        response: {
          201: Type.Object({ resource: ResourceView, job: Type.Union([JobView, Type.Null()]) }),
          ...problems(400, 401, 403, 404, 413, 415),
        },
      },
    },
    async (request, reply) => {
      const actor = userOf(request);
      if (request.isMultipart()) {
        const { file, meta } = await uploadedFile(request);
        return reply.status(201).send(await resources.addFile(actor, request.params.slug, file, meta));
      }
      return reply
        .status(201)
        .send(await resources.addUrl(actor, request.params.slug, request.body as CreateUrlResourceBody));
    },
  );

  // Community resources: files and links shared by signed-in members on published datasets they do not edit.
  const contribute = { require: 'user' as const, scope: 'contributions:write' as const };
  app.post(
    '/datasets/:slug/community-resources',
    {
      config: { auth: contribute },
      schema: {
        tags: ['Resources'],
        summary:
          'Share a community resource on a published dataset you do not edit: a file (multipart) or a link (JSON)',
        description: `Same bodies as \`POST …/resources\`: multipart/form-data with optional \`title\` and \`description\` fields first, then the \`file\` (up to ${opts.maxUploadBytes} bytes); or application/json \`{title, url, description?, format?}\`. Tabular files are imported and queryable like the publisher's. Listed in the dataset's \`communityResources\`.`,
        params: SlugParams,
        body: { content: { 'application/json': { schema: CreateUrlResourceBody } } },
        response: {
          201: Type.Object({ resource: ResourceView, job: Type.Union([JobView, Type.Null()]) }),
          ...problems(400, 401, 403, 404, 409, 413, 415),
        },
      },
    },
    async (request, reply) => {
      const actor = userOf(request);
      if (request.isMultipart()) {
        const { file, meta } = await uploadedFile(request);
        return reply.status(201).send(await resources.addCommunityFile(actor, request.params.slug, file, meta));
      }
      return reply
        .status(201)
        .send(await resources.addCommunityUrl(actor, request.params.slug, request.body as CreateUrlResourceBody));
    },
  );

  app.post(
    '/datasets/:slug/community-resources/:id/versions',
    {
      config: { auth: contribute },
      schema: {
        tags: ['Resources'],
        summary: 'Upload a new version of your community resource (multipart `file`)',
        params: ResourceParams,
        response: {
          201: Type.Object({ resource: ResourceView, job: Type.Union([JobView, Type.Null()]) }),
          ...problems(400, 401, 403, 404, 413, 415),
        },
      },
    },
    async (request, reply) => {
      await resources.assertCommunity(request.actor, request.params.slug, request.params.id);
      if (!request.isMultipart())
        throw new AppError('unsupported_media_type', 'Send the new version as multipart/form-data with a "file" part');
      const { file } = await uploadedFile(request);
      return reply
        .status(201)
        .send(await resources.uploadVersion(userOf(request), request.params.slug, request.params.id, file));
    },
  );

  app.delete(
    '/datasets/:slug/community-resources/:id',
    {
      config: { auth: contribute },
      schema: {
        tags: ['Resources'],
        summary: 'Remove a community resource (its owner, or the dataset’s editors); its files are kept',
        params: ResourceParams,
        response: { 204: Type.Null(), ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await resources.deleteCommunity(userOf(request), request.params.slug, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/datasets/:slug/resources/:id',
    {
      schema: {
        tags: ['Resources'],
        summary: 'A resource with its current version, import report and latest job',
        params: ResourceParams,
        response: { 200: ResourceView, ...problems(404) },
      },
    },
    async (request) => resources.get(request.actor, request.params.slug, request.params.id),
  );

  app.post(
    '/datasets/:slug/resources/:id/versions',
    {
      config: { auth: write },
      schema: {
        tags: ['Resources'],
        summary: 'Upload a new version (multipart `file`); the current version stays live until it is imported',
        params: ResourceParams,
        response: {
          201: Type.Object({ resource: ResourceView, job: Type.Union([JobView, Type.Null()]) }),
          ...problems(400, 401, 403, 404, 413),
        },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart())
        throw new AppError('unsupported_media_type', 'Send the new version as multipart/form-data with a "file" part');
      const { file } = await uploadedFile(request);
      return reply
        .status(201)
        .send(await resources.uploadVersion(userOf(request), request.params.slug, request.params.id, file));
    },
  );

  app.get(
    '/datasets/:slug/resources/:id/versions',
    {
      schema: {
        tags: ['Resources'],
        summary: 'Every version, newest first, with its diff summary',
        params: ResourceParams,
        response: { 200: Type.Object({ items: Type.Array(VersionView) }), ...problems(404) },
      },
    },
    async (request) => ({ items: await resources.versions(request.actor, request.params.slug, request.params.id) }),
  );

  async function sendOriginal(request: FastifyRequest, reply: FastifyReply, slug: string, id: string, number?: number) {
    const original = await resources.original(request.actor, slug, id, number);
    await resources.recordDownload(
      request.actor,
      original.dataset.id,
      original.dataset.organizationId,
      original.resource.id,
      'original',
    );
    if (original.kind === 'redirect') return reply.redirect(original.url, 302);
    return reply
      .header('content-type', original.mediaType)
      .header('content-length', String(original.size))
      .header('content-disposition', `attachment; filename="${original.fileName.replace(/[^\w.-]+/g, '_')}"`)
      .header('digest', `sha-256=${Buffer.from(original.sha256, 'hex').toString('base64')}`)
      .send(original.stream);
  }

  app.get(
    '/datasets/:slug/resources/:id/download',
    {
      schema: {
        tags: ['Resources'],
        summary: 'The original file of the current version (or a redirect to a linked URL)',
        params: ResourceParams,
        response: { ...problems(404) },
      },
    },
    async (request, reply) => sendOriginal(request, reply, request.params.slug, request.params.id),
  );

  app.get(
    '/datasets/:slug/resources/:id/versions/:number/download',
    {
      schema: {
        tags: ['Resources'],
        summary: 'The original file of an earlier version',
        params: Type.Object({
          slug: Type.String({ maxLength: 100 }),
          id: Type.String({ maxLength: 64 }),
          number: Type.Integer({ minimum: 1 }),
        }),
        response: { ...problems(404) },
      },
    },
    async (request, reply) =>
      sendOriginal(request, reply, request.params.slug, request.params.id, request.params.number),
  );

  app.get(
    '/datasets/:slug/resources/:id/schema',
    {
      schema: {
        tags: ['Rows'],
        summary: 'The Table Schema of the live version (Frictionless)',
        params: ResourceParams,
        response: {
          200: Type.Object({
            fields: Type.Array(
              Type.Object({ name: Type.String(), type: Type.String() }, { additionalProperties: true }),
            ),
            primaryKey: Type.Optional(Type.Array(Type.String())),
            missingValues: Type.Array(Type.String()),
          }),
          ...problems(404),
        },
      },
    },
    async (request) => (await resources.liveTable(request.actor, request.params.slug, request.params.id)).schema,
  );

  app.put(
    '/datasets/:slug/resources/:id/schema',
    {
      config: { auth: write },
      schema: {
        tags: ['Rows'],
        summary: 'Re-type the columns; the file is re-imported with this schema as a new version',
        params: ResourceParams,
        body: TableSchemaBody,
        response: {
          202: Type.Object({ resource: ResourceView, job: Type.Union([JobView, Type.Null()]) }),
          ...problems(400, 401, 403, 404, 409),
        },
      },
    },
    async (request, reply) =>
      reply.status(202).send(
        await resources.retype(userOf(request), request.params.slug, request.params.id, {
          ...request.body,
          missingValues: request.body.missingValues ?? [],
        }),
      ),
  );

  app.get(
    '/datasets/:slug/resources/:id/rows',
    {
      schema: {
        tags: ['Rows'],
        summary: 'Query rows',
        description: QUERY_HELP,
        params: ResourceParams,
        querystring: AnyQuery,
        response: {
          200: Type.Object({
            rows: Type.Array(Row),
            next: Next,
            facets: Type.Optional(
              Type.Record(Type.String(), Type.Array(Type.Object({ value: Type.Unknown(), count: Type.Integer() }))),
            ),
          }),
          ...problems(400, 404),
        },
      },
    },
    async (request, reply) => {
      const page = await rows.page(
        request.actor,
        request.params.slug,
        request.params.id,
        request.query as Record<string, string | string[]>,
      );
      const next = nextLink(request, reply, opts.baseUrl, page.nextCursor);
      // Assembled from the page's cached JSON (the shape of the response schema above).
      const body = `{"rows":${page.rowsJson},"next":${JSON.stringify(next)}${page.facets ? `,"facets":${JSON.stringify(page.facets)}` : ''}}`;
      return reply.type('application/json; charset=utf-8').send(body as never);
    },
  );

  for (const format of ['csv', 'json', 'ndjson'] as const) {
    app.get(
      `/datasets/:slug/resources/:id/rows.${format}`,
      {
        schema: {
          tags: ['Rows'],
          summary: `Download every matching row as ${format.toUpperCase()} (streamed)`,
          description: `Same parameters as …/rows (without _limit/_cursor paging: the whole result).`,
          params: ResourceParams,
          querystring: AnyQuery,
          response: { ...problems(400, 404) },
        },
      },
      async (request, reply) => {
        const download = await rows.download(
          request.actor,
          request.params.slug,
          request.params.id,
          request.query as Record<string, string | string[]>,
          format,
        );
        return reply
          .header('content-type', download.contentType)
          .header('content-disposition', `attachment; filename="${download.fileName}"`)
          .send(download.stream);
      },
    );
  }

  app.get(
    '/datasets/:slug/resources/:id/aggregate',
    {
      schema: {
        tags: ['Rows'],
        summary:
          'Group and aggregate: `_group=col[,col2]&_agg=sum:population,avg:area,count` under the same filters as …/rows',
        params: ResourceParams,
        querystring: AnyQuery,
        response: {
          200: Type.Object({ rows: Type.Array(Type.Object({}, { additionalProperties: true })) }),
          ...problems(400, 404),
        },
      },
    },
    async (request) =>
      rows.aggregate(
        request.actor,
        request.params.slug,
        request.params.id,
        request.query as Record<string, string | string[]>,
      ),
  );

  app.get(
    '/datasets/:slug/resources/:id/stats',
    {
      schema: {
        tags: ['Rows'],
        summary: 'Per column: min, max, nulls, distinct count and top values',
        params: ResourceParams,
        response: { 200: Type.Object({ columns: Type.Record(Type.String(), Type.Unknown()) }), ...problems(404) },
      },
    },
    async (request) => ({ columns: await rows.stats(request.actor, request.params.slug, request.params.id) }),
  );

  app.get(
    '/jobs/:id',
    {
      schema: {
        tags: ['Resources'],
        summary: 'An import job: status, progress (rows, percentage, ETA) and report',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 200: JobView, ...problems(404) },
      },
    },
    async (request) => resources.job(request.actor, request.params.id),
  );

  app.get(
    '/jobs/:id/rejections',
    {
      schema: {
        tags: ['Resources'],
        summary: 'Every row the import rejected, with its line number and reason',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        querystring: Type.Object(
          {
            _cursor: Type.Optional(Type.Integer({ minimum: 0 })),
            _limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(Type.Object({ line: Type.Integer(), reason: Type.String() })),
            next: Next,
          }),
          ...problems(400, 404),
        },
      },
    },
    async (request, reply) => {
      const limit = request.query._limit ?? 100;
      const items = await resources.rejections(request.actor, request.params.id, request.query._cursor ?? 0, limit + 1);
      const page = items.slice(0, limit);
      return {
        items: page,
        next: nextLink(request, reply, opts.baseUrl, items.length > limit ? String(page[page.length - 1]!.line) : null),
      };
    },
  );
}
