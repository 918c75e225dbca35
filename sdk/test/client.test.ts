// The SDK against a real Multitude server listening on a loopback port (SQLite or PostgreSQL,
// as the suite's pass decides): seeded through the HTTP API, then read with the client.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { createTestApp, uniqueUser, type TestApp } from '../../server/src/testing/harness.js';
import { createClient, MultitudeError, type MultitudeClient, type Row } from '../src/index.js';

let t: TestApp;
let baseUrl: string;
let token: string;
let sdk: MultitudeClient;
let handle: string;
let slug: string;
let resourceId: string;
const ROWS = 23;

/** Signs up through the API and mints a personal access token (what a developer does once, in the browser). */
async function signUpWithToken(): Promise<{ token: string; handle: string }> {
  const user = uniqueUser('sdk');
  const registered = await fetch(`${baseUrl}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(user),
  });
  expect(registered.status, await registered.clone().text()).toBe(201);
  const cookies = registered.headers.getSetCookie().map((c) => c.split(';')[0]!);
  const csrf = cookies.find((c) => c.startsWith('mt_csrf='))!.slice('mt_csrf='.length);
  const created = await fetch(`${baseUrl}/api/v1/me/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: cookies.join('; '), 'x-csrf-token': csrf },
    body: JSON.stringify({ name: 'sdk tests', scopes: ['profile:read', 'data:read', 'data:write', 'apps:write'] }),
  });
  expect(created.status, await created.clone().text()).toBe(201);
  return { token: ((await created.json()) as { token: string }).token, handle: user.handle };
}

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  ({ token, handle } = await signUpWithToken());
  sdk = createClient({ baseUrl, token, userAgent: 'sdk-tests/1.0' });

  // A published dataset with a CSV of ROWS rows, uploaded as a multipart form with the token.
  const dataset = await sdk.POST('/api/v1/datasets', {
    body: { title: `Communes SDK ${process.pid}`, license: 'etalab-2.0', status: 'published' },
  });
  slug = dataset.slug;
  const csv = [
    'code,nom,population',
    ...Array.from({ length: ROWS }, (_, i) => `${String(i + 1).padStart(5, '0')},Commune ${i + 1},${(i + 1) * 100}`),
  ].join('\n');
  const form = new FormData();
  form.append('title', 'communes.csv');
  form.append('file', new Blob([csv], { type: 'text/csv' }), 'communes.csv');
  const uploaded = await fetch(`${baseUrl}/api/v1/datasets/${slug}/resources`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  expect(uploaded.status, await uploaded.clone().text()).toBe(201);
  const { resource, job } = (await uploaded.json()) as { resource: { id: string }; job: { id: string } | null };
  resourceId = resource.id;
  expect(job).not.toBeNull();
  // The import runs in the background job runner; the test drives it to completion.
  await t.data.runner.drain();
  const finished = await sdk.GET('/api/v1/jobs/{id}', { params: { path: { id: job!.id } } });
  expect(finished.status).toBe('succeeded');
  expect(finished.progress.rowsRead).toBe(ROWS);
});
afterAll(async () => t?.cleanup());

describe('typed calls and helpers against a real server', () => {
  it('reads the signed-in account with me()', async () => {
    const me = await sdk.me();
    expect(me.handle).toBe(handle);
    expectTypeOf(me.handle).toEqualTypeOf<string>();
  });

  it('gets a dataset with its resources', async () => {
    const dataset = await sdk.datasets.get(slug);
    expect(dataset.slug).toBe(slug);
    expect(dataset.resources.map((r) => r.id)).toContain(resourceId);
    expect(dataset.resources.find((r) => r.id === resourceId)?.tabular).toBe(true);
  });

  it('iterates every row exactly once across several keyset pages', async () => {
    const pages: number[] = [];
    for await (const page of sdk.pages('/api/v1/datasets/{slug}/resources/{id}/rows', {
      params: { path: { slug, id: resourceId }, query: { _limit: 5 } as never },
    })) {
      pages.push(page.rows.length);
    }
    expect(pages).toEqual([5, 5, 5, 5, 3]);

    const seen = new Map<number, number>();
    const codes = new Set<unknown>();
    for await (const row of sdk.rows(slug, resourceId, { _limit: 5 })) {
      expectTypeOf(row).toEqualTypeOf<Row>();
      seen.set(row._id, (seen.get(row._id) ?? 0) + 1);
      codes.add(row.code);
    }
    expect(seen.size).toBe(ROWS);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect(codes.size).toBe(ROWS);
  });

  it('passes filters and sorting through every page', async () => {
    const populations: number[] = [];
    for await (const row of sdk.rows<Row & { population: number }>(slug, resourceId, {
      population__gt: 1000,
      _sort: '-population',
      _limit: 4,
    })) {
      populations.push(row.population);
    }
    const expected = Array.from({ length: ROWS }, (_, i) => (i + 1) * 100)
      .filter((p) => p > 1000)
      .sort((a, b) => b - a);
    expect(populations).toEqual(expected);
  });

  it('lists datasets across pages without repeats', async () => {
    const extra: string[] = [];
    for (const n of [1, 2, 3])
      extra.push(
        (
          await sdk.POST('/api/v1/datasets', {
            body: { title: `Liste SDK ${n} ${process.pid}`, license: 'CC0-1.0', status: 'published' },
          })
        ).slug,
      );
    const slugs: string[] = [];
    for await (const dataset of sdk.datasets.list({ _limit: 2, _sort: 'title' })) slugs.push(dataset.slug);
    expect(new Set(slugs).size).toBe(slugs.length);
    expect(slugs).toEqual(expect.arrayContaining([slug, ...extra]));
    expect(slugs.length).toBeGreaterThanOrEqual(4);
  });

  it('surfaces a 404 as a MultitudeError with the problem and the request id', async () => {
    const error = await sdk
      .GET('/api/v1/datasets/{slug}', {
        params: { path: { slug: 'no-such-dataset' } },
        headers: { 'x-request-id': 'sdk-test-404' },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MultitudeError);
    const problem = error as MultitudeError;
    expect(problem.status).toBe(404);
    expect(problem.code).toBe('not_found');
    expect(problem.type).toMatch(/\/problems\/not_found$/);
    expect(problem.title).toBeTruthy();
    expect(problem.detail).toBeTruthy();
    expect(problem.instance).toBe('/api/v1/datasets/no-such-dataset');
    expect(problem.requestId).toBe('sdk-test-404');
    expect(problem.message).toContain('GET /api/v1/datasets/no-such-dataset → 404');
  });

  it('surfaces validation errors with their field errors', async () => {
    const error = await sdk
      .POST('/api/v1/datasets', { body: { title: 'Unknown field', license: 'CC0-1.0', hack: 1 } as never })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MultitudeError);
    const problem = error as MultitudeError;
    expect(problem.status).toBe(400);
    expect(problem.code).toBe('validation_failed');
    expect(problem.errors).toContainEqual({ field: 'hack', message: 'Unknown field' });
    expect(problem.requestId).toMatch(/.+/);
  });

  it('surfaces a wrong credential as a 401', async () => {
    const stranger = createClient({ baseUrl, token: 'mtp_not-a-real-token', retry: false });
    const error = await stranger.me().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MultitudeError);
    expect((error as MultitudeError).status).toBe(401);
  });

  it('calls a token function before each request', async () => {
    let calls = 0;
    const lazy = createClient({
      baseUrl,
      token: async () => {
        calls += 1;
        return token;
      },
    });
    expect((await lazy.me()).handle).toBe(handle);
    expect((await lazy.me()).handle).toBe(handle);
    expect(calls).toBe(2);
  });

  it('pages through the dataset with an app key (mtk_…) registered through the API', async () => {
    const app = await sdk.POST('/api/v1/apps', {
      body: { name: `SDK reader ${process.pid}`, description: 'Reads communes', redirectUris: [] },
    });
    const created = await sdk.POST('/api/v1/apps/{id}/keys', {
      params: { path: { id: app.id } },
      body: { name: 'ci', scopes: ['data:read'] },
    });
    expect(created.key).toMatch(/^mtk_/);
    const asApp = createClient({ baseUrl, token: created.key });
    const ids = new Set<number>();
    for await (const row of asApp.rows(slug, resourceId, { _limit: 10 })) ids.add(row._id);
    expect(ids.size).toBe(ROWS);
    // The key carries data:read only: writing is refused, as problem+json.
    const refused = await asApp
      .POST('/api/v1/datasets', { body: { title: 'Not allowed', license: 'CC0-1.0' } })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(MultitudeError);
    expect((refused as MultitudeError).status).toBe(403);
  });

  it('keeps the raw openapi-fetch client for callers who want { data, error, response }', async () => {
    const { data, error, response } = await sdk.raw.GET('/api/v1/datasets/{slug}', {
      params: { path: { slug: 'no-such-dataset' } },
    });
    expect(data).toBeUndefined();
    expect(response.status).toBe(404);
    expect(error).toMatchObject({ status: 404, code: 'not_found' });
  });
});
