import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { nextLink, problems } from '../../kernel/http.js';
import { DEFAULT_LIMIT } from '../../kernel/pagination.js';
import { userOf } from '../auth-plugin.js';
import type { OrganizationService } from './service.js';
import {
  CreateOrganizationBody,
  HandleBody,
  InvitationView,
  InviteBody,
  MemberView,
  OrganizationSummary,
  OrganizationView,
  RoleBody,
  RoleSchema,
  SlugParams,
  UpdateOrganizationBody,
} from './schema.js';

export async function organizationRoutes(
  base: FastifyInstance,
  opts: { organizations: OrganizationService; baseUrl: string },
) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const orgs = opts.organizations;
  const tags = ['Organizations'];
  const write = { require: 'user' as const, scope: 'organizations:write' as const };
  const read = { require: 'user' as const, scope: 'organizations:read' as const };
  const MemberParams = Type.Object({ slug: Type.String({ maxLength: 64 }), handle: Type.String({ maxLength: 40 }) });

  app.get(
    '/organizations',
    {
      schema: {
        tags,
        summary: 'List organizations',
        querystring: Type.Object(
          {
            _cursor: Type.Optional(Type.String({ maxLength: 300 })),
            _limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: DEFAULT_LIMIT })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ items: Type.Array(OrganizationSummary), next: Type.Union([Type.String(), Type.Null()]) }),
          ...problems(400),
        },
      },
    },
    async (request, reply) => {
      const page = await orgs.list(request.query._cursor, request.query._limit ?? DEFAULT_LIMIT);
      return { items: page.items, next: nextLink(request, reply, opts.baseUrl, page.nextCursor) };
    },
  );

  app.post(
    '/organizations',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Create an organization; you become its owner',
        body: CreateOrganizationBody,
        response: { 201: OrganizationView, ...problems(400, 401, 403, 409) },
      },
    },
    async (request, reply) => reply.status(201).send(await orgs.create(userOf(request), request.body)),
  );

  app.get(
    '/organizations/:slug',
    {
      schema: {
        tags,
        summary: 'An organization',
        params: SlugParams,
        response: { 200: OrganizationView, ...problems(404) },
      },
    },
    async (request) => orgs.get(request.actor, request.params.slug),
  );

  app.patch(
    '/organizations/:slug',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Change the profile (owner, admin)',
        params: SlugParams,
        body: UpdateOrganizationBody,
        response: { 200: OrganizationView, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => orgs.update(userOf(request), request.params.slug, request.body),
  );

  app.get(
    '/organizations/:slug/members',
    {
      schema: {
        tags,
        summary: 'Members and their roles',
        params: SlugParams,
        response: { 200: Type.Object({ items: Type.Array(MemberView) }), ...problems(404) },
      },
    },
    async (request) => ({ items: await orgs.members(request.params.slug) }),
  );

  app.patch(
    '/organizations/:slug/members/:handle',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: "Change a member's role",
        params: MemberParams,
        body: RoleBody,
        response: { 200: MemberView, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => orgs.changeRole(userOf(request), request.params.slug, request.params.handle, request.body.role),
  );

  app.delete(
    '/organizations/:slug/members/:handle',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Remove a member (or yourself: leave)',
        params: MemberParams,
        response: { 204: Type.Null(), ...problems(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await orgs.removeMember(userOf(request), request.params.slug, request.params.handle);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/organizations/:slug/leave',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Leave the organization (the owner transfers ownership first)',
        params: SlugParams,
        response: { 204: Type.Null(), ...problems(401, 404, 409) },
      },
    },
    async (request, reply) => {
      await orgs.leave(userOf(request), request.params.slug);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/organizations/:slug/transfer-ownership',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Make another member the owner; you become an admin',
        params: SlugParams,
        body: HandleBody,
        response: { 204: Type.Null(), ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await orgs.transferOwnership(userOf(request), request.params.slug, request.body.handle);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/organizations/:slug/invitations',
    {
      config: { auth: read },
      schema: {
        tags,
        summary: 'Pending invitations (owner, admin)',
        params: SlugParams,
        response: { 200: Type.Object({ items: Type.Array(InvitationView) }), ...problems(401, 403, 404) },
      },
    },
    async (request) => ({ items: await orgs.invitations(userOf(request), request.params.slug) }),
  );

  app.post(
    '/organizations/:slug/invitations',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Invite someone by email',
        params: SlugParams,
        body: InviteBody,
        response: { 201: InvitationView, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await orgs.invite(userOf(request), request.params.slug, request.body)),
  );

  app.delete(
    '/organizations/:slug/invitations/:id',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Revoke a pending invitation',
        params: Type.Object({ slug: Type.String({ maxLength: 64 }), id: Type.String({ maxLength: 64 }) }),
        response: { 204: Type.Null(), ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await orgs.revokeInvitation(userOf(request), request.params.slug, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/invitations/accept',
    {
      config: { auth: write },
      schema: {
        tags,
        summary: 'Accept an invitation with the token sent by mail',
        body: Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
        response: { 200: OrganizationView, ...problems(400, 401, 403, 409) },
      },
    },
    async (request) => orgs.acceptInvitation(userOf(request), request.body.token),
  );

  app.get(
    '/me/organizations',
    {
      config: { auth: read },
      schema: {
        tags,
        summary: 'Organizations you belong to',
        response: {
          200: Type.Object({
            items: Type.Array(Type.Object({ slug: Type.String(), name: Type.String(), role: RoleSchema })),
          }),
          ...problems(401, 403),
        },
      },
    },
    async (request) => ({ items: await orgs.mine(userOf(request)) }),
  );
}
