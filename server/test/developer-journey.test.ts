/**
 * Issue 5's "Done when", played end to end on a real server listening on 127.0.0.1 (SQLite or PostgreSQL, as
 * the suite's pass decides): a newcomer registers an app, gets a key, calls the data API within limits and sees
 * 429 beyond them, a user authorizes the app through OAuth and revokes it, the newcomer subscribes a webhook and
 * receives signed deliveries that `standardwebhooks` verifies, and pages through the dataset with the SDK.
 *
 * Everything goes over HTTP (fetch, a cookie-jar browser, openid-client, the SDK); the test only drives the
 * background machinery by hand (import runner, event dispatcher, delivery worker) and moves the server's clock
 * for the rate limiter instead of sleeping.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { Webhook } from 'standardwebhooks';
import { uniqueUser, type TestApp } from '../src/testing/harness.js';
import { CookieBrowser, listenTestApp } from '../src/testing/http.js';
import { startReceiver, type Receiver } from '../src/testing/webhook-receiver.js';
import { createClient, type Row } from '../../sdk/src/index.js';

// ---- The world ----------------------------------------------------------------------------------------

const ROWS = 27;
const REDIRECT = 'http://localhost:8765/callback';
/** The `free` plan of this instance: bursts of 5, refilled one every 2 minutes; the daily quota stays 10,000. */
const BURST = { limit: 5, windowSeconds: 600 };

let t: TestApp;
let baseUrl: string;
let rx: Receiver;
/** The server's clock: the test moves it forward for the rate limiter (no sleeps). */
const clock = { offsetMs: 0, now: () => new Date(Date.now() + clock.offsetMs) };

/** A browser on this server, signing up through the API as the registration page does. */
class Browser extends CookieBrowser {
  handle = '';
  constructor() {
    super(() => baseUrl);
  }
  /** Signs up through the API, as the registration page does. */
  async signUp(prefix: string): Promise<this> {
    const user = uniqueUser(prefix);
    const res = await this.api('POST', '/auth/register', user);
    expect(res.status, await res.clone().text()).toBe(201);
    expect(this.cookies.get('mt_session')).toBeTruthy();
    this.handle = user.handle;
    return this;
  }
}

async function json<T = Record<string, unknown>>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return JSON.parse(text) as T;
}

async function expectProblem(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  const problem = (await res.json()) as { status: number; code: string; detail: string };
  expect(problem).toMatchObject({ status, code });
  return problem;
}

const bearer = (token: string, path: string) =>
  fetch(`${baseUrl}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });

beforeAll(async () => {
  rx = await startReceiver();
  // The OAuth issuer is the base URL: the server listens on its own reserved port.
  // allowPrivateUrls: the webhook receiver listens on 127.0.0.1.
  t = await listenTestApp({
    clock,
    config: { allowPrivateUrls: true, rateLimits: JSON.stringify({ free: { burst: BURST } }) },
  });
  baseUrl = t.config.baseUrl;
});
afterAll(async () => {
  await t?.cleanup();
  await rx?.close();
});

// ---- The journey --------------------------------------------------------------------------------------

describe('developer journey (issue 5, "Done when")', () => {
  const newcomer = new Browser();
  const publisher = new Browser();
  let slug: string;
  let resourceId: string;
  let app: { id: string; clientId: string; clientSecret: string };
  let key: string;

  it('1. a publisher publishes a dataset with a CSV resource of 27 rows, through the API', async () => {
    await publisher.signUp('journey-publisher');
    const org = await json<{ slug: string }>(
      await publisher.api('POST', '/organizations', { name: `Journey Town ${process.pid}` }),
      201,
    );
    const dataset = await json<{ slug: string; status: string }>(
      await publisher.api('POST', '/datasets', {
        title: `Journey communes ${process.pid}`,
        organization: org.slug,
        license: 'etalab-2.0',
        status: 'published',
      }),
      201,
    );
    expect(dataset.status).toBe('published');
    slug = dataset.slug;
    const csv = [
      'code,nom,population',
      ...Array.from({ length: ROWS }, (_, i) => `${String(i + 1).padStart(5, '0')},Commune ${i + 1},${(i + 1) * 100}`),
    ].join('\n');
    const form = new FormData();
    form.append('title', 'communes.csv');
    form.append('file', new Blob([csv], { type: 'text/csv' }), 'communes.csv');
    const { resource, job } = await json<{ resource: { id: string }; job: { id: string } | null }>(
      await publisher.api('POST', `/datasets/${slug}/resources`, form),
      201,
    );
    resourceId = resource.id;
    expect(job).not.toBeNull();
    // The import runs in the background job runner: drive it to completion.
    await t.data.runner.drain();
    const finished = await json<{ status: string; progress: { rowsRead: number } }>(
      await publisher.api('GET', `/jobs/${job!.id}`),
      200,
    );
    expect(finished).toMatchObject({ status: 'succeeded', progress: { rowsRead: ROWS } });
  });

  it('2. a newcomer signs up and registers an app: clientId and clientSecret, the secret shown once', async () => {
    await newcomer.signUp('journey-newcomer');
    app = await json(
      await newcomer.api('POST', '/apps', {
        name: 'Commune explorer',
        description: 'Maps of communes',
        homepage: 'https://explorer.example',
        redirectUris: [REDIRECT],
      }),
      201,
    );
    expect(app.id).toBeTruthy();
    expect(app.clientId).toMatch(/^mtc_/);
    expect(app.clientSecret).toMatch(/^mts_[\w-]{43}$/);
    const again = await newcomer.api('GET', `/apps/${app.id}`);
    const text = await again.text();
    expect(again.status).toBe(200);
    expect(JSON.parse(text)).toMatchObject({ id: app.id, clientId: app.clientId });
    expect(text).not.toContain(app.clientSecret);
  });

  it('3. creates an API key, shown once', async () => {
    const created = await json<{ id: string; key: string; prefix: string; scopes: string[] }>(
      await newcomer.api('POST', `/apps/${app.id}/keys`, { name: 'explorer backend', scopes: ['data:read'] }),
      201,
    );
    expect(created.key).toMatch(/^mtk_[\w-]{43}$/);
    expect(created.scopes).toEqual(['data:read']);
    key = created.key;
    const list = await newcomer.api('GET', `/apps/${app.id}/keys`);
    const text = await list.text();
    expect(list.status).toBe(200);
    expect(text).toContain(created.prefix);
    expect(text).not.toContain(key);
  });

  it('4. calls the data API with the key within the limits (RateLimit headers), gets 429 problem+json with Retry-After beyond', async () => {
    const path = `/datasets/${slug}/resources/${resourceId}/rows?_limit=5`;
    for (let i = 1; i <= BURST.limit; i++) {
      const res = await bearer(key, path);
      const page = await json<{ rows: Row[]; next: string | null }>(res, 200);
      expect(page.rows).toHaveLength(5);
      expect(page.next).toBeTruthy();
      expect(res.headers.get('ratelimit-policy')).toBe(
        `"burst";q=${BURST.limit};w=${BURST.windowSeconds}, "daily";q=10000;w=86400`,
      );
      // The bucket empties one call at a time; the app's daily quota counts every call.
      expect(res.headers.get('ratelimit')).toMatch(
        new RegExp(`^"burst";r=${BURST.limit - i};t=\\d+, "daily";r=${10000 - i};t=\\d+$`),
      );
    }
    const refused = await bearer(key, path);
    const retryAfter = Number(refused.headers.get('retry-after'));
    const problem = await expectProblem(refused, 429, 'rate_limited');
    expect(problem.detail).toContain('free');
    // The next token comes one refill interval (600 s / 5) after the bucket was emptied.
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(BURST.windowSeconds / BURST.limit);
    expect(refused.headers.get('ratelimit')).toMatch(/^"burst";r=0;t=\d+, "daily";r=9995;t=\d+$/);
    // Once Retry-After has passed (the server's clock moved, no sleep), the key gets its next token.
    clock.offsetMs += retryAfter * 1000;
    const later = await bearer(key, path);
    expect(later.status).toBe(200);
    expect(later.headers.get('ratelimit')).toMatch(/^"burst";r=0;t=\d+, /);
  });

  let oauthToken: string;
  const reader = new Browser();

  it('5. a user authorizes the app through OAuth (code + PKCE, consent) and the app calls GET /me with the token', async () => {
    await reader.signUp('journey-reader');
    // The app's side: openid-client discovers the server (RFC 8414) and authenticates with the client secret.
    const config = await oidc.discovery(
      new URL(baseUrl),
      app.clientId,
      app.clientSecret,
      oidc.ClientSecretBasic(app.clientSecret),
      { execute: [oidc.allowInsecureRequests], algorithm: 'oauth2' },
    );
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const authorizeUrl = oidc.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT,
      scope: 'profile:read data:read',
      state,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });

    // The user's browser follows the redirects to the consent screen.
    let url = authorizeUrl.href;
    for (let hop = 0; hop < 10 && !/\/oauth\/consent\/[\w-]+$/.test(new URL(url).pathname); hop++) {
      const res = await reader.fetch(url);
      expect(res.status, `${url} → ${res.status}`).toBeGreaterThanOrEqual(300);
      await res.arrayBuffer();
      url = new URL(res.headers.get('location')!, url).href;
    }
    const uid = /\/oauth\/consent\/([\w-]+)$/.exec(new URL(url).pathname)?.[1];
    expect(uid, url).toBeTruthy();
    // The consent page: the server route binds the interaction to this browser, then serves the page.
    // (Its body is the web app's page, not built for these tests: the binding cookie is what matters here.)
    await (await reader.fetch(url)).arrayBuffer();
    expect(reader.cookies.has('mt_oauth_consent')).toBe(true);
    const screen = await json<{
      app: { id: string; name: string };
      consentRequired: boolean;
      scopes: Array<{ id: string }>;
    }>(await reader.api('GET', `/oauth/interactions/${uid}`), 200);
    expect(screen).toMatchObject({ app: { id: app.id, name: 'Commune explorer' }, consentRequired: true });
    expect(screen.scopes.map((s) => s.id)).toEqual(['profile:read', 'data:read']);
    const { redirectTo } = await json<{ redirectTo: string }>(
      await reader.api('POST', `/oauth/interactions/${uid}`, { decision: 'allow' }),
      200,
    );

    // Back through the provider to the app's redirect URI, which the browser does not load: the app reads the code.
    url = new URL(redirectTo, baseUrl).href;
    for (let hop = 0; hop < 10 && !url.startsWith(REDIRECT); hop++) {
      const res = await reader.fetch(url);
      expect(res.status, `${url} → ${res.status}`).toBeGreaterThanOrEqual(300);
      await res.arrayBuffer();
      url = new URL(res.headers.get('location')!, url).href;
    }
    expect(url.startsWith(REDIRECT)).toBe(true);
    const tokens = await oidc.authorizationCodeGrant(config, new URL(url), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect(new Set(tokens.scope!.split(' '))).toEqual(new Set(['profile:read', 'data:read']));
    oauthToken = tokens.access_token;

    const me = await bearer(oauthToken, '/me');
    expect((await json<{ handle: string }>(me, 200)).handle).toBe(reader.handle);
    // The token's calls are the app's: its plan applies (a bucket per grant, the app's daily quota).
    expect(me.headers.get('ratelimit-policy')).toBe(
      `"burst";q=${BURST.limit};w=${BURST.windowSeconds}, "daily";q=10000;w=86400`,
    );
    const authorized = await json<{ items: Array<{ app: { id: string } }> }>(
      await reader.api('GET', '/me/authorized-apps'),
      200,
    );
    expect(authorized.items.map((a) => a.app.id)).toEqual([app.id]);
  });

  it('6. the user revokes the app: its token then gets 401', async () => {
    expect((await reader.api('DELETE', `/me/authorized-apps/${app.id}`)).status).toBe(204);
    await expectProblem(await bearer(oauthToken, '/me'), 401, 'unauthenticated');
    expect((await json<{ items: unknown[] }>(await reader.api('GET', '/me/authorized-apps'), 200)).items).toEqual([]);
  });

  it('7. subscribes a webhook on the dataset and receives signed deliveries that standardwebhooks verifies', async () => {
    const sub = await json<{ id: string; secret: string; status: string; app: string | null }>(
      await newcomer.api('POST', '/webhooks', {
        url: rx.url('/journey'),
        events: ['dataset.updated', 'rows.changed'],
        filters: { datasets: [slug] },
        app: app.id,
      }),
      201,
    );
    expect(sub.secret).toMatch(/^whsec_/);
    expect(sub).toMatchObject({ status: 'active', app: app.id });
    // The receiver acknowledges only what verifies with the subscription's secret.
    const receiver = new Webhook(sub.secret);
    const verified: Array<{ type: string; data: Record<string, unknown> }> = [];
    rx.on('/journey', (res, r) => {
      try {
        verified.push(
          receiver.verify(r.body, {
            'webhook-id': String(r.headers['webhook-id']),
            'webhook-timestamp': String(r.headers['webhook-timestamp']),
            'webhook-signature': String(r.headers['webhook-signature']),
          }) as (typeof verified)[number],
        );
        res.writeHead(204).end();
      } catch {
        res.writeHead(401).end();
      }
    });

    // The dataset is updated: its description by the publisher, a row through a contribution the publisher accepts.
    expect(
      (await publisher.api('PATCH', `/datasets/${slug}`, { description: 'Population of the communes, updated' }))
        .status,
    ).toBe(200);
    const proposal = await json<{ id: string }>(
      await newcomer.api('POST', `/datasets/${slug}/resources/${resourceId}/contributions`, {
        changes: [{ op: 'update', rowId: 1, values: { nom: 'Commune Une' } }],
        comment: 'Its real name',
      }),
      201,
    );
    await json(await publisher.api('POST', `/contributions/${proposal.id}/accept`, {}), 200);

    // Events → fan-out (dispatcher) → signed deliveries (worker).
    await t.dispatcher.drain();
    await t.apps.webhooks.worker.drain();
    const got = rx.at('/journey');
    expect(got).toHaveLength(2);
    for (const r of got) {
      expect(r.headers['webhook-id']).toMatch(/^msg_/);
      expect(r.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    }
    expect(verified.map((p) => p.type).sort()).toEqual(['dataset.updated', 'rows.changed']);
    const updated = verified.find((p) => p.type === 'dataset.updated')!;
    expect(updated.data).toMatchObject({
      slug,
      fields: ['description'],
      actor: { handle: publisher.handle },
      links: { datasetApi: `${baseUrl}/api/v1/datasets/${slug}` },
    });
    const changed = verified.find((p) => p.type === 'rows.changed')!;
    expect(changed.data).toMatchObject({
      dataset: slug,
      resourceId,
      rowIds: [1],
      contributionId: proposal.id,
      links: { rowsApi: `${baseUrl}/api/v1/datasets/${slug}/resources/${resourceId}/rows` },
    });
    // Tampered or signed with another secret: refused.
    const wrong = new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`);
    const headers = {
      'webhook-id': String(got[0]!.headers['webhook-id']),
      'webhook-timestamp': String(got[0]!.headers['webhook-timestamp']),
      'webhook-signature': String(got[0]!.headers['webhook-signature']),
    };
    expect(() => wrong.verify(got[0]!.body, headers)).toThrow();
    expect(() => receiver.verify(got[0]!.body.replace('}', ',"x":1}'), headers)).toThrow();
    // The delivery log: both delivered on the first attempt, acknowledged by the verifying receiver.
    const log = await json<{ items: Array<{ status: string; attempts: number; lastStatusCode: number }> }>(
      await newcomer.api('GET', `/webhooks/${sub.id}/deliveries`),
      200,
    );
    expect(log.items).toHaveLength(2);
    for (const m of log.items) expect(m).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 204 });
  });

  it('8. pages through every row of the dataset with the SDK and the key, several pages, each row once', async () => {
    // Later on: the key's bucket is full again (one window after the 429).
    clock.offsetMs += BURST.windowSeconds * 1000;
    const requests: Array<{ path: string; limit: string | null; status: number }> = [];
    const sdk = createClient({
      baseUrl,
      token: key,
      retry: false,
      fetch: async (request) => {
        const response = await fetch(request);
        const url = new URL(request.url);
        requests.push({ path: url.pathname, limit: url.searchParams.get('_limit'), status: response.status });
        return response;
      },
    });
    const dataset = await sdk.datasets.get(slug);
    expect(dataset.resources.find((r) => r.id === resourceId)?.tabular).toBe(true);
    const seen = new Map<number, number>();
    const byId = new Map<number, Row>();
    for await (const row of sdk.rows(slug, resourceId, { _limit: 10 })) {
      seen.set(row._id, (seen.get(row._id) ?? 0) + 1);
      byId.set(row._id, row);
    }
    expect(seen.size).toBe(ROWS);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect(new Set([...byId.values()].map((r) => r.population))).toEqual(
      new Set(Array.from({ length: ROWS }, (_, i) => (i + 1) * 100)),
    );
    // The accepted contribution is in the data.
    expect(byId.get(1)?.nom).toBe('Commune Une');
    const pages = requests.filter((r) => r.path.endsWith('/rows'));
    // 27 rows in pages of 10: three requests, each answered within the key's limits.
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.every((r) => r.status === 200 && r.limit === '10')).toBe(true);
  });
});
