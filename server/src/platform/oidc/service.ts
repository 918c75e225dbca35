import * as client from 'openid-client';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { OidcProviderConfig } from '../../config.js';
import { AppError, notFound } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import { hmac, safeEqual } from '../../kernel/crypto.js';
import { normalizeEmail, type AccountService, type NewSession } from '../accounts/service.js';
import type { AccountStore } from '../accounts/store.js';

/** What we keep between the redirect to the provider and its callback (in a signed cookie). */
interface PendingLogin {
  provider: string;
  state: string;
  nonce: string;
  verifier: string;
  next: string;
  /** Epoch milliseconds after which the attempt is refused (the cookie's own max-age is only advisory). */
  expiresAt: number;
}

/** How long one has to sign in at the provider; the routes give the cookie the same lifetime. */
export const PENDING_TTL_SECONDS = 600;

const safeNext = (next: string | undefined) => (next && /^\/(?!\/)[\w\-./?=&%]*$/.test(next) ? next : '/account');

/**
 * Sign-in with any OpenID Connect provider (FranceConnect, an organization's own IdP…):
 * authorization code flow with PKCE, state and nonce, through openid-client.
 */
export function createOidcService(deps: {
  providers: OidcProviderConfig[];
  baseUrl: string;
  allowInsecure: boolean;
  accounts: AccountService;
  accountStore: AccountStore;
  db: Kysely<Database>;
  secretKey: string;
}) {
  const configs = new Map<string, Promise<client.Configuration>>();
  const store = deps.accountStore;

  function provider(id: string): OidcProviderConfig {
    const p = deps.providers.find((x) => x.id === id);
    if (!p) throw notFound('Sign-in provider');
    return p;
  }

  function discover(p: OidcProviderConfig): Promise<client.Configuration> {
    let config = configs.get(p.id);
    if (!config) {
      config = client.discovery(
        new URL(p.issuer),
        p.clientId,
        p.clientSecret,
        p.clientSecret ? client.ClientSecretPost(p.clientSecret) : client.None(),
        deps.allowInsecure ? { execute: [client.allowInsecureRequests] } : undefined,
      );
      // A failed discovery is retried on the next sign-in instead of being cached.
      config.catch(() => configs.delete(p.id));
      configs.set(p.id, config);
    }
    return config;
  }

  const discoverOrUnavailable = (p: OidcProviderConfig) =>
    discover(p).catch(() => {
      throw new AppError('unavailable', `The sign-in provider ${p.name} does not answer`);
    });

  const redirectUri = (id: string) => `${deps.baseUrl}/api/v1/auth/oidc/${id}/callback`;

  const seal = (pending: PendingLogin) => {
    const body = Buffer.from(JSON.stringify(pending)).toString('base64url');
    return `${body}.${hmac(deps.secretKey, `oidc:${body}`)}`;
  };
  const unseal = (cookie: string | undefined): PendingLogin | undefined => {
    const [body, mac] = (cookie ?? '').split('.');
    if (!body || !mac || !safeEqual(mac, hmac(deps.secretKey, `oidc:${body}`))) return undefined;
    try {
      const pending = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as PendingLogin;
      return typeof pending.expiresAt === 'number' && pending.expiresAt > Date.now() ? pending : undefined;
    } catch {
      return undefined;
    }
  };

  // Queried inside the sign-in transaction: on SQLite (one connection) a query outside it would wait forever.
  async function uniqueHandle(trx: Kysely<Database>, seed: string): Promise<string> {
    const base = (
      seed
        .toLowerCase()
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .replace(/[^a-z0-9-]+/g, '-')
        .replace(/^-+|-+$/g, '') || 'user'
    )
      .slice(0, 30)
      .padEnd(2, '0');
    for (let i = 0; i < 50; i++) {
      const handle = i === 0 ? base : `${base}-${i + 1}`;
      if (!(await store.findByHandle(trx, handle))) return handle;
    }
    return `${base}-${Date.now().toString(36)}`;
  }

  return {
    baseUrl: deps.baseUrl,
    list: () => deps.providers.map(({ id, name }) => ({ id, name })),

    /** The provider's authorization URL and the sealed state to keep in a cookie. */
    async start(id: string, next?: string): Promise<{ url: string; cookie: string }> {
      const p = provider(id);
      const config = await discoverOrUnavailable(p);
      const pending: PendingLogin = {
        provider: id,
        state: client.randomState(),
        nonce: client.randomNonce(),
        verifier: client.randomPKCECodeVerifier(),
        next: safeNext(next),
        expiresAt: Date.now() + PENDING_TTL_SECONDS * 1000,
      };
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri(id),
        scope: p.scopes ?? 'openid email profile',
        code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
      });
      return { url: url.href, cookie: seal(pending) };
    },

    /**
     * Completes the flow: finds, links or creates the account, and opens a session.
     * `query` is the callback's query string (code, state, iss… or error) as the provider sent it.
     */
    async callback(
      id: string,
      query: string | URLSearchParams,
      sealed: string | undefined,
    ): Promise<{ session: NewSession; next: string }> {
      const p = provider(id);
      const pending = unseal(sealed);
      if (!pending || pending.provider !== id)
        throw new AppError('bad_request', 'The sign-in attempt expired or was started elsewhere; try again');
      const config = await discoverOrUnavailable(p);
      // The URL the provider redirected to is exactly the redirect_uri sent at start (openid-client derives the
      // token request's redirect_uri from it), whatever path prefix a proxy stripped on the way here.
      const currentUrl = new URL(redirectUri(id));
      currentUrl.search = new URLSearchParams(query).toString();
      let claims: client.IDToken | undefined;
      let userInfo: client.UserInfoResponse | undefined;
      try {
        const tokens = await client.authorizationCodeGrant(config, currentUrl, {
          pkceCodeVerifier: pending.verifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
        claims = tokens.claims();
        // Many providers (and OIDC's default) put scope claims in the userinfo response only.
        if (claims && (!claims.email || claims.email_verified === undefined || !claims.name) && tokens.access_token)
          userInfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
      } catch (error) {
        throw new AppError(
          'invalid_credentials',
          `The sign-in provider refused the sign-in: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      if (!claims) throw new AppError('invalid_credentials', 'The provider sent no identity');
      const subject = claims.sub;
      const email = (claims.email ?? userInfo?.email) as string | undefined;
      const emailVerified = (claims.email_verified ?? userInfo?.email_verified) === true;
      const name =
        String(
          claims.name ?? userInfo?.name ?? [claims.given_name, claims.family_name].filter(Boolean).join(' ') ?? '',
        ) ||
        email?.split('@')[0] ||
        'New user';

      const session = await deps.db.transaction().execute(async (trx) => {
        const identity = await store.findIdentity(trx, id, subject);
        let userId = identity?.userId;
        if (!userId) {
          // An existing account is linked only when the provider vouches for the email.
          const existing = email && emailVerified ? await store.findByEmail(trx, normalizeEmail(email)) : undefined;
          if (existing) {
            userId = existing.id;
            if (!existing.emailVerifiedAt) {
              // Whoever registered this address never proved they own it; the provider just did.
              // Close the door on account pre-hijacking: drop that password and its sessions.
              const at = new Date().toISOString();
              await store.updateUser(trx, existing.id, { emailVerifiedAt: at, passwordHash: null, updatedAt: at });
              await store.deleteUserSessions(trx, existing.id);
            }
          } else {
            if (!email)
              throw new AppError('bad_request', 'The provider did not share an email address, which Multitude needs');
            if (await store.findByEmail(trx, normalizeEmail(email)))
              throw new AppError(
                'conflict',
                'An account already uses this email; sign in with your password, or ask the provider to verify the email',
              );
            const handle = await uniqueHandle(trx, String(claims!.preferred_username ?? email.split('@')[0]));
            userId = (await deps.accounts.insertUser(trx, { email, handle, name, emailVerified })).id;
          }
          await store.insertIdentity(trx, {
            id: newId('idn'),
            provider: id,
            subject,
            userId,
            email: email ?? null,
            createdAt: new Date().toISOString(),
          });
        }
        return deps.accounts.createSession(trx, userId);
      });
      return { session, next: pending.next };
    },
  };
}
export type OidcService = ReturnType<typeof createOidcService>;
