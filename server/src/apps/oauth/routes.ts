import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { problems } from '../../kernel/http.js';
import { AppError } from '../../kernel/errors.js';
import { userOf } from '../../platform/index.js';
import { CONSENT_PATH, OAUTH_ROUTES, TTL, type OidcInteraction, type OidcProvider } from './provider.js';
import type { OAuthService } from './service.js';
import {
  AuthorizedApp,
  AuthorizedAppParams,
  DecisionBody,
  DecisionResult,
  InteractionParams,
  InteractionView,
} from './schema.js';

/** Ties the consent API to the browser that opened the consent page (which oidc-provider bound to the one that started). */
export const CONSENT_BINDING_COOKIE = 'mt_oauth_consent';
const INTERACTIONS_API = '/api/v1/oauth/interactions';

function assertBoundToThisBrowser(request: FastifyRequest, uid: string) {
  const raw = request.cookies[CONSENT_BINDING_COOKIE];
  const unsigned = raw ? request.unsignCookie(raw) : undefined;
  if (!unsigned?.valid || unsigned.value !== uid) {
    throw new AppError(
      'forbidden',
      'This authorization request was not started in this browser; start again from the app',
    );
  }
}

/** The consent API (the web page at /oauth/consent/:uid calls it) and the user's authorized apps. */
export async function oauthApiRoutes(base: FastifyInstance, opts: { oauth: OAuthService }) {
  const app = base.withTypeProvider<TypeBoxTypeProvider>();
  const { oauth } = opts;
  const tags = ['OAuth'];
  // A signed-in browser session only: an app's token can neither consent for its user nor revoke apps.
  const auth = { require: 'session' as const };

  app.get(
    '/oauth/interactions/:uid',
    {
      config: { auth },
      schema: {
        tags,
        summary: 'What an app asks for, to show on the consent screen',
        params: InteractionParams,
        response: { 200: InteractionView, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      assertBoundToThisBrowser(request, request.params.uid);
      return oauth.interaction(userOf(request), request.params.uid);
    },
  );

  app.post(
    '/oauth/interactions/:uid',
    {
      config: { auth },
      schema: {
        tags,
        summary: 'Allow or deny an app; answers where the browser goes next',
        params: InteractionParams,
        body: DecisionBody,
        response: { 200: DecisionResult, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      assertBoundToThisBrowser(request, request.params.uid);
      return oauth.decide(userOf(request), request.params.uid, request.body.decision);
    },
  );

  app.get(
    '/me/authorized-apps',
    {
      config: { auth },
      schema: {
        tags,
        summary: 'The apps you authorized through OAuth, with what they may do',
        response: { 200: Type.Object({ items: Type.Array(AuthorizedApp) }), ...problems(401, 403) },
      },
    },
    async (request) => ({ items: await oauth.authorizedApps(userOf(request)) }),
  );

  app.delete(
    '/me/authorized-apps/:appId',
    {
      config: { auth },
      schema: {
        tags,
        summary: 'Revoke an app: its access and refresh tokens stop working at once',
        params: AuthorizedAppParams,
        response: { 204: Type.Null(), ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await oauth.revokeApp(userOf(request), request.params.appId);
      return reply.status(204).send(null);
    },
  );
}

/**
 * The protocol (oidc-provider's Koa app) at the root: /oauth/… and the metadata documents. The reply is
 * hijacked in onRequest, before Fastify reads the body or the bearer-token check looks at the
 * Authorization header (which carries the client's Basic credentials here).
 */
export async function oauthRootRoutes(
  app: FastifyInstance,
  opts: { provider: () => Promise<OidcProvider>; oauth: OAuthService; baseUrl: string },
) {
  const { provider, oauth } = opts;
  const issuer = new URL(opts.baseUrl);
  const secure = issuer.protocol === 'https:';
  let handler: ReturnType<OidcProvider['callback']> | undefined;
  const handle = async (req: FastifyRequest['raw'], res: FastifyReply['raw']) =>
    (handler ??= (await provider()).callback())(req, res);

  const forward = async (request: FastifyRequest, reply: FastifyReply) => {
    reply.hijack();
    const req = request.raw;
    // URLs in answers are built on the issuer, whatever Host the request came with.
    req.headers['x-forwarded-proto'] = issuer.protocol.slice(0, -1);
    req.headers['x-forwarded-host'] = issuer.host;
    const [path, query] = (req.url ?? '/').split(/\?(.*)/s, 2);
    // RFC 8414 metadata: the same document as OpenID Connect discovery.
    if (path === '/.well-known/oauth-authorization-server')
      req.url = `/.well-known/openid-configuration${query ? `?${query}` : ''}`;
    reply.raw.setHeader('x-request-id', request.id);
    await handle(req, reply.raw);
  };
  const protocol = (url: string) =>
    app.route({
      method: ['GET', 'POST', 'OPTIONS'],
      url,
      onRequest: forward,
      schema: { hide: true },
      handler: async () => undefined,
    });

  for (const path of Object.values(OAUTH_ROUTES)) protocol(path);
  protocol(`${OAUTH_ROUTES.authorization}/:uid`);
  protocol('/.well-known/openid-configuration');
  protocol('/.well-known/oauth-authorization-server');

  // The consent page's entry: binds the consent API to this browser, and goes straight on when the
  // signed-in user already allowed everything asked. Otherwise the web app's page is served.
  app.get(`${CONSENT_PATH}/:uid`, { schema: { hide: true } }, async (request, reply) => {
    const { uid } = request.params as { uid: string };
    let interaction: OidcInteraction | undefined;
    try {
      interaction = await (await provider()).interactionDetails(request.raw, reply.raw);
    } catch {
      interaction = undefined;
    }
    if (interaction?.uid === uid) {
      const maxAge = Math.max(1, Math.min(TTL.Interaction, interaction.exp - Math.floor(Date.now() / 1000)));
      reply.setCookie(CONSENT_BINDING_COOKIE, uid, {
        path: `${INTERACTIONS_API}/${uid}`,
        httpOnly: true,
        sameSite: 'lax',
        secure,
        signed: true,
        maxAge,
      });
      const actor = request.actor;
      if (actor.kind === 'user' && actor.via === 'session') {
        const redirectTo = await oauth.finishIfNothingToAsk(actor, interaction);
        if (redirectTo) return reply.redirect(redirectTo, 303);
      }
    }
    return reply.callNotFound();
  });
}
