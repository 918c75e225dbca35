/**
 * End-to-end OpenID Connect sign-in against a real provider (the `oidc-provider` package), over real
 * sockets: Multitude listens on 127.0.0.1, the provider too, and the "browser" is plain fetch with a
 * cookie jar. The provider's login and consent prompts are answered programmatically.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error oidc-provider ships no type declarations (and @types/oidc-provider is not installed)
import ProviderModule from 'oidc-provider';
import { createTestApp, register, type TestApp } from '../../testing/harness.js';
import { loadSecretKey } from '../../config.js';
import { hmac } from '../../kernel/crypto.js';

// The few parts of oidc-provider's API this test uses

interface Interaction {
  uid: string;
  prompt: {
    name: string;
    details: {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
  };
  params: { client_id: string };
  session?: { accountId?: string };
  grantId?: string;
}
interface Grant {
  addOIDCScope(scope: string): void;
  addOIDCClaims(claims: string[]): void;
  addResourceScope(resource: string, scope: string): void;
  save(): Promise<string>;
}
interface OidcProvider {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
  interactionFinished(
    req: IncomingMessage,
    res: ServerResponse,
    result: object,
    options?: { mergeWithLastSubmission?: boolean },
  ): Promise<void>;
  Grant: { new (init: { accountId: string; clientId: string }): Grant; find(id: string): Promise<Grant | undefined> };
}
const Provider = ProviderModule as new (issuer: string, configuration: object) => OidcProvider;

// Small helpers

interface Person {
  sub: string;
  email: string;
  email_verified: boolean;
  name: string;
}

function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
const closeServer = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

/** A port nothing listens on (bound by the OS, then released). */
async function freePort(): Promise<number> {
  const s = createServer();
  const port = await listen(s);
  await closeServer(s);
  return port;
}

/** Cookies per origin, as a browser would keep them (paths ignored: every name here is distinct). */
class CookieJar {
  private readonly byOrigin = new Map<string, Map<string, string>>();
  header(url: string): string {
    return [...(this.byOrigin.get(new URL(url).origin) ?? new Map<string, string>())]
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
  }
  store(url: string, response: Response) {
    const origin = new URL(url).origin;
    const jar = this.byOrigin.get(origin) ?? new Map<string, string>();
    this.byOrigin.set(origin, jar);
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attributes.some(
        (a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now()),
      );
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
  }
  get(url: string, name: string) {
    return this.byOrigin.get(new URL(url).origin)?.get(name);
  }
  set(url: string, name: string, value: string | undefined) {
    const origin = new URL(url).origin;
    const jar = this.byOrigin.get(origin) ?? new Map<string, string>();
    this.byOrigin.set(origin, jar);
    if (value === undefined) jar.delete(name);
    else jar.set(name, value);
  }
}

async function get(url: string, jar: CookieJar, headers: Record<string, string> = {}): Promise<Response> {
  const cookie = jar.header(url);
  const response = await fetch(url, { redirect: 'manual', headers: { ...(cookie ? { cookie } : {}), ...headers } });
  jar.store(url, response);
  return response;
}

const setCookieNames = (response: Response) => response.headers.getSetCookie().map((c) => c.split('=')[0]);

/** A refused callback: back to the sign-in page with a reason, and no session. */
function expectRefused(response: Response, reason: RegExp) {
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get('location')!, 'http://x');
  expect(location.pathname).toBe('/signin');
  expect(location.searchParams.get('error')).toMatch(reason);
  expect(setCookieNames(response)).not.toContain('mt_session');
  expect(setCookieNames(response)).not.toContain('mt_csrf');
}

// The world: a provider, and Multitude

const people = new Map<string, Person>();
/** Who "types their password" at the provider in the next flow. */
let signingIn: Person | undefined;

let providerServer: Server;
let issuer: string;
let mt: TestApp;
let baseUrl: string;
let downPort: number;

const CLIENT = { id: 'multitude-test', secret: 'a-client-secret-for-tests-only-0123456789' };

/** Answers the provider's prompts as a user would: logs in `signingIn`, then consents to what is asked. */
async function interaction(provider: OidcProvider, req: IncomingMessage, res: ServerResponse) {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'login') {
    if (!signingIn) throw new Error('No one is signing in');
    people.set(signingIn.sub, signingIn);
    return provider.interactionFinished(
      req,
      res,
      { login: { accountId: signingIn.sub } },
      { mergeWithLastSubmission: false },
    );
  }
  if (details.prompt.name === 'consent') {
    const grant = details.grantId
      ? ((await provider.Grant.find(details.grantId)) as Grant)
      : new provider.Grant({ accountId: details.session!.accountId!, clientId: details.params.client_id });
    const missing = details.prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
      grant.addResourceScope(resource, scopes.join(' '));
    return provider.interactionFinished(
      req,
      res,
      { consent: { grantId: await grant.save() } },
      { mergeWithLastSubmission: true },
    );
  }
  throw new Error(`Unexpected prompt ${details.prompt.name}`);
}

/** Multitude, listening for real on 127.0.0.1 with baseUrl = its own address. */
async function startMultitude(
  providers: Array<{ id: string; name: string; issuer: string; clientId: string; clientSecret?: string }>,
): Promise<TestApp> {
  for (let attempt = 0; ; attempt++) {
    // buildApp() needs its public address up front (redirect_uri), so the port is reserved first.
    const port = await freePort();
    const app = await createTestApp({
      config: { baseUrl: `http://127.0.0.1:${port}`, oidcProviders: providers, oidcAllowInsecure: true },
    });
    try {
      await app.app.listen({ host: '127.0.0.1', port });
      return app;
    } catch (error) {
      await app.cleanup();
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 3) throw error;
    }
  }
}

beforeAll(async () => {
  providerServer = createServer();
  issuer = `http://127.0.0.1:${await listen(providerServer)}`;
  downPort = await freePort();

  mt = await startMultitude([
    { id: 'test', name: 'Test IdP', issuer, clientId: CLIENT.id, clientSecret: CLIENT.secret },
    { id: 'down', name: 'Down IdP', issuer: `http://127.0.0.1:${downPort}`, clientId: 'nobody' },
  ]);
  baseUrl = mt.config.baseUrl;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
        redirect_uris: [`${baseUrl}/api/v1/auth/oidc/test/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    async findAccount(_ctx: unknown, sub: string) {
      const person = people.get(sub);
      if (!person) return undefined;
      return { accountId: sub, claims: async () => ({ ...person }) };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    interactions: { url: (_ctx: unknown, i: { uid: string }) => `/interaction/${i.uid}` },
    features: { devInteractions: { enabled: false } },
    cookies: { keys: ['cookie-key-for-tests-only'] },
    ttl: { AuthorizationCode: 60, AccessToken: 600, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    pkce: { required: () => true },
  });
  const handler = provider.callback();
  providerServer.on('request', (req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      interaction(provider, req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
    } else handler(req, res);
  });
});

afterAll(async () => {
  await mt?.cleanup();
  if (providerServer) await closeServer(providerServer);
});

/**
 * Start → provider authorization → login/consent → the redirect back to Multitude's callback,
 * which is returned (not followed) so a test can tamper with it.
 */
async function toCallback(
  person: Person,
  jar = new CookieJar(),
  next = '/welcome',
): Promise<{ callbackUrl: string; jar: CookieJar }> {
  signingIn = person;
  let url = `${baseUrl}/api/v1/auth/oidc/test/start?next=${encodeURIComponent(next)}`;
  for (let hop = 0; hop < 12; hop++) {
    const response = await get(url, jar);
    await response.arrayBuffer();
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location)
      throw new Error(`Expected a redirect from ${url}, got ${response.status}`);
    url = new URL(location, url).href;
    if (url.startsWith(`${baseUrl}/api/v1/auth/oidc/test/callback`)) return { callbackUrl: url, jar };
  }
  throw new Error('Too many redirects');
}

async function signIn(person: Person): Promise<{ callback: Response; cookie: string; jar: CookieJar }> {
  const { callbackUrl, jar } = await toCallback(person);
  const callback = await get(callbackUrl, jar);
  const session = jar.get(baseUrl, 'mt_session');
  return { callback, cookie: session ? `mt_session=${session}` : '', jar };
}

async function me(cookie: string) {
  const response = await fetch(`${baseUrl}/api/v1/me`, { headers: { cookie } });
  return {
    status: response.status,
    body: (await response.json()) as {
      id: string;
      email: string;
      name: string;
      handle: string;
      emailVerified: boolean;
    },
  };
}

let seq = 0;
const person = (over: Partial<Person> = {}): Person => {
  seq += 1;
  return {
    sub: `sub-${process.pid}-${seq}`,
    email: `oidc-${process.pid}-${seq}@example.org`,
    email_verified: true,
    name: `Ada Lovelace ${seq}`,
    ...over,
  };
};

describe('OIDC sign-in against a real provider', () => {
  it('lists the configured providers', async () => {
    const response = await fetch(`${baseUrl}/api/v1/auth/providers`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      providers: [
        { id: 'test', name: 'Test IdP' },
        { id: 'down', name: 'Down IdP' },
      ],
    });
  });

  it('start redirects to the provider with PKCE, state and nonce, and sets the pending cookie', async () => {
    const jar = new CookieJar();
    const response = await get(`${baseUrl}/api/v1/auth/oidc/test/start`, jar);
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location')!);
    expect(location.origin).toBe(issuer);
    expect(location.searchParams.get('client_id')).toBe(CLIENT.id);
    expect(location.searchParams.get('redirect_uri')).toBe(`${baseUrl}/api/v1/auth/oidc/test/callback`);
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    expect(location.searchParams.get('state')).toBeTruthy();
    expect(location.searchParams.get('nonce')).toBeTruthy();
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('mt_oidc='))!;
    expect(cookie).toMatch(/Path=\/api\/v1\/auth\/oidc/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
  });

  it('creates a new user from the claims, with the verified email, and opens a session', async () => {
    const ada = person();
    const { callback, cookie } = await signIn(ada);
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/welcome');
    expect(setCookieNames(callback)).toEqual(expect.arrayContaining(['mt_session', 'mt_csrf']));
    const { status, body } = await me(cookie);
    expect(status).toBe(200);
    expect(body).toMatchObject({ email: ada.email, name: ada.name, emailVerified: true });
    expect(body.handle).toBe(ada.email.split('@')[0]);
  });

  it('a second sign-in with the same subject opens the same account', async () => {
    const bob = person();
    const first = await me((await signIn(bob)).cookie);
    // The provider may have changed the email meanwhile: the subject is what identifies.
    const second = await me((await signIn({ ...bob, email: `changed-${bob.email}` })).cookie);
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.email).toBe(bob.email);
  });

  it('an unverified email makes a new account that is not marked verified', async () => {
    const cy = person({ email_verified: false });
    const { body } = await me((await signIn(cy)).cookie);
    expect(body).toMatchObject({ email: cy.email, emailVerified: false });
  });

  it('links an existing password account when the provider vouches for the email', async () => {
    const existing = await register(mt.app, 'pwd');
    const before = await me(existing.cookie);
    // The provider spells the address differently; it is the same mailbox.
    const { cookie, callback } = await signIn(person({ email: existing.email.toUpperCase() }));
    expect(callback.status).toBe(302);
    const after = await me(cookie);
    expect(after.body.id).toBe(before.body.id);
    expect(after.body.handle).toBe(existing.handle);
    const count = await mt.db.kysely
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('email', '=', existing.email)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });

  it('takes an unverified password account back from whoever registered it (pre-hijacking)', async () => {
    // Someone registered the address first without proving they own it.
    const squatter = await register(mt.app, 'squat');
    const { cookie } = await signIn(person({ email: squatter.email }));
    const owner = await me(cookie);
    expect(owner.body.emailVerified).toBe(true);
    // The squatter's session and password no longer open the account.
    expect((await me(squatter.cookie)).status).toBe(401);
    const login = await mt.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: squatter.email, password: squatter.password },
    });
    expect(login.statusCode).toBe(401);
  });

  it('does not link an existing account on an unverified email', async () => {
    const existing = await register(mt.app, 'pwd');
    const { callback, cookie } = await signIn(person({ email: existing.email, email_verified: false }));
    expectRefused(callback, /already uses this email/);
    expect(cookie).toBe('');
  });

  it('refuses a callback whose pending cookie was tampered with', async () => {
    const { callbackUrl, jar } = await toCallback(person());
    const sealed = jar.get(baseUrl, 'mt_oidc')!;
    const [body, mac] = sealed.split('.');
    const pending = JSON.parse(Buffer.from(body!, 'base64url').toString()) as { next: string };
    pending.next = '/evil';
    jar.set(baseUrl, 'mt_oidc', `${Buffer.from(JSON.stringify(pending)).toString('base64url')}.${mac}`);
    const response = await get(callbackUrl, jar);
    expectRefused(response, /expired or was started elsewhere/);
    expect(jar.get(baseUrl, 'mt_session')).toBeUndefined();
  });

  it('refuses a genuinely signed pending cookie once it has expired', async () => {
    const { callbackUrl, jar } = await toCallback(person());
    const [body] = jar.get(baseUrl, 'mt_oidc')!.split('.');
    const pending = JSON.parse(Buffer.from(body!, 'base64url').toString()) as { expiresAt: number };
    pending.expiresAt = Date.now() - 1000;
    const resealed = Buffer.from(JSON.stringify(pending)).toString('base64url');
    jar.set(baseUrl, 'mt_oidc', `${resealed}.${hmac(loadSecretKey(mt.config.dataDir), `oidc:${resealed}`)}`);
    expectRefused(await get(callbackUrl, jar), /expired or was started elsewhere/);
  });

  it('sends the user back with the reason when the provider answers with an error', async () => {
    const { callbackUrl, jar } = await toCallback(person());
    const denied = new URL(callbackUrl);
    denied.searchParams.delete('code');
    denied.searchParams.set('error', 'access_denied');
    expectRefused(await get(denied.href, jar), /provider refused/);
  });

  it('refuses a callback without the pending cookie', async () => {
    const { callbackUrl, jar } = await toCallback(person());
    jar.set(baseUrl, 'mt_oidc', undefined);
    expectRefused(await get(callbackUrl, jar), /expired or was started elsewhere/);
  });

  it('refuses a callback with a wrong state', async () => {
    const { callbackUrl, jar } = await toCallback(person());
    const forged = new URL(callbackUrl);
    forged.searchParams.set('state', 'not-the-state-we-sent');
    expectRefused(await get(forged.href, jar), /provider refused/);
  });

  it("refuses a code delivered to another browser's sign-in (login CSRF)", async () => {
    // The attacker completes a flow and sends the callback link to a victim who started their own.
    const attacker = await toCallback(person());
    const victim = new CookieJar();
    await get(`${baseUrl}/api/v1/auth/oidc/test/start`, victim);
    expectRefused(await get(attacker.callbackUrl, victim), /provider refused/);
  });

  it('refuses to replay a callback (the code is single use)', async () => {
    const { callbackUrl, jar } = await toCallback(person());
    const pending = jar.get(baseUrl, 'mt_oidc');
    expect((await get(callbackUrl, jar)).status).toBe(302);
    jar.set(baseUrl, 'mt_oidc', pending);
    jar.set(baseUrl, 'mt_session', undefined);
    expectRefused(await get(callbackUrl, jar), /provider refused/);
  });

  it('keeps `next` on this site', async () => {
    const { callbackUrl, jar } = await toCallback(person(), new CookieJar(), '//evil.example/steal');
    const response = await get(callbackUrl, jar);
    expect(response.headers.get('location')).toBe('/account');
  });

  it('answers 404 problem+json for an unknown provider', async () => {
    const response = await fetch(`${baseUrl}/api/v1/auth/oidc/nope/start`, { redirect: 'manual' });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('answers 503 problem+json when the provider does not answer', async () => {
    const response = await fetch(`${baseUrl}/api/v1/auth/oidc/down/start`, { redirect: 'manual' });
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.json()).toMatchObject({ status: 503 });
    expect(response.headers.getSetCookie()).toEqual([]);
  });
});
