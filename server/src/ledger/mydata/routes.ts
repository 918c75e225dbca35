/** HTTP of "My data": ask for an export of everything you put in, follow it, download it. */
import { createReadStream } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { problems } from '../../kernel/http.js';
import { userOf } from '../../platform/index.js';
import { DataExport, ExportParams } from './schema.js';
import type { MyDataService } from './service.js';

export async function myDataRoutes(base: FastifyInstance, opts: { myData: MyDataService }) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { myData } = opts;
  const tags = ['Personal data'];
  app.addSchema(DataExport);
  // Exports hold everything about a person: only a browser session of that person reaches them.
  const auth = { auth: { require: 'session' as const } };

  app.post(
    '/me/exports',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Ask for an export of everything you put in',
        description:
          'Account, contributions and their outcomes, discussion messages, reputation, badges, notifications, authorized apps, API tokens (never their secrets) and the records of who read your data: a zip of JSON files plus a CSV for each tabular section, built in the background (follow `progress`). A mail says when it is ready; the download stays available 7 days. 409 while another export is being prepared.',
        response: { 202: Type.Ref(DataExport), ...problems(401, 403, 409) },
      },
    },
    async (request, reply) => reply.status(202).send(await myData.request(userOf(request))),
  );

  app.get(
    '/me/exports',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Your data exports, newest first',
        response: { 200: Type.Object({ items: Type.Array(Type.Ref(DataExport)) }), ...problems(401, 403) },
      },
    },
    async (request) => ({ items: await myData.list(userOf(request)) }),
  );

  app.get(
    '/me/exports/:id',
    {
      config: auth,
      schema: {
        tags,
        summary: 'One of your data exports: status and progress',
        params: ExportParams,
        response: { 200: Type.Ref(DataExport), ...problems(401, 403, 404) },
      },
    },
    async (request) => myData.get(userOf(request), request.params.id),
  );

  app.get(
    '/me/exports/:id/download',
    {
      config: auth,
      schema: {
        tags,
        summary: 'Download one of your data exports (a zip)',
        description: '409 while it is being prepared, 410 once expired (7 days after it was ready).',
        params: ExportParams,
        response: { ...problems(401, 403, 404, 409, 410) },
      },
    },
    async (request, reply) => {
      const file = await myData.download(userOf(request), request.params.id);
      return reply
        .header('content-type', 'application/zip')
        .header('content-disposition', `attachment; filename="${file.filename}"`)
        .header('cache-control', 'private, no-store')
        .send(createReadStream(file.path));
    },
  );
}
