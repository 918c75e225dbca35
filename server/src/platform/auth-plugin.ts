import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { anonymous, type Actor, type UserActor } from '../kernel/actor.js';
import { AppError, unauthenticated } from '../kernel/errors.js';
import { safeEqual } from '../kernel/crypto.js';
import type { Scope } from '../kernel/scopes.js';
import type { AccountService, NewSession } from './accounts/service.js';
import type { TokenService } from './tokens/service.js';

export const SESSION_COOKIE = 'mt_session';
export const CSRF_COOKIE = 'mt_csrf';
export const CSRF_HEADER = 'x-csrf-token';

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
export const authPlugin = fp(async (app: FastifyInstance, opts: { accounts: AccountService; tokens: TokenService }) => {
  app.decorateRequest('actor', null as never);

  app.addHook('preHandler', async (request) => {
    request.actor = anonymous;
    const requirement = request.routeOptions.config.auth;
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      const actor = match ? await opts.tokens.actorFromToken(match[1]!) : undefined;
      if (!actor) throw new AppError('unauthenticated', 'The bearer token is invalid, expired or revoked');
      request.actor = actor;
    } else {
      const sessionId = request.cookies[SESSION_COOKIE];
      if (sessionId) {
        const actor = await opts.accounts.actorFromSession(sessionId);
        if (actor) {
          const csrfOk = SAFE_METHODS.has(request.method) || safeEqual(String(request.headers[CSRF_HEADER] ?? ''), opts.accounts.csrfFor(sessionId));
          if (csrfOk) request.actor = actor;
          else if (requirement?.require) throw new AppError('csrf_failed', `Send the ${CSRF_HEADER} header with the value of the ${CSRF_COOKIE} cookie`);
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
  });
});
