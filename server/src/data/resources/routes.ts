import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { AppError, invalid } from '../../kernel/errors.js';
import { assertCleanText, INT32_MAX } from '../../kernel/input.js';
import { nextLink, problems } from '../../kernel/http.js';
import { userOf } from '../../platform/index.js';
import { Next, ResourceParams, SlugParams } from '../http-params.js';
import type { ResourceService, UploadedFile } from './service.js';
import { DEFAULT_MAX_REJECTED_SHARE } from './import-runner.js';
import { CreateUrlResourceBody, JobView, ResourceView, VersionView } from './schema.js';
import { fieldTypes } from '../table-schema.js';

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
    force: Type.Optional(
      Type.Boolean({
        description: 'Publish the re-typed version even with no row or more rejected rows than the resource accepts',
      }),
    ),
  },
  { additionalProperties: false },
);

/** The text fields a multipart upload may carry before its file: the same limits as the JSON bodies. */
const UploadFields = Type.Object(
  {
    title: Type.Optional(CreateUrlResourceBody.properties.title),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    force: Type.Optional(
      Type.Union([Type.Literal('1'), Type.Literal('0'), Type.Literal('true'), Type.Literal('false')], {
        description: 'Publish the version even when it has no row or more rejected rows than the threshold',
      }),
    ),
  },
  { additionalProperties: false },
);
const checkUploadFields = TypeCompiler.Compile(UploadFields);
/** Busboy stops counting at the configured `fields` limit: that many fields means some were dropped. */
export const MULTIPART_FIELDS_LIMIT = 10;
export const MULTIPART_FIELD_BYTES = 10_000;

/** The `file` part of a multipart request, with the text fields sent before it, checked like a JSON body. */
async function uploadedFile(
  request: FastifyRequest,
): Promise<{ file: UploadedFile; meta: { title?: string; description?: string; force: boolean } }> {
  const file = await request.file();
  if (!file)
    throw new AppError('validation_failed', 'Send the file in a part named "file"', {
      errors: [{ field: 'file', message: 'Required' }],
    });
  const values: Record<string, string> = {};
  let count = 0;
  for (const [name, entry] of Object.entries(file.fields)) {
    if (name === file.fieldname) continue;
    for (const part of Array.isArray(entry) ? entry : [entry]) {
      count++;
      if (!part || part.type !== 'field') continue;
      if (part.valueTruncated || part.fieldnameTruncated)
        throw new AppError(
          'payload_too_large',
          `The form field "${name}" is longer than ${MULTIPART_FIELD_BYTES} bytes`,
        );
      if (name in values) throw invalid(name, 'Given more than once');
      values[name] = String(part.value);
    }
  }
  if (count >= MULTIPART_FIELDS_LIMIT)
    throw new AppError(
      'payload_too_large',
      `Too many form fields (at most ${MULTIPART_FIELDS_LIMIT - 1} before the file)`,
    );
  assertCleanText(values, 'body');
  const error = checkUploadFields.Errors(values).First();
  if (error) {
    const field = error.path.replace(/^\//, '').replace(/\//g, '.') || 'body';
    throw invalid(field, error.schema === UploadFields ? 'Unknown field' : error.message);
  }
  return {
    file: { stream: file.file, fileName: file.filename || 'upload', mediaType: file.mimetype },
    meta: {
      title: values.title,
      description: values.description,
      force: values.force === '1' || values.force === 'true',
    },
  };
}

/** Resources of a dataset, community resources, versions and their files, Table Schemas, import jobs. */
export async function resourceRoutes(
  base: FastifyInstance,
  opts: { resources: ResourceService; baseUrl: string; maxUploadBytes: number },
) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { resources } = opts;
  const write = { require: 'user' as const, scope: 'data:write' as const };

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
      const { file, meta } = await uploadedFile(request);
      return reply
        .status(201)
        .send(await resources.uploadVersion(userOf(request), request.params.slug, request.params.id, file, meta.force));
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
      const { file, meta } = await uploadedFile(request);
      return reply
        .status(201)
        .send(await resources.uploadVersion(userOf(request), request.params.slug, request.params.id, file, meta.force));
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
          number: Type.Integer({ minimum: 1, maximum: INT32_MAX }),
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
      reply
        .status(202)
        .send(
          await resources.retype(
            userOf(request),
            request.params.slug,
            request.params.id,
            (({ force: _force, ...schema }) => ({ ...schema, missingValues: schema.missingValues ?? [] }))(
              request.body,
            ),
            request.body.force ?? false,
          ),
        ),
  );

  app.patch(
    '/datasets/:slug/resources/:id',
    {
      config: { auth: write },
      schema: {
        tags: ['Resources'],
        summary:
          'Change a resource’s settings: the share of rejected rows above which a new version does not go live, the row title column',
        description: 'Only the settings present in the body change.',
        params: ResourceParams,
        body: Type.Object(
          {
            maxRejectedShare: Type.Optional(
              Type.Union([Type.Null(), Type.Number({ minimum: 0, maximum: 1 })], {
                description: `0–1; a new version with a larger share of rejected rows (or no row) fails and the previous one stays live, unless uploaded with force. null: the default, ${DEFAULT_MAX_REJECTED_SHARE}`,
              }),
            ),
            titleColumn: Type.Optional(
              Type.Union([Type.Null(), Type.String({ minLength: 1, maxLength: 200 })], {
                description:
                  'The column shown as each row’s title to contributors and reviewers (a column of the live table); null: the automatic choice (a name-like text column, else the first text column)',
              }),
            ),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: ResourceView, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => resources.updateSettings(userOf(request), request.params.slug, request.params.id, request.body),
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
            _cursor: Type.Optional(Type.Integer({ minimum: 0, maximum: INT32_MAX })),
            _limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({
                line: Type.Integer(),
                reason: Type.String({ description: 'Why, in English' }),
                code: Type.Union([Type.String(), Type.Null()], {
                  description:
                    'Why, as a stable code (e.g. `value.type`, `row.width`) to translate with `params`; null for imports before codes existed',
                }),
                params: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])),
              }),
            ),
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
