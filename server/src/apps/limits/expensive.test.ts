/** Anonymous queries that may scan a whole table have their own, tighter bucket per address. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSession, createTestApp, register, type Session, type TestApp } from '../../testing/harness.js';
import { multipartBody } from '../../testing/multipart.js';
import { resolvePlans } from './plans.js';

let t: TestApp;
let owner: Session;
let rowsUrl: string;

beforeAll(async () => {
  // A small bucket to reach in a few calls: 3 at once, refilled over an hour.
  t = await createTestApp({
    config: { rateLimits: JSON.stringify({ 'anonymous-expensive': { burst: { limit: 3, windowSeconds: 3600 } } }) },
  });
  owner = await register(t.app, 'costly');
  const org = (
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/organizations',
      headers: asSession(owner),
      payload: { name: `Costly ${process.pid}` },
    })
  ).json().slug as string;
  const slug = (
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/datasets',
      headers: asSession(owner),
      payload: { title: 'Costly', organization: org, license: 'etalab-2.0', status: 'published' },
    })
  ).json().slug as string;
  const body = multipartBody({ fileName: 'c.csv', content: 'code,nom\n1,a\n2,b\n3,c\n', contentType: 'text/csv' });
  const id = (
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/datasets/${slug}/resources`,
      headers: { ...asSession(owner), ...body.headers },
      payload: body.payload,
    })
  ).json().resource.id as string;
  await t.data.runner.drain();
  rowsUrl = `/api/v1/datasets/${slug}/resources/${id}`;
});
afterAll(async () => t?.cleanup());

const get = (url: string, ip: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, remoteAddress: ip, headers });

describe('the anonymous expensive-query limit', () => {
  it('is on by default, and MULTITUDE_RATE_LIMITS can change or lift it', () => {
    expect(resolvePlans(undefined)['anonymous-expensive']!.burst).toEqual({ limit: 60, windowSeconds: 60 });
    const lifted = resolvePlans(JSON.stringify({ 'anonymous-expensive': { burst: null } }));
    expect(lifted['anonymous-expensive']!.burst).toBeNull();
  });

  it('refuses the costly queries of an address past its bucket with 429 problem+json and Retry-After', async () => {
    const ip = '198.51.100.41';
    const costly = [
      `${rowsUrl}/rows?code=1`,
      `${rowsUrl}/rows?_q=a`,
      `${rowsUrl}/rows?_facet=nom`,
      `${rowsUrl}/rows.csv`,
      `${rowsUrl}/aggregate?_group=nom&_agg=count`,
      `${rowsUrl}/stats`,
    ];
    for (const url of costly.slice(0, 3)) expect((await get(url, ip)).statusCode, url).toBe(200);
    for (const url of costly) {
      const res = await get(url, ip);
      expect(res.statusCode, url).toBe(429);
      expect(String(res.headers['content-type'])).toContain('application/problem+json');
      expect(res.json().code).toBe('rate_limited');
      expect(res.json().detail).toMatch(/sign in or use an API key/);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
    // HEAD draws on the same bucket.
    expect((await t.app.inject({ method: 'HEAD', url: `${rowsUrl}/stats`, remoteAddress: ip })).statusCode).toBe(429);
    // Cheap reads from the same address still answer: a plain page, the dataset, the catalog.
    for (const url of [`${rowsUrl}/rows?_limit=2`, `${rowsUrl}/rows?_sort=-code`, rowsUrl, '/api/v1/datasets'])
      expect((await get(url, ip)).statusCode, url).toBe(200);
    // Another address has its own bucket.
    expect((await get(`${rowsUrl}/rows?code=1`, '198.51.100.42')).statusCode).toBe(200);
  });

  it('leaves signed-in people and apps to their own plans', async () => {
    const ip = '198.51.100.43';
    for (let i = 0; i < 3; i++) expect((await get(`${rowsUrl}/stats`, ip)).statusCode).toBe(200);
    expect((await get(`${rowsUrl}/stats`, ip)).statusCode).toBe(429);
    for (let i = 0; i < 5; i++)
      expect((await get(`${rowsUrl}/stats`, ip, { cookie: owner.cookie })).statusCode).toBe(200);
    const token = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/me/tokens',
        headers: asSession(owner),
        payload: { name: 'reader', scopes: ['data:read'] },
      })
    ).json().token as string;
    for (let i = 0; i < 5; i++)
      expect((await get(`${rowsUrl}/rows.csv`, ip, { authorization: `Bearer ${token}` })).statusCode).toBe(200);
  });
});
