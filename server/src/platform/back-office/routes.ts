/** HTTP of the back office's personal-data reads; each read is recorded for the person it concerns. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { problems } from '../../kernel/http.js';
import { userOf } from '../auth-plugin.js';
import { AccountDetails, HandleParams, MemberContact, MemberParams } from './schema.js';
import type { BackOffice, ReadContext } from './service.js';

const PURPOSE_MAX = 500;

function readContext(request: FastifyRequest): ReadContext {
  const header = request.headers['x-purpose'];
  const purpose = (Array.isArray(header) ? header[0] : header)?.trim().slice(0, PURPOSE_MAX);
  return { queryId: String(request.id), purpose: purpose || undefined, grant: request.sensitiveGrant };
}

export async function backOfficeRoutes(base: FastifyInstance, opts: { backOffice: BackOffice }) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { backOffice } = opts;
  const auth = { require: 'user' as const, scope: 'personal-data:read' as const };
  const recorded =
    'The read is recorded in the person’s personal-data access log (GET /api/v1/me/data-access) with the purpose stated in X-Purpose and the legal basis.';

  app.get(
    '/admin/users/:handle',
    {
      config: { auth },
      schema: {
        tags: ['Personal data'],
        summary: 'An account’s details, e-mail included (platform administrators)',
        description: recorded,
        params: HandleParams,
        response: { 200: AccountDetails, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => backOffice.account(userOf(request), request.params.handle, readContext(request)),
  );

  app.get(
    '/organizations/:slug/members/:handle/contact',
    {
      config: { auth },
      schema: {
        tags: ['Personal data'],
        summary: 'A member’s contact (owners and admins of the organization, or an app it accredited)',
        description: recorded,
        params: MemberParams,
        response: { 200: MemberContact, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) =>
      backOffice.memberContact(userOf(request), request.params.slug, request.params.handle, readContext(request)),
  );
}
