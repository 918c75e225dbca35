import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { AppError } from '../../kernel/errors.js';
import { problems } from '../../kernel/http.js';
import { setSessionCookies } from '../auth-plugin.js';
import { PENDING_TTL_SECONDS, type OidcService } from './service.js';

const PENDING_COOKIE = 'mt_oidc';

export async function oidcRoutes(base: FastifyInstance, opts: { oidc: OidcService; secureCookies: boolean }) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['Accounts'];
  const Params = Type.Object({ provider: Type.String({ maxLength: 40 }) });

  app.get(
    '/auth/providers',
    {
      schema: {
        tags,
        summary: 'OpenID Connect providers one can sign in with',
        response: {
          200: Type.Object({ providers: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })) }),
        },
      },
    },
    async () => ({ providers: opts.oidc.list() }),
  );

  app.get(
    '/auth/oidc/:provider/start',
    {
      schema: {
        tags,
        summary: 'Redirect to the provider to sign in',
        params: Params,
        querystring: Type.Object(
          { next: Type.Optional(Type.String({ maxLength: 500 })) },
          { additionalProperties: false },
        ),
        response: { ...problems(404, 503) },
      },
    },
    async (request, reply) => {
      const { url, cookie } = await opts.oidc.start(request.params.provider, request.query.next);
      reply.setCookie(PENDING_COOKIE, cookie, {
        path: '/api/v1/auth/oidc',
        httpOnly: true,
        sameSite: 'lax',
        secure: opts.secureCookies,
        maxAge: PENDING_TTL_SECONDS,
      });
      return reply.redirect(url, 302);
    },
  );

  app.get(
    '/auth/oidc/:provider/callback',
    {
      schema: {
        tags,
        summary: "The provider's redirect back; opens a session",
        params: Params,
        querystring: Type.Object({}, { additionalProperties: true }),
      },
    },
    async (request, reply) => {
      reply.clearCookie(PENDING_COOKIE, { path: '/api/v1/auth/oidc' });
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
      try {
        const { session, next } = await opts.oidc.callback(
          request.params.provider,
          query,
          request.cookies[PENDING_COOKIE],
        );
        setSessionCookies(reply, session, opts.secureCookies);
        return reply.redirect(next, 302);
      } catch (error) {
        // A browser lands here: send it back to the sign-in page with the reason.
        if (error instanceof AppError && error.status < 500) {
          request.log.info({ code: error.code }, 'OIDC sign-in refused');
          return reply.redirect(`/signin?error=${encodeURIComponent(error.message)}`, 302);
        }
        throw error;
      }
    },
  );
}
