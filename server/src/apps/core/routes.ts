import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from '@sinclair/typebox';
import { nextLink, problems } from '../../kernel/http.js';
import { DEFAULT_LIMIT } from '../../kernel/pagination.js';
import { userOf } from '../../platform/index.js';
import type { AppService } from './service.js';
import type { KeyService } from './keys.js';
import type { AccreditationService } from './accreditations.js';
import {
  AccreditationStatus,
  AccreditationView,
  AppView,
  ClientSecret,
  CreateAccreditationBody,
  CreateAppBody,
  CreatedApp,
  CreatedKey,
  CreateKeyBody,
  IdParams,
  KeyParams,
  KeyView,
  PageQuery,
  PublicAccreditation,
  ReviewBody,
  RotatedKey,
  RotateKeyBody,
  SensitiveCallView,
  SlugParams,
  UpdateAccreditationBody,
  UpdateAppBody,
} from './schema.js';

export async function appRoutes(base: FastifyInstance, opts: { apps: AppService; keys: KeyService; baseUrl: string }) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { apps, keys } = opts;
  const tags = ['Apps'];
  const read = { require: 'user' as const, scope: 'apps:read' as const };
  const write = { require: 'user' as const, scope: 'apps:write' as const };

  app.post(
    '/apps',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Register an app (an OAuth client); the client secret is in this answer only',
        body: CreateAppBody,
        response: { 201: CreatedApp, ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => reply.status(201).send(await apps.create(userOf(request), request.body)),
  );

  app.get(
    '/apps',
    {
      config: { auth: read },
      schema: {
        tags,
        summary: 'Your apps and those of the organizations you own or administer',
        querystring: PageQuery,
        response: {
          200: Type.Object({ items: Type.Array(AppView), next: Type.Union([Type.String(), Type.Null()]) }),
          ...problems(400, 401, 403),
        },
      },
    },
    async (request, reply) => {
      const page = await apps.list(userOf(request), request.query._cursor, request.query._limit ?? DEFAULT_LIMIT);
      return { items: page.items, next: nextLink(request, reply, opts.baseUrl, page.nextCursor) };
    },
  );

  app.get(
    '/apps/:id',
    {
      config: { auth: read },
      schema: { tags, summary: 'An app', params: IdParams, response: { 200: AppView, ...problems(401, 403, 404) } },
    },
    async (request) => apps.get(userOf(request), request.params.id),
  );

  app.patch(
    '/apps/:id',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: "Change an app's name, description, homepage or redirect URIs",
        params: IdParams,
        body: UpdateAppBody,
        response: { 200: AppView, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => apps.update(userOf(request), request.params.id, request.body),
  );

  app.delete(
    '/apps/:id',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Delete an app: its keys and OAuth tokens stop working at once',
        params: IdParams,
        response: { 204: Type.Null(), ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await apps.remove(userOf(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/apps/:id/client-secret',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Reset the OAuth client secret; the new one is in this answer only',
        params: IdParams,
        response: { 200: ClientSecret, ...problems(401, 403, 404) },
      },
    },
    async (request) => apps.resetClientSecret(userOf(request), request.params.id),
  );

  const keyTags = ['API keys'];

  app.post(
    '/apps/:id/keys',
    {
      config: { auth: write },
      schema: {
        tags: keyTags,
        summary: 'Create an API key; the key is in this answer only',
        description: 'Sensitive scopes need an approved accreditation of the app (else 403 accreditation_required).',
        params: IdParams,
        body: CreateKeyBody,
        response: { 201: CreatedKey, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await keys.create(userOf(request), request.params.id, request.body)),
  );

  app.get(
    '/apps/:id/keys',
    {
      config: { auth: read },
      schema: {
        tags: keyTags,
        summary: "An app's API keys (never the secrets)",
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(KeyView) }), ...problems(401, 403, 404) },
      },
    },
    async (request) => ({ items: await keys.list(userOf(request), request.params.id) }),
  );

  app.post(
    '/apps/:id/keys/:keyId/rotate',
    {
      config: { auth: write },
      schema: {
        tags: keyTags,
        summary: 'Rotate a key: a new key (in this answer only); the old one keeps working until the overlap ends',
        params: KeyParams,
        body: RotateKeyBody,
        response: { 200: RotatedKey, ...problems(400, 401, 403, 404, 409) },
      },
      // The body is optional: no body means the default overlap.
      preValidation: async (request) => {
        if (request.body === undefined || request.body === null) request.body = {};
      },
    },
    async (request) => keys.rotate(userOf(request), request.params.id, request.params.keyId, request.body),
  );

  app.delete(
    '/apps/:id/keys/:keyId',
    {
      config: { auth: write },
      schema: {
        tags: keyTags,
        summary: 'Revoke a key, at once',
        params: KeyParams,
        response: { 204: Type.Null(), ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await keys.revoke(userOf(request), request.params.id, request.params.keyId);
      return reply.status(204).send(null);
    },
  );
}

export async function accreditationRoutes(
  base: FastifyInstance,
  opts: { accreditations: AccreditationService; baseUrl: string },
) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { accreditations } = opts;
  const tags = ['Accreditations'];
  const read = { require: 'user' as const, scope: 'apps:read' as const };
  const write = { require: 'user' as const, scope: 'apps:write' as const };
  const Listing = (item: TSchema) =>
    Type.Object({ items: Type.Array(item), next: Type.Union([Type.String(), Type.Null()]) });

  app.post(
    '/apps/:id/accreditations',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Request an accreditation for sensitive scopes from the organization concerned',
        description:
          "Purpose, legal basis, retention and the contact of the data protection officer; the organization's owners and admins approve, refuse or send it back for changes.",
        params: IdParams,
        body: CreateAccreditationBody,
        response: { 201: AccreditationView, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await accreditations.create(userOf(request), request.params.id, request.body)),
  );

  app.get(
    '/apps/:id/accreditations',
    {
      config: { auth: read },
      schema: {
        tags,
        summary: "An app's accreditation requests",
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(AccreditationView) }), ...problems(401, 403, 404) },
      },
    },
    async (request) => ({ items: await accreditations.listForApp(userOf(request), request.params.id) }),
  );

  app.get(
    '/organizations/:slug/accreditations',
    {
      config: { auth: read },
      schema: {
        tags,
        summary: 'Accreditation requests addressed to an organization (owners and admins)',
        params: SlugParams,
        querystring: Type.Composite([PageQuery, Type.Object({ status: Type.Optional(AccreditationStatus) })], {
          additionalProperties: false,
        }),
        response: { 200: Listing(AccreditationView), ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const page = await accreditations.listForOrganization(
        userOf(request),
        request.params.slug,
        request.query.status,
        request.query._cursor,
        request.query._limit ?? DEFAULT_LIMIT,
      );
      return { items: page.items, next: nextLink(request, reply, opts.baseUrl, page.nextCursor) };
    },
  );

  app.get(
    '/accreditations',
    {
      schema: {
        tags,
        summary: 'The public registry of approved accreditations',
        querystring: PageQuery,
        response: { 200: Listing(PublicAccreditation), ...problems(400) },
      },
    },
    async (request, reply) => {
      const page = await accreditations.registry(request.query._cursor, request.query._limit ?? DEFAULT_LIMIT);
      return { items: page.items, next: nextLink(request, reply, opts.baseUrl, page.nextCursor) };
    },
  );

  app.get(
    '/accreditations/:id',
    {
      config: { auth: read },
      schema: {
        tags,
        summary: "An accreditation request (its app's managers and the reviewing organization)",
        params: IdParams,
        response: { 200: AccreditationView, ...problems(401, 403, 404) },
      },
    },
    async (request) => accreditations.get(userOf(request), request.params.id),
  );

  app.patch(
    '/accreditations/:id',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Change a request sent back for changes; it goes back to review',
        params: IdParams,
        body: UpdateAccreditationBody,
        response: { 200: AccreditationView, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => accreditations.update(userOf(request), request.params.id, request.body),
  );

  app.post(
    '/accreditations/:id/review',
    {
      config: { auth: write },
      schema: {
        tags,
        summary:
          'Approve, refuse, send back for changes or revoke (owners and admins of the organization; a comment unless approving)',
        params: IdParams,
        body: ReviewBody,
        response: { 200: AccreditationView, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => accreditations.review(userOf(request), request.params.id, request.body),
  );

  app.get(
    '/apps/:id/sensitive-calls',
    {
      config: { auth: read },
      schema: {
        tags,
        summary: 'Calls the app made with a sensitive scope, with their stated purpose',
        params: IdParams,
        querystring: PageQuery,
        response: { 200: Listing(SensitiveCallView), ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const page = await accreditations.sensitiveCalls(
        userOf(request),
        request.params.id,
        request.query._cursor,
        request.query._limit ?? DEFAULT_LIMIT,
      );
      return { items: page.items, next: nextLink(request, reply, opts.baseUrl, page.nextCursor) };
    },
  );
}
