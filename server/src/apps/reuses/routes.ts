import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { nextLink, problems } from '../../kernel/http.js';
import { userOf } from '../../platform/index.js';
import type { ReuseService } from './service.js';
import {
  CreateReuseBody,
  PageQuery,
  ReusePage,
  ReuseQuery,
  ReuseView,
  StatsPage,
  StatsQuery,
  UpdateReuseBody,
  UsedByPage,
} from './schema.js';

const SlugParams = Type.Object({ slug: Type.String({ minLength: 1, maxLength: 100 }) });
const FeatureParams = Type.Object({
  orgSlug: Type.String({ minLength: 1, maxLength: 100 }),
  reuseSlug: Type.String({ minLength: 1, maxLength: 100 }),
});

export async function reuseRoutes(base: FastifyInstance, opts: { reuses: ReuseService; baseUrl: string }) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { reuses } = opts;
  const write = { require: 'user' as const, scope: 'reuses:write' as const };
  const tags = ['Reuses'];

  app.post(
    '/reuses',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Showcase a reuse (application, visualization, article, API…) built on published datasets',
        description:
          'The URL is http(s); the image an https address shown as is (never fetched). `organization` must be one you belong to; `app` an app you own.',
        body: CreateReuseBody,
        response: { 201: ReuseView, ...problems(400, 401, 403, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await reuses.create(userOf(request), request.body)),
  );

  app.get(
    '/reuses',
    {
      schema: {
        tags,
        summary: 'The gallery of reuses, with filters, facets and cursor pagination',
        querystring: ReuseQuery,
        response: { 200: ReusePage, ...problems(400) },
      },
    },
    async (request, reply) => {
      const page = await reuses.list(request.query);
      return { items: page.items, facets: page.facets, next: nextLink(request, reply, opts.baseUrl, page.nextCursor) };
    },
  );

  app.get(
    '/reuses/:slug',
    {
      schema: {
        tags,
        summary: 'A reuse (counts a view)',
        params: SlugParams,
        response: { 200: ReuseView, ...problems(404) },
      },
    },
    async (request) => reuses.get(request.actor, request.params.slug),
  );

  app.patch(
    '/reuses/:slug',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Change a reuse (its author, or the admins of its organization)',
        params: SlugParams,
        body: UpdateReuseBody,
        response: { 200: ReuseView, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => reuses.update(userOf(request), request.params.slug, request.body),
  );

  app.delete(
    '/reuses/:slug',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Delete a reuse (its author, or the admins of its organization)',
        params: SlugParams,
        response: { 204: Type.Null(), ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await reuses.remove(userOf(request), request.params.slug);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/datasets/:slug/reuses',
    {
      schema: {
        tags,
        summary: 'Reuses of a dataset ("used by"), those its organization features first',
        params: SlugParams,
        querystring: PageQuery,
        response: { 200: UsedByPage, ...problems(400, 404) },
      },
    },
    async (request, reply) => {
      const page = await reuses.usedBy(request.actor, request.params.slug, request.query);
      return { items: page.items, next: nextLink(request, reply, opts.baseUrl, page.nextCursor) };
    },
  );

  app.put(
    '/organizations/:orgSlug/featured-reuses/:reuseSlug',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: "Feature a reuse of the organization's datasets (owners and admins)",
        params: FeatureParams,
        response: { 200: ReuseView, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => reuses.feature(userOf(request), request.params.orgSlug, request.params.reuseSlug, true),
  );

  app.delete(
    '/organizations/:orgSlug/featured-reuses/:reuseSlug',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Stop featuring a reuse (owners and admins)',
        params: FeatureParams,
        response: { 200: ReuseView, ...problems(401, 403, 404) },
      },
    },
    async (request) => reuses.feature(userOf(request), request.params.orgSlug, request.params.reuseSlug, false),
  );

  app.get(
    '/stats/reuses',
    {
      schema: {
        tags,
        summary: 'Most used reuses: views plus the API calls of the app they are built with',
        querystring: StatsQuery,
        response: { 200: StatsPage, ...problems(400) },
      },
    },
    async (request) => reuses.stats(request.query),
  );
}
