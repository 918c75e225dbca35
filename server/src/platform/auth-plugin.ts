import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { anonymous, type Actor, type UserActor } from '../kernel/actor.js';
import { AppError, unauthenticated } from '../kernel/errors.js';
import { safeEqual } from '../kernel/crypto.js';
import type { Scope } from '../kernel/scopes.js';
import type { SensitiveGrant } from '../kernel/personal-data.js';
import type { AccountService, NewSession } from './accounts/service.js';
import { PERSONAL_TOKEN_PREFIX, type TokenService } from './tokens/service.js';

export const SESSION_COOKIE = 'mt_session';
export const CSRF_COOKIE = 'mt_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/**
 * Resolves a bearer credential of one kind (personal token, app key, OAuth token) to an actor.
 * The first resolver whose `matches` accepts the credential decides; undefined means invalid.
 */
export interface BearerResolver {
  name: string;
  matches(credential: string): boolean;
  resolve(credential: string): Promise<UserActor | undefined>;
}

/**
 * Runs after a route's scope was granted to a credential that belongs to a third-party app
 * (`actor.client`): the place for accreditation and purpose checks on sensitive scopes. Throws to refuse.
 */
/** Checks an app's use of a scope; for a sensitive one, answers what allowed it (kept on the request). */
export type ClientScopeCheck = (
  request: FastifyRequest,
  actor: UserActor,
  scope: Scope,
) => Promise<SensitiveGrant | undefined | void>;

/** What a route asks of the caller, in `config.auth`. */
export interface AuthRequirement {
  /** 'user': any authenticated user; 'session': a signed-in browser session only (no token). */
  require?: 'user' | 'session';
  /** Scope a bearer token must carry. */
  scope?: Scope;
}

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
    /** Set when an app called with a sensitive scope: its accreditation, stated purpose and legal basis. */
    sensitiveGrant?: SensitiveGrant;
  }
  interface FastifyContextConfig {
    auth?: AuthRequirement;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function setSessionCookies(reply: FastifyReply, session: NewSession, secure: boolean) {
  const expires = new Date(session.expiresAt);
  reply.setCookie(SESSION_COOKIE, session.sessionId, { path: '/', httpOnly: true, sameSite: 'lax', secure, expires });
  // Readable by the page, sent back as a header: a cross-site form cannot do that.
  reply.setCookie(CSRF_COOKIE, session.csrfToken, { path: '/', httpOnly: false, sameSite: 'lax', secure, expires });
}

export function clearSessionCookies(reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
  reply.clearCookie(CSRF_COOKIE, { path: '/' });
}

/** The authenticated user, for routes that declared `config.auth.require`. */
export function userOf(request: FastifyRequest): UserActor {
  if (request.actor.kind !== 'user') throw unauthenticated();
  return request.actor;
}

/**
 * Resolves who is calling — a bearer token or a session cookie — and enforces each route's
 * `config.auth` (authentication, scope, CSRF on cookie-authenticated mutations).
 */
export interface AuthPluginOptions {
  accounts: AccountService;
  tokens: TokenService;
  /** Other bearer credentials (app keys, OAuth tokens), tried after personal tokens. */
  bearers?: BearerResolver[];
  clientScopeCheck?: ClientScopeCheck;
}

export const authPlugin = fp(async (app: FastifyInstance, opts: AuthPluginOptions) => {
  app.decorateRequest('actor', null as never);
  const personal: BearerResolver = {
    name: 'personal-token',
    matches: (c) => c.startsWith(PERSONAL_TOKEN_PREFIX),
    resolve: (c) => opts.tokens.actorFromToken(c),
  };
  const bearers = [personal, ...(opts.bearers ?? [])];

  app.addHook('preHandler', async (request) => {
    request.actor = anonymous;
    const requirement = request.routeOptions.config.auth;
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      const credential = match?.[1];
      const resolver = credential ? bearers.find((b) => b.matches(credential)) : undefined;
      const actor = resolver ? await resolver.resolve(credential!) : undefined;
      if (!actor) throw new AppError('unauthenticated', 'The bearer token is invalid, expired or revoked');
      request.actor = actor;
    } else {
      const sessionId = request.cookies[SESSION_COOKIE];
      if (sessionId) {
        const actor = await opts.accounts.actorFromSession(sessionId);
        if (actor) {
          const csrfOk =
            SAFE_METHODS.has(request.method) ||
            safeEqual(String(request.headers[CSRF_HEADER] ?? ''), opts.accounts.csrfFor(sessionId));
          if (csrfOk) request.actor = actor;
          else if (requirement?.require)
            throw new AppError(
              'csrf_failed',
              `Send the ${CSRF_HEADER} header with the value of the ${CSRF_COOKIE} cookie`,
            );
        }
      }
    }
    if (!requirement?.require) return;
    const actor = request.actor;
    if (actor.kind !== 'user') throw unauthenticated();
    if (requirement.require === 'session' && actor.via !== 'session') {
      throw new AppError('forbidden', 'This action needs a signed-in browser session; tokens cannot do it');
    }
    if (requirement.scope && actor.scopes !== 'all' && !actor.scopes.has(requirement.scope)) {
      throw new AppError('insufficient_scope', `This token lacks the ${requirement.scope} scope`);
    }
    if (requirement.scope && actor.client && opts.clientScopeCheck) {
      const grant = await opts.clientScopeCheck(request, actor, requirement.scope);
      if (grant) request.sensitiveGrant = grant;
    }
  });
});
