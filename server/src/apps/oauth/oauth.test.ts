/**
 * The OAuth 2.1 authorization server end to end, over real sockets: Multitude listens on 127.0.0.1,
 * `openid-client` is the app (a confidential client), and fetch with a cookie jar plays the user's browser
 * (signed in through our API, answering the consent screen through the interaction API).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { asSession, register, type Session, type TestApp } from '../../testing/harness.js';
import { CookieBrowser, listenTestApp } from '../../testing/http.js';
import { sha256 } from '../../kernel/crypto.js';

// A browser

/** A browser on this server, signed in as `session` when given. */
class Browser extends CookieBrowser {
  constructor(session?: Session) {
    super(baseUrl, session);
  }
}

// The world

let t: TestApp;
let baseUrl: string;
let developer: Session;
const REDIRECT = 'http://localhost:8765/callback';

beforeAll(async () => {
  // The issuer is the base URL: the server listens on its own reserved port.
  t = await listenTestApp();
  baseUrl = t.config.baseUrl;
  developer = await register(t.app, 'oauth-dev');
});
afterAll(async () => t?.cleanup());

interface RegisteredApp {
  id: string;
  clientId: string;
  clientSecret: string;
}

async function registerApp(owner = developer, redirectUris = [REDIRECT]): Promise<RegisteredApp> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/apps',
    headers: asSession(owner),
    payload: {
      name: 'Dataviz',
      description: 'Charts of your datasets',
      homepage: 'https://dataviz.example',
      redirectUris,
    },
  });
  if (res.statusCode !== 201) throw new Error(`app registration failed: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** The app's view of our server (RFC 8414 discovery), authenticating with its secret. */
async function clientOf(app: RegisteredApp, secret = app.clientSecret): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(baseUrl), app.clientId, secret, oidc.ClientSecretBasic(secret), {
    execute: [oidc.allowInsecureRequests],
    algorithm: 'oauth2',
  });
}

interface Started {
  url: URL;
  verifier: string;
  state: string;
}
async function start(config: oidc.Configuration, scope: string, extra: Record<string, string> = {}): Promise<Started> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT,
    scope,
    state,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...extra,
  });
  return { url, verifier, state };
}

/** Follows redirects in the browser until the app's redirect URI (returned, not followed) or a page. */
async function follow(browser: Browser, url: string): Promise<{ url: string; response: Response }> {
  for (let hop = 0; hop < 10; hop++) {
    const response = await browser.fetch(url);
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) return { url, response };
    await response.arrayBuffer();
    url = new URL(location, url).href;
    if (url.startsWith(REDIRECT)) return { url, response };
  }
  throw new Error('Too many redirects');
}

const uidOf = (consentUrl: string) => /\/oauth\/consent\/([\w-]+)$/.exec(new URL(consentUrl).pathname)![1]!;

/** The whole dance up to the app's callback: authorize, consent page, decision, back to the app. */
async function authorize(
  browser: Browser,
  config: oidc.Configuration,
  scope: string,
  decision: 'allow' | 'deny' = 'allow',
) {
  const started = await start(config, scope);
  let { url } = await follow(browser, started.url.href);
  let consent: Record<string, unknown> | undefined;
  if (!url.startsWith(REDIRECT)) {
    expect(new URL(url).pathname).toMatch(/^\/oauth\/consent\//);
    const uid = uidOf(url);
    const details = await browser.api('GET', `/oauth/interactions/${uid}`);
    expect(details.status).toBe(200);
    consent = (await details.json()) as Record<string, unknown>;
    const decided = await browser.api('POST', `/oauth/interactions/${uid}`, { decision });
    expect(decided.status).toBe(200);
    const { redirectTo } = (await decided.json()) as { redirectTo: string };
    ({ url } = await follow(browser, new URL(redirectTo, baseUrl).href));
  }
  expect(url.startsWith(REDIRECT)).toBe(true);
  return { callback: new URL(url), consent, ...started };
}

async function tokensFor(browser: Browser, config: oidc.Configuration, scope: string) {
  const { callback, verifier, state } = await authorize(browser, config, scope);
  return oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state });
}

const me = (token: string) => fetch(`${baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });

async function oauthError(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    // A 401 from the token endpoint comes as a WWW-Authenticate challenge carrying the error.
    const challenges = (error as { cause?: Array<{ parameters?: { error?: string } }> }).cause;
    if (Array.isArray(challenges)) return challenges[0]?.parameters?.error;
    return (error as { error?: string }).error ?? (error as Error).message;
  }
  throw new Error('Expected an OAuth error');
}

// The tests

describe('OAuth 2.1 authorization server', () => {
  it('publishes RFC 8414 metadata: code + PKCE S256 only, confidential clients, no implicit, no registration', async () => {
    const response = await fetch(`${baseUrl}/.well-known/oauth-authorization-server`);
    expect(response.status).toBe(200);
    const meta = (await response.json()) as Record<string, unknown>;
    expect(meta.issuer).toBe(baseUrl);
    expect(meta.authorization_endpoint).toBe(`${baseUrl}/oauth/authorize`);
    expect(meta.token_endpoint).toBe(`${baseUrl}/oauth/token`);
    expect(meta.revocation_endpoint).toBe(`${baseUrl}/oauth/revoke`);
    expect(meta.introspection_endpoint).toBe(`${baseUrl}/oauth/introspect`);
    expect(meta.jwks_uri).toBe(`${baseUrl}/oauth/jwks`);
    expect(meta.code_challenge_methods_supported).toEqual(['S256']);
    expect(meta.response_types_supported).toEqual(['code']);
    expect(new Set(meta.grant_types_supported as string[])).toEqual(
      new Set(['authorization_code', 'refresh_token', 'client_credentials']),
    );
    expect(new Set(meta.token_endpoint_auth_methods_supported as string[])).toEqual(
      new Set(['client_secret_basic', 'client_secret_post']),
    );
    expect(meta.scopes_supported).toEqual(
      expect.arrayContaining(['openid', 'offline_access', 'profile:read', 'data:read', 'personal-data:read']),
    );
    expect(meta.registration_endpoint).toBeUndefined();
    expect(meta.device_authorization_endpoint).toBeUndefined();
    expect(meta.userinfo_endpoint).toBeUndefined();
    // The OpenID Connect discovery document is the same.
    const openid = (await (await fetch(`${baseUrl}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(openid.token_endpoint).toBe(meta.token_endpoint);
    // Signing keys are asymmetric only, and the same after a restart (kept in the database).
    const jwks = (await (await fetch(`${baseUrl}/oauth/jwks`)).json()) as {
      keys: Array<{ kty: string; d?: string; kid: string }>;
    };
    expect(jwks.keys.map((k) => k.kty).sort()).toEqual(['EC', 'RSA']);
    expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);
    const stored = await t.db.kysely.selectFrom('oauthSigningKeys').select(['id', 'sealedJwk']).execute();
    expect(stored.map((k) => k.id).sort()).toEqual(jwks.keys.map((k) => k.kid).sort());
    expect(stored.every((k) => !k.sealedJwk.includes('"d"'))).toBe(true);
  });

  it('runs the authorization code flow with PKCE; the access token calls the API as the user, with the scopes consented', async () => {
    const app = await registerApp();
    const config = await clientOf(app);
    const user = await register(t.app, 'oauth-user');
    const browser = new Browser(user);
    const { callback, verifier, state, consent } = await authorize(browser, config, 'openid profile:read data:read');
    expect(consent).toMatchObject({
      app: { id: app.id, name: 'Dataviz', homepage: 'https://dataviz.example', owner: { handle: developer.handle } },
      consentRequired: true,
    });
    const scopes = (consent!.scopes as Array<{ id: string; description: string; sensitive: boolean }>).map((s) => s.id);
    expect(scopes).toEqual(['openid', 'profile:read', 'data:read']);
    expect((consent!.scopes as Array<{ description: string }>)[1]!.description).toBe('Read your profile');

    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.expires_in).toBe(3600);
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.id_token).toBeTruthy();
    expect(tokens.claims()!.sub).toMatch(/^usr_/);
    expect(new Set(tokens.scope!.split(' '))).toEqual(new Set(['profile:read', 'data:read']));
    // Opaque: not a JWT.
    expect(tokens.access_token.split('.')).toHaveLength(1);

    const res = await me(tokens.access_token);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { handle: string }).handle).toBe(user.handle);

    // The user sees the app among the apps they authorized.
    const list = await browser.api('GET', '/me/authorized-apps');
    const items = ((await list.json()) as { items: Array<{ app: { id: string }; scopes: Array<{ id: string }> }> })
      .items;
    expect(items).toHaveLength(1);
    expect(items[0]!.app.id).toBe(app.id);
    expect(items[0]!.scopes.map((s) => s.id)).toEqual(['openid', 'profile:read', 'data:read']);
    const event = await t.db.kysely
      .selectFrom('events')
      .select(['type', 'visibility'])
      .where('type', '=', 'oauth.authorized')
      .where('subjectId', '=', app.id)
      .executeTakeFirst();
    expect(event).toEqual({ type: 'oauth.authorized', visibility: 'private' });
  });

  it('remembers consent: a second authorization for the same scopes skips the consent page, in the same browser or another', async () => {
    const config = await clientOf(await registerApp());
    const user = await register(t.app, 'oauth-again');
    const browser = new Browser(user);
    expect((await authorize(browser, config, 'profile:read')).consent).toBeDefined();
    const again = await authorize(browser, config, 'profile:read');
    expect(again.consent).toBeUndefined();
    expect(again.callback.searchParams.get('code')).toBeTruthy();
    // Another browser where the user is signed in: the consent page lets them through at once.
    const other = await authorize(new Browser(user), config, 'profile:read');
    expect(other.consent).toBeUndefined();
    const tokens = await oidc.authorizationCodeGrant(config, other.callback, {
      pkceCodeVerifier: other.verifier,
      expectedState: other.state,
    });
    expect((await me(tokens.access_token)).status).toBe(200);
    // The app may insist on the screen (prompt=consent), which also keeps offline_access.
    const insisted = await start(config, 'profile:read offline_access', { prompt: 'consent' });
    const { url: consentUrl } = await follow(browser, insisted.url.href);
    expect(new URL(consentUrl).pathname).toMatch(/^\/oauth\/consent\//);
    const screen = await browser.api('GET', `/oauth/interactions/${uidOf(consentUrl)}`);
    expect(await screen.json()).toMatchObject({
      consentRequired: true,
      scopes: [
        { id: 'offline_access', alreadyGranted: false },
        { id: 'profile:read', alreadyGranted: true },
      ],
    });
    // Asking for more asks again, for the new scope.
    const more = await authorize(browser, config, 'profile:read data:read');
    expect(more.consent).toMatchObject({
      consentRequired: true,
      scopes: [
        { id: 'profile:read', alreadyGranted: true },
        { id: 'data:read', alreadyGranted: false },
      ],
    });
  });

  it('does not reuse a consent for someone else signing in on the same browser', async () => {
    const config = await clientOf(await registerApp());
    const first = await register(t.app, 'oauth-first');
    const browser = new Browser(first);
    await authorize(browser, config, 'profile:read');
    const second = await register(t.app, 'oauth-second');
    browser.signIn(second);
    const { consent, callback, verifier, state } = await authorize(browser, config, 'profile:read');
    expect(consent).toMatchObject({ consentRequired: true });
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect(((await (await me(tokens.access_token)).json()) as { handle: string }).handle).toBe(second.handle);
  });

  it('rotates refresh tokens: the new one works, the old one is refused (and the reuse revokes the grant)', async () => {
    const config = await clientOf(await registerApp());
    const tokens = await tokensFor(new Browser(await register(t.app, 'oauth-refresh')), config, 'profile:read');
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).toBeTruthy();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect((await me(refreshed.access_token)).status).toBe(200);
    expect(await oauthError(oidc.refreshTokenGrant(config, tokens.refresh_token!))).toBe('invalid_grant');
    // A replayed refresh token means it leaked: the whole grant is gone.
    expect(await oauthError(oidc.refreshTokenGrant(config, refreshed.refresh_token!))).toBe('invalid_grant');
    expect((await me(refreshed.access_token)).status).toBe(401);
  });

  it('client credentials: a server-to-server token acting for the app owner, limited to the scopes asked', async () => {
    const app = await registerApp();
    const config = await clientOf(app);
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'profile:read' });
    expect(tokens.refresh_token).toBeUndefined();
    const res = await me(tokens.access_token);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { handle: string }).handle).toBe(developer.handle);
    const orgs = await fetch(`${baseUrl}/api/v1/me/organizations`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(orgs.status).toBe(403);
    // A deleted app's tokens die with it.
    const del = await t.app.inject({ method: 'DELETE', url: `/api/v1/apps/${app.id}`, headers: asSession(developer) });
    expect(del.statusCode).toBe(204);
    expect((await me(tokens.access_token)).status).toBe(401);
  });

  it('revocation and introspection, for the app’s own tokens only', async () => {
    const app = await registerApp();
    const config = await clientOf(app);
    const user = await register(t.app, 'oauth-introspect');
    const tokens = await tokensFor(new Browser(user), config, 'profile:read');
    const info = await oidc.tokenIntrospection(config, tokens.access_token);
    expect(info).toMatchObject({ active: true, client_id: app.clientId, scope: 'profile:read', token_type: 'Bearer' });
    expect(info.sub).toMatch(/^usr_/);
    // Another app learns nothing about it, and cannot revoke it.
    const stranger = await clientOf(await registerApp());
    expect((await oidc.tokenIntrospection(stranger, tokens.access_token)).active).toBe(false);
    await oidc.tokenRevocation(stranger, tokens.access_token).catch(() => undefined);
    expect((await me(tokens.access_token)).status).toBe(200);

    await oidc.tokenRevocation(config, tokens.access_token);
    expect((await me(tokens.access_token)).status).toBe(401);
    expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
  });

  it('lets the user revoke an app: every token stops working and the next authorization asks again', async () => {
    const app = await registerApp();
    const config = await clientOf(app);
    const user = await register(t.app, 'oauth-revoke');
    const browser = new Browser(user);
    const tokens = await tokensFor(browser, config, 'profile:read');
    expect((await me(tokens.access_token)).status).toBe(200);

    // Someone else cannot revoke it for them; an OAuth token cannot either.
    const other = new Browser(await register(t.app, 'oauth-other'));
    expect((await other.api('DELETE', `/me/authorized-apps/${app.id}`)).status).toBe(404);
    const withToken = await fetch(`${baseUrl}/api/v1/me/authorized-apps/${app.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(withToken.status).toBe(403);

    expect((await browser.api('DELETE', `/me/authorized-apps/${app.id}`)).status).toBe(204);
    expect((await me(tokens.access_token)).status).toBe(401);
    expect(await oauthError(oidc.refreshTokenGrant(config, tokens.refresh_token!))).toBe('invalid_grant');
    expect(((await (await browser.api('GET', '/me/authorized-apps')).json()) as { items: unknown[] }).items).toEqual(
      [],
    );
    expect((await browser.api('DELETE', `/me/authorized-apps/${app.id}`)).status).toBe(404);
    expect((await authorize(browser, config, 'profile:read')).consent).toMatchObject({ consentRequired: true });
    const event = await t.db.kysely
      .selectFrom('events')
      .select('type')
      .where('type', '=', 'oauth.revoked')
      .where('subjectId', '=', app.id)
      .executeTakeFirst();
    expect(event?.type).toBe('oauth.revoked');
  });
});

describe('OAuth: hostile requests', () => {
  let app: RegisteredApp;
  let config: oidc.Configuration;
  let browser: Browser;
  beforeAll(async () => {
    app = await registerApp();
    config = await clientOf(app);
    browser = new Browser(await register(t.app, 'oauth-hostile'));
  });

  it('refuses an authorization request without PKCE', async () => {
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'profile:read', state: 'xyz' });
    const { url: back } = await follow(browser, url.href);
    const params = new URL(back).searchParams;
    expect(params.get('error')).toBe('invalid_request');
    expect(params.get('error_description')).toMatch(/PKCE/i);
    expect(params.get('code')).toBeNull();
  });

  it('refuses the plain PKCE method', async () => {
    const { url } = await start(config, 'profile:read', { code_challenge_method: 'plain' });
    const params = new URL((await follow(browser, url.href)).url).searchParams;
    expect(params.get('error')).toBe('invalid_request');
  });

  it('answers in the query only: form_post and fragment response modes are refused', async () => {
    const post = await browser.fetch((await start(config, 'profile:read', { response_mode: 'form_post' })).url.href);
    expect(post.status).toBe(400);
    expect(post.headers.get('location')).toBeNull();
    expect(await post.text()).toMatch(/response_mode/);
    const fragment = await browser.fetch((await start(config, 'profile:read', { response_mode: 'fragment' })).url.href);
    const back = new URL(fragment.headers.get('location')!);
    const params = new URLSearchParams(back.hash.slice(1));
    expect(params.get('error')).toBe('invalid_request');
    expect(params.get('error_description')).toMatch(/response_mode/);
    expect(params.get('code')).toBeNull();
  });

  it('refuses a code exchanged with the wrong PKCE verifier', async () => {
    const { callback, state } = await authorize(browser, config, 'profile:read');
    expect(
      await oauthError(
        oidc.authorizationCodeGrant(config, callback, {
          pkceCodeVerifier: oidc.randomPKCECodeVerifier(),
          expectedState: state,
        }),
      ),
    ).toBe('invalid_grant');
  });

  it('never redirects to an unregistered or near-miss redirect URI', async () => {
    for (const redirect of [
      'https://evil.example/callback',
      'http://localhost:8765/callback/',
      'http://localhost:8765/callback?x=1',
      'http://localhost:8766/callback',
      'http://LOCALHOST:8765/Callback',
    ]) {
      const { url } = await start(config, 'profile:read');
      url.searchParams.set('redirect_uri', redirect);
      const response = await browser.fetch(url.href);
      expect(response.status, redirect).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      // Our error page, under the site's security headers.
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect(await response.text()).toMatch(/redirect_uri/);
    }
    // And a redirect_uri is required even when only one is registered.
    const { url } = await start(config, 'profile:read');
    url.searchParams.delete('redirect_uri');
    expect((await browser.fetch(url.href)).status).toBe(400);
  });

  it('refuses a replayed authorization code, and revokes the tokens the first use gave', async () => {
    const { callback, verifier, state } = await authorize(browser, config, 'profile:read');
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect((await me(tokens.access_token)).status).toBe(200);
    expect(
      await oauthError(
        oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state }),
      ),
    ).toBe('invalid_grant');
    expect((await me(tokens.access_token)).status).toBe(401);
  });

  it('of two concurrent redemptions of one code, one gets tokens, the other invalid_grant, and the grant is revoked', async () => {
    const { callback, verifier, state } = await authorize(browser, config, 'profile:read');
    const results = await Promise.allSettled(
      [0, 1].map(() =>
        oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state }),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(await oauthError(Promise.reject((lost[0] as PromiseRejectedResult).reason))).toBe('invalid_grant');
    expect((await me((won[0] as PromiseFulfilledResult<oidc.TokenEndpointResponse>).value.access_token)).status).toBe(
      401,
    );
  });

  it('refuses a wrong client secret (and the secret is not the stored hash either)', async () => {
    const wrong = await clientOf(app, 'mts_not-the-secret');
    expect(await oauthError(oidc.clientCredentialsGrant(wrong, { scope: 'profile:read' }))).toBe('invalid_client');
    const hashed = await clientOf(app, sha256(app.clientSecret));
    expect(await oauthError(oidc.clientCredentialsGrant(hashed, { scope: 'profile:read' }))).toBe('invalid_client');
    // client_secret_post works too, with the right secret.
    const post = await oidc.discovery(
      new URL(baseUrl),
      app.clientId,
      app.clientSecret,
      oidc.ClientSecretPost(app.clientSecret),
      { execute: [oidc.allowInsecureRequests] },
    );
    expect((await oidc.clientCredentialsGrant(post, { scope: 'profile:read' })).access_token).toBeTruthy();
  });

  it('refuses a sensitive scope the app holds no accreditation for, at authorization and with client credentials', async () => {
    const { url } = await start(config, 'profile:read personal-data:read');
    const params = new URL((await follow(browser, url.href)).url).searchParams;
    expect(params.get('error')).toBe('invalid_scope');
    expect(params.get('code')).toBeNull();
    expect(await oauthError(oidc.clientCredentialsGrant(config, { scope: 'personal-data:read' }))).toBe(
      'invalid_scope',
    );
  });

  it('a sensitive scope with an approved accreditation: flagged on the consent screen, and each call must state its purpose', async () => {
    const reviewer = await register(t.app, 'oauth-org');
    const org = await t.app.inject({
      method: 'POST',
      url: '/api/v1/organizations',
      headers: asSession(reviewer),
      payload: { name: 'Transit', slug: `transit-oauth-${process.pid}` },
    });
    expect(org.statusCode).toBe(201);
    const accredited = await registerApp();
    const requested = await t.app.inject({
      method: 'POST',
      url: `/api/v1/apps/${accredited.id}/accreditations`,
      headers: asSession(developer),
      payload: {
        organization: org.json().slug,
        scopes: ['data:write'],
        purpose: 'Publish timetables for the user',
        legalBasis: 'Consent',
        retention: 'None',
        dpo: { name: 'Dana', email: 'dpo@example.org' },
      },
    });
    expect(requested.statusCode, requested.body).toBe(201);
    const approved = await t.app.inject({
      method: 'POST',
      url: `/api/v1/accreditations/${requested.json().id}/review`,
      headers: asSession(reviewer),
      payload: { decision: 'approve' },
    });
    expect(approved.statusCode, approved.body).toBe(200);

    const accreditedConfig = await clientOf(accredited);
    const user = new Browser(await register(t.app, 'oauth-sensitive'));
    const { consent, callback, verifier, state } = await authorize(user, accreditedConfig, 'data:read data:write');
    expect(consent!.scopes).toEqual([
      expect.objectContaining({ id: 'data:read', sensitive: false }),
      expect.objectContaining({ id: 'data:write', sensitive: true }),
    ]);
    const tokens = await oidc.authorizationCodeGrant(accreditedConfig, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect(tokens.scope!.split(' ').sort()).toEqual(['data:read', 'data:write']);
    const create = (headers: Record<string, string>) =>
      fetch(`${baseUrl}/api/v1/datasets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ title: 'Bus stops', license: 'CC0-1.0' }),
      });
    const withoutPurpose = await create({});
    expect(withoutPurpose.status).toBe(400);
    expect(((await withoutPurpose.json()) as { code: string }).code).toBe('purpose_required');
    expect((await create({ 'x-purpose': 'Publish the bus stops the user drew' })).status).toBe(201);
  });

  it('a user who denies: the app gets access_denied and no code', async () => {
    const denying = new Browser(await register(t.app, 'oauth-deny'));
    const { callback } = await authorize(denying, config, 'profile:read', 'deny');
    expect(callback.searchParams.get('error')).toBe('access_denied');
    expect(callback.searchParams.get('code')).toBeNull();
  });

  it('a token used outside its scopes gets 403; an unknown token 401', async () => {
    const tokens = await tokensFor(browser, config, 'profile:read');
    const orgs = await fetch(`${baseUrl}/api/v1/me/organizations`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(orgs.status).toBe(403);
    expect(orgs.headers.get('content-type')).toContain('application/problem+json');
    // Expired: refused even if the row is still there.
    await t.db.kysely
      .updateTable('oauthRecords')
      .set({ expiresAt: new Date(Date.now() - 1000).toISOString() })
      .where('kind', '=', 'AccessToken')
      .where('id', '=', tokens.access_token)
      .execute();
    expect((await me(tokens.access_token)).status).toBe(401);
    const unknown = await me('not-a-token-we-issued');
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
  });

  it('the consent API answers only the browser that started the authorization, with a session', async () => {
    const { url } = await start(config, 'profile:read data:read');
    const fresh = new Browser(await register(t.app, 'oauth-victim'));
    const { url: consentUrl } = await follow(fresh, url.href);
    const uid = uidOf(consentUrl);
    // Another signed-in browser given the link cannot read or answer it.
    const attacker = new Browser(await register(t.app, 'oauth-attacker'));
    expect((await attacker.api('GET', `/oauth/interactions/${uid}`)).status).toBe(403);
    expect((await attacker.api('POST', `/oauth/interactions/${uid}`, { decision: 'allow' })).status).toBe(403);
    // No CSRF header: refused.
    const noCsrf = await fresh.fetch(`${baseUrl}/api/v1/oauth/interactions/${uid}`, {
      method: 'POST',
      body: JSON.stringify({ decision: 'allow' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(noCsrf.status).toBe(403);
    // A bad decision: 400. An unknown interaction: 403 (not bound) .
    expect((await fresh.api('POST', `/oauth/interactions/${uid}`, { decision: 'maybe' })).status).toBe(400);
    expect((await fresh.api('GET', '/oauth/interactions/unknown-uid')).status).toBe(403);
  });
});
