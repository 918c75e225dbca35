import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSession, createTestApp, type Session, type TestApp } from '../../testing/harness.js';
import { newApp, newDataset, newOrganization, newUser, type TestUser } from '../../testing/fixtures.js';
import { BUCKETS, bucketOf, percentile, upperBoundMs } from './histogram.js';

describe('latency histogram', () => {
  it('puts each latency in the √2 bucket whose upper bound holds it', () => {
    expect(bucketOf(0)).toBe(0);
    expect(bucketOf(0.1)).toBe(0);
    expect(bucketOf(0.11)).toBe(1);
    expect(bucketOf(0.2)).toBe(2);
    expect(bucketOf(1)).toBe(7); // 0.1 × 2^3.5 ≈ 1.13
    expect(bucketOf(1e9)).toBe(BUCKETS - 1);
    for (const ms of [0.3, 2, 17, 250, 4000]) {
      expect(upperBoundMs(bucketOf(ms))).toBeGreaterThanOrEqual(ms);
      expect(upperBoundMs(bucketOf(ms) - 1)).toBeLessThan(ms);
    }
  });

  it('reads percentiles from the counts', () => {
    const counts = new Array<number>(BUCKETS).fill(0);
    expect(percentile(counts, 0.5)).toBeNull();
    counts[bucketOf(1)] = 90; // 90 calls around 1 ms
    counts[bucketOf(50)] = 9; // 9 around 50 ms
    counts[bucketOf(800)] = 1; // one slow one
    expect(percentile(counts, 0.5)).toBe(1.1);
    expect(percentile(counts, 0.95)).toBe(51);
    expect(percentile(counts, 0.99)).toBe(51);
    expect(percentile(counts, 1)).toBe(820);
  });
});

describe('usage analytics of apps', () => {
  let t: TestApp;
  let t0 = Date.parse('2026-03-10T10:00:00Z');
  const clock = { now: () => new Date(t0) };
  let owner: TestUser; // owns the organization and its app
  let dev: TestUser; // a third-party developer
  let admin: TestUser; // an admin of the organization
  let member: TestUser; // a plain member
  let org: string;
  let orgApp: string;
  let devApp: string;
  let orgKey: string;
  let devKey: string;

  const as = (s: Session | undefined, method: 'GET' | 'POST', url: string, payload?: object) =>
    t.app.inject({ method, url: `/api/v1${url}`, headers: s ? asSession(s) : {}, ...(payload ? { payload } : {}) });
  const withKey = (key: string, url: string) =>
    t.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: { authorization: `Bearer ${key}` } });
  async function appWithKey(s: TestUser, name: string, organization?: string) {
    const { app, key } = await newApp(t, s, { name, scopes: ['data:read'], ...(organization ? { organization } : {}) });
    return { id: app.id, key: key!.key };
  }

  beforeAll(async () => {
    t = await createTestApp({ clock });
    [owner, dev, admin, member] = [
      await newUser(t, { prefix: 'u-owner' }),
      await newUser(t, { prefix: 'u-dev' }),
      await newUser(t, { prefix: 'u-admin' }),
      await newUser(t, { prefix: 'u-member' }),
    ];
    org = (
      await newOrganization(t, owner, {
        members: [
          [admin, 'admin'],
          [member, 'member'],
        ],
      })
    ).slug;
    await newDataset(t, owner, { title: 'Usage data', slug: 'usage-ds', organization: org, license: 'CC0-1.0' });
    ({ id: orgApp, key: orgKey } = await appWithKey(owner, 'Org app', org));
    ({ id: devApp, key: devKey } = await appWithKey(dev, 'Dev app'));

    // Day 1: the organization's app lists datasets 3 times, reads one twice, misses one; the third-party app reads it once.
    for (let i = 0; i < 3; i++) expect((await withKey(orgKey, '/datasets')).statusCode).toBe(200);
    for (let i = 0; i < 2; i++) expect((await withKey(orgKey, '/datasets/usage-ds')).statusCode).toBe(200);
    expect((await withKey(orgKey, '/datasets/no-such-dataset')).statusCode).toBe(404);
    expect((await withKey(devKey, '/datasets/usage-ds')).statusCode).toBe(200);
    // Calls from people (sessions) are not app usage.
    expect((await as(owner, 'GET', '/datasets')).statusCode).toBe(200);
    // Aggregated in memory: one entry per app, day and endpoint (and dataset), not one per call.
    expect(t.apps.usage.pending()).toBe(5);
    await t.apps.usage.flush();
    expect(t.apps.usage.pending()).toBe(0);
    // Day 2: one more call, flushed on top (an upsert adds).
    t0 += 86_400_000;
    expect((await withKey(orgKey, '/datasets')).statusCode).toBe(200);
    expect((await withKey(orgKey, '/datasets/usage-ds')).statusCode).toBe(200);
    await t.apps.usage.flush();
  });
  afterAll(async () => t.cleanup());

  it('shows the owner calls per day, per endpoint with error rates and latency percentiles, and the datasets consumed', async () => {
    const res = await as(owner, 'GET', `/apps/${orgApp}/usage?from=2026-03-09&to=2026-03-11`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.app).toMatchObject({ id: orgApp, name: 'Org app', plan: 'free' });
    expect(body.totals).toMatchObject({ calls: 8, clientErrors: 1, serverErrors: 0, errorRate: 0.125 });
    expect(body.totals.latencyMs.p50).toBeGreaterThan(0);
    expect(body.days).toEqual([
      { day: '2026-03-09', calls: 0, clientErrors: 0, serverErrors: 0 },
      { day: '2026-03-10', calls: 6, clientErrors: 1, serverErrors: 0 },
      { day: '2026-03-11', calls: 2, clientErrors: 0, serverErrors: 0 },
    ]);
    expect(body.endpoints).toHaveLength(2);
    expect(body.endpoints[0]).toMatchObject({
      endpoint: 'GET /api/v1/datasets',
      method: 'GET',
      route: '/api/v1/datasets',
      calls: 4,
      clientErrors: 0,
      errorRate: 0,
    });
    expect(body.endpoints[1]).toMatchObject({
      endpoint: 'GET /api/v1/datasets/:slug',
      calls: 4,
      clientErrors: 1,
      errorRate: 0.25,
    });
    for (const e of body.endpoints) {
      expect(e.latencyMs.p50).toBeGreaterThan(0);
      expect(e.latencyMs.p99).toBeGreaterThanOrEqual(e.latencyMs.p50);
      expect(e.latencyMs.mean).toBeGreaterThan(0);
    }
    // The 404 on a made-up slug consumed no dataset.
    expect(body.datasets).toEqual([{ slug: 'usage-ds', calls: 3 }]);
  });

  it('defaults to the last 30 days and refuses bad ranges', async () => {
    const res = await as(owner, 'GET', `/apps/${orgApp}/usage`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ from: '2026-02-10', to: '2026-03-11' });
    expect(res.json().days).toHaveLength(30);
    for (const q of [
      'from=2026-03-12&to=2026-03-11',
      'from=2024-01-01&to=2026-03-11',
      'from=2026-02-30',
      'to=yesterday',
      'days=3',
    ]) {
      const bad = await as(owner, 'GET', `/apps/${orgApp}/usage?${q}`);
      expect(bad.statusCode, q).toBe(400);
      expect(bad.json().code).toBe('validation_failed');
    }
  });

  it('is for the app’s owner and its organization’s owners and admins only', async () => {
    expect((await as(admin, 'GET', `/apps/${orgApp}/usage`)).statusCode).toBe(200);
    expect((await as(dev, 'GET', `/apps/${devApp}/usage`)).json().totals.calls).toBe(1);
    for (const [who, id] of [
      [member, orgApp],
      [dev, orgApp],
      [owner, devApp],
      [admin, devApp],
    ] as const) {
      const res = await as(who, 'GET', `/apps/${id}/usage`);
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('not_found');
    }
    expect((await as(undefined, 'GET', `/apps/${orgApp}/usage`)).statusCode).toBe(401);
    // A key without apps:read cannot read usage, even its own app's.
    expect((await withKey(orgKey, `/apps/${orgApp}/usage`)).json().code).toBe('insufficient_scope');
  });

  it('shows an organization its apps and which apps consume its datasets', async () => {
    const res = await as(admin, 'GET', `/organizations/${org}/usage?from=2026-03-10&to=2026-03-11`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.apps).toEqual([
      { id: orgApp, name: 'Org app', plan: 'free', calls: 8, clientErrors: 1, serverErrors: 0, errorRate: 0.125 },
    ]);
    expect(body.consumers).toEqual([
      { appId: orgApp, appName: 'Org app', datasetSlug: 'usage-ds', calls: 3 },
      { appId: devApp, appName: 'Dev app', datasetSlug: 'usage-ds', calls: 1 },
    ]);
    const forbidden = await as(member, 'GET', `/organizations/${org}/usage`);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().code).toBe('forbidden');
    expect((await as(owner, 'GET', '/organizations/no-such-org/usage')).statusCode).toBe(404);
  });

  it('callsByApp counts calls per app since a day', async () => {
    const all = await t.apps.callsByApp([orgApp, devApp, 'app_unknown'], '2026-03-10');
    expect(Object.fromEntries(all)).toEqual({ [orgApp]: 8, [devApp]: 1 });
    const since = await t.apps.callsByApp([orgApp, devApp], '2026-03-11');
    expect(Object.fromEntries(since)).toEqual({ [orgApp]: 2 });
    expect((await t.apps.callsByApp([], '2026-03-11')).size).toBe(0);
  });

  it('writes what is left on stop', async () => {
    await t.apps.usage.flush(); // the refused call above (403) counts as the app's client error
    expect((await withKey(devKey, '/datasets')).statusCode).toBe(200);
    expect(t.apps.usage.pending()).toBe(1);
    await t.apps.stop();
    expect(t.apps.usage.pending()).toBe(0);
    expect(Object.fromEntries(await t.apps.callsByApp([devApp], '2026-03-11'))).toEqual({ [devApp]: 1 });
  });
});
