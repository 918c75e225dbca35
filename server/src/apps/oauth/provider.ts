import { generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { createSecretBox } from '../../kernel/secret-box.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { hmac, sha256, safeEqual } from '../../kernel/crypto.js';
import { scopeIds } from '../../kernel/scopes.js';
import type { ClientRegistry, OAuthClientRecord } from '../clients.js';
import { AlreadyConsumed, type OAuthStore, type OAuthPayload } from './store.js';

// The parts of oidc-provider's API used here (it ships no types)

export interface OidcGrant {
  jti: string;
  accountId: string;
  clientId: string;
  resources?: Record<string, string>;
  openid?: { scope?: string };
  addOIDCScope(scope: string): void;
  addResourceScope(resource: string, scope: string): void;
  getResourceScope(resource: string): string;
  getOIDCScope(): string;
  save(): Promise<string>;
}
export interface OidcInteraction {
  uid: string;
  exp: number;
  returnTo: string;
  prompt: {
    name: string;
    reasons: string[];
    details: { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]> };
  };
  params: Record<string, string | undefined> & { client_id: string };
  /** The provider's browser session when the interaction started (`cookie` is its id). */
  session?: { accountId?: string; uid?: string; cookie?: string };
  grantId?: string;
  result?: Record<string, unknown>;
  lastSubmission?: Record<string, unknown>;
  save(ttl: number): Promise<string>;
}
/** An access token (user-delegated) or a client-credentials token, as found by value. */
export interface OidcToken {
  kind: 'AccessToken' | 'ClientCredentials';
  jti: string;
  clientId: string;
  accountId?: string;
  grantId?: string;
  scope?: string;
  aud?: string | string[];
  exp?: number;
  isExpired: boolean;
  'x5t#S256'?: string;
  jkt?: string;
}
export interface OidcProvider {
  issuer: string;
  proxy: boolean;
  callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<OidcInteraction>;
  Interaction: { find(uid: string): Promise<OidcInteraction | undefined> };
  Grant: {
    new (init: { accountId: string; clientId: string }): OidcGrant;
    find(id: string): Promise<OidcGrant | undefined>;
  };
  AccessToken: { find(value: string): Promise<OidcToken | undefined> };
  ClientCredentials: { find(value: string): Promise<OidcToken | undefined> };
  on(event: string, listener: (...args: unknown[]) => void): void;
}
interface OidcClient {
  clientId: string;
  clientSecret: string;
  scope?: string;
}
interface KoaContext {
  cookies: { get(name: string, options?: { signed: boolean }): string | undefined };
  oidc: {
    session: { accountId?: string };
    client: OidcClient;
    result?: { consent?: { grantId?: string } };
    provider: OidcProvider;
  };
}

type ProviderClass = new (
  issuer: string,
  configuration: object,
) => OidcProvider & { Client: { prototype: { compareClientSecret(this: OidcClient, actual: string): boolean } } };
interface PolicyApi {
  Check: {
    new (
      reason: string,
      description: string,
      error: string,
      check: (ctx: KoaContext) => Promise<boolean> | boolean,
    ): unknown;
    REQUEST_PROMPT: boolean;
    NO_NEED_TO_PROMPT: boolean;
  };
  base(): Array<{ name: string; checks: { add(check: unknown, index?: number): void } }> & {
    get(name: string): { checks: unknown[] };
  };
}
type ErrorClass = new (description: string) => Error;

/**
 * oidc-provider is imported when the engine is first built, not at start: on Node 20 the module prints
 * "Unsupported runtime" as it loads (its authors support 22+; our OAuth suite passes on 20.19), and a
 * start-up warning about a part the instance may never use would only alarm whoever runs `npm start`.
 */
async function loadOidcProvider() {
  // @ts-expect-error oidc-provider ships no type declarations (and @types/oidc-provider is not installed)
  const module = (await import('oidc-provider')) as {
    default: unknown;
    errors: Record<string, unknown>;
    interactionPolicy: unknown;
  };
  return {
    Provider: module.default as ProviderClass,
    policy: module.interactionPolicy as PolicyApi,
    InvalidGrant: module.errors.InvalidGrant as ErrorClass,
    InvalidTarget: module.errors.InvalidTarget as ErrorClass,
  };
}

// Policy

/** Where the protocol lives, under the issuer (= the instance's base URL). */
export const OAUTH_ROUTES = {
  authorization: '/oauth/authorize',
  token: '/oauth/token',
  revocation: '/oauth/revoke',
  introspection: '/oauth/introspect',
  jwks: '/oauth/jwks',
  pushed_authorization_request: '/oauth/par',
} as const;
/** The page of the web app (and its server-side entry) where the user signs in and consents. */
export const CONSENT_PATH = '/oauth/consent';

export const TTL = {
  AccessToken: 60 * 60,
  ClientCredentials: 60 * 60,
  AuthorizationCode: 60,
  IdToken: 60 * 60,
  RefreshToken: 30 * 24 * 60 * 60,
  Interaction: 30 * 60,
  Session: 14 * 24 * 60 * 60,
  // A consent lasts a year after it was last given (each authorization renews it).
  Grant: 365 * 24 * 60 * 60,
};

export const SESSION_COOKIE_NAME = 'mt_session';

// Signing keys, shared through the database

const signingKeyBox = (secretKey: string) => createSecretBox(secretKey, 'oauth signing keys v1');

/**
 * The provider's signing keys (ES256 and RS256, asymmetric only: a client secret is never an HMAC key),
 * created on the first start and shared by every instance through the database.
 */
export async function loadSigningKeys(store: OAuthStore, secretKey: string): Promise<JsonWebKey[]> {
  let rows = await store.signingKeys();
  const wanted = [
    { id: 'es256-1', alg: 'ES256', make: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }) },
    { id: 'rs256-1', alg: 'RS256', make: () => generateKeyPairSync('rsa', { modulusLength: 2048 }) },
  ];
  const missing = wanted.filter((w) => !rows.some((r) => r.id === w.id));
  if (missing.length) {
    for (const w of missing) {
      const jwk = { ...w.make().privateKey.export({ format: 'jwk' }), kid: w.id, alg: w.alg, use: 'sig' };
      await store.insertSigningKeyIfAbsent({
        id: w.id,
        alg: w.alg,
        sealedJwk: signingKeyBox(secretKey).seal(JSON.stringify(jwk)),
      });
    }
    // Another instance may have won the race: use what the database holds.
    rows = await store.signingKeys();
  }
  return rows.map((r) => JSON.parse(signingKeyBox(secretKey).open(r.sealedJwk)) as JsonWebKey);
}

// The provider

export interface ProviderDeps {
  baseUrl: string;
  secretKey: string;
  store: OAuthStore;
  clients: ClientRegistry;
  jwks: JsonWebKey[];
  /** The signed-in user behind a Multitude session cookie. */
  sessionUser(sessionId: string): Promise<string | undefined>;
  /** Whether an account still exists (tokens of a deleted account are dead). */
  accountExists(userId: string): Promise<boolean>;
}

/** The API our access tokens are for (RFC 8707 resource indicator, and the tokens' audience). */
export const apiResourceOf = (baseUrl: string) => `${baseUrl.replace(/\/+$/, '')}/api/v1`;

/** oidc-provider's client metadata for an app: confidential, code + PKCE, exact redirect URIs, our scopes only. */
export function clientMetadata(client: OAuthClientRecord) {
  return {
    client_id: client.clientId,
    // The SHA-256 of the secret stands where oidc-provider expects the secret: see compareClientSecret below.
    client_secret: client.clientSecretHash,
    client_name: client.name,
    ...(client.homepage ? { client_uri: client.homepage } : {}),
    redirect_uris: client.redirectUris,
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
    response_types: ['code'],
    response_modes: ['query'],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: 'ES256',
    scope: ['openid', 'offline_access', ...client.allowedScopes].join(' '),
  };
}

export async function createOAuthProvider(deps: ProviderDeps): Promise<OidcProvider> {
  const { Provider, policy: oidcPolicy, InvalidGrant, InvalidTarget } = await loadOidcProvider();
  const { Check, base: basePolicy } = oidcPolicy;
  const { store, clients } = deps;
  const issuer = deps.baseUrl.replace(/\/+$/, '');
  const apiResource = apiResourceOf(issuer);

  /** Clients come from the apps core; every other model from our table. */
  class Adapter extends store.KyselyAdapter {
    override async find(id: string): Promise<OAuthPayload | undefined> {
      if (this.kind !== 'Client') return super.find(id);
      const client = await clients.findByClientId(id);
      return client && clientMetadata(client);
    }
    override async upsert(id: string, payload: OAuthPayload, expiresIn?: number): Promise<void> {
      if (this.kind === 'Client') throw new Error('Clients are written by the apps core');
      return super.upsert(id, payload, expiresIn);
    }
    /** Two concurrent redemptions of one code (or refresh token): one wins; the other is a replay, which revokes the grant. */
    override async consume(id: string): Promise<void> {
      try {
        await super.consume(id);
      } catch (error) {
        if (!(error instanceof AlreadyConsumed)) throw error;
        const replayed = await super.find(id);
        if (typeof replayed?.grantId === 'string') await store.destroyGrant(replayed.grantId);
        throw new InvalidGrant(`${this.kind} already consumed`);
      }
    }
  }

  // Login is asked again whenever the provider's own session does not belong to the user signed in to
  // Multitude right now (signed out, or someone else signed in): one identity, Multitude's.
  const policy = basePolicy();
  policy.get('login').checks.push(
    new Check('multitude_session', 'The Multitude session does not match', 'login_required', async (ctx) => {
      const sessionId = ctx.cookies.get(SESSION_COOKIE_NAME, { signed: false });
      const userId = sessionId ? await deps.sessionUser(sessionId) : undefined;
      return userId !== undefined && userId === ctx.oidc.session.accountId
        ? Check.NO_NEED_TO_PROMPT
        : Check.REQUEST_PROMPT;
    }),
  );

  const resourceScopesFor = (client: OidcClient) => {
    const allowed = new Set((client.scope ?? '').split(' '));
    return scopeIds.filter((s) => allowed.has(s)).join(' ');
  };

  const provider = new Provider(issuer, {
    adapter: Adapter,
    clients: [],
    jwks: { keys: deps.jwks },
    cookies: {
      names: { session: 'mt_oauth_session', interaction: 'mt_oauth_interaction', resume: 'mt_oauth_resume' },
      keys: [hmac(deps.secretKey, 'oauth-cookies')],
      long: { httpOnly: true, sameSite: 'lax', secure: issuer.startsWith('https://') },
      short: { httpOnly: true, sameSite: 'lax', secure: issuer.startsWith('https://') },
    },
    routes: OAUTH_ROUTES,
    scopes: ['openid', 'offline_access', ...scopeIds],
    claims: { openid: ['sub'] },
    responseTypes: ['code'],
    pkce: { required: () => true },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    enabledJWA: { idTokenSigningAlgValues: ['ES256', 'RS256'] },
    allowOmittingSingleRegisteredRedirectUri: false,
    conformIdTokenClaims: true,
    interactions: {
      url: (_ctx: unknown, interaction: { uid: string }) => `${CONSENT_PATH}/${interaction.uid}`,
      policy,
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      userinfo: { enabled: false },
      dPoP: { enabled: false },
      registration: { enabled: false },
      deviceFlow: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: {
        enabled: true,
        allowedPolicy: async (_ctx: unknown, client: OidcClient, token: { clientId: string }) =>
          token.clientId === client.clientId,
      },
      // An app learns about its own tokens only.
      introspection: {
        enabled: true,
        allowedPolicy: async (_ctx: unknown, client: OidcClient, token: { clientId: string }) =>
          token.clientId === client.clientId,
      },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => apiResource,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx: unknown, resource: string, client: OidcClient) => {
          if (resource !== apiResource) throw new InvalidTarget('unknown resource: tokens are for this API only');
          return {
            scope: resourceScopesFor(client),
            audience: apiResource,
            accessTokenTTL: TTL.AccessToken,
            accessTokenFormat: 'opaque',
          };
        },
      },
    },
    ttl: {
      AccessToken: TTL.AccessToken,
      ClientCredentials: TTL.ClientCredentials,
      AuthorizationCode: TTL.AuthorizationCode,
      IdToken: TTL.IdToken,
      RefreshToken: TTL.RefreshToken,
      Interaction: TTL.Interaction,
      Session: TTL.Session,
      Grant: TTL.Grant,
    },
    // Every authorization gets a refresh token, rotated on every use; they do not end with the browser session.
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(t: string): boolean }) =>
      client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: () => true,
    expiresWithSession: async () => false,
    // Consent is remembered per user and app, whichever browser session asks.
    loadExistingGrant: async (ctx: KoaContext) => {
      const given = ctx.oidc.result?.consent?.grantId;
      if (given) return ctx.oidc.provider.Grant.find(given);
      const accountId = ctx.oidc.session.accountId;
      if (!accountId) return undefined;
      const [latest] = await store.grantsOf(accountId, ctx.oidc.client.clientId);
      return latest ? ctx.oidc.provider.Grant.find(latest.id) : undefined;
    },
    findAccount: async (_ctx: unknown, sub: string) =>
      (await deps.accountExists(sub)) ? { accountId: sub, claims: async () => ({ sub }) } : undefined,
    renderError: async (
      ctx: { type: string; body: string; status: number },
      out: { error: string; error_description?: string },
    ) => {
      ctx.type = 'html';
      const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
      ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Authorization error</title></head><body><main><h1>The authorization request cannot be completed</h1><p><strong>${escape(out.error)}</strong>${out.error_description ? `: ${escape(out.error_description)}` : ''}</p><p><a href="/">Back to the home page</a></p></main></body></html>`;
    },
  });

  // The client secret is stored as its SHA-256 only: compare hashes (in constant time).
  provider.Client.prototype.compareClientSecret = function compareClientSecret(actual: string) {
    return typeof actual === 'string' && safeEqual(sha256(actual), this.clientSecret);
  };
  // Behind a proxy, URLs are still built on the issuer (see routes.ts, which sets the forwarded headers).
  provider.proxy = true;
  return provider;
}
