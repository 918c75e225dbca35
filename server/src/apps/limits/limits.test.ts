import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSession, createTestApp, register, type Session, type TestApp } from '../../testing/harness.js';
import { manualClock, sharedRedis, testRedisUrl } from '../../testing/redis.js';
import { createMemoryStore, decide, type LimitCheck } from './limiter.js';
import { resolvePlans } from './plans.js';

const REDIS_URL = testRedisUrl;

type Res = { statusCode: number; headers: Record<string, unknown>; json(): { code: string; detail: string } };
function expectProblem(res: Res, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  expect(res.json().code).toBe(code);
}
const get = (t: TestApp, ip: string, headers: Record<string, string> = {}, url = '/api/v1/datasets') =>
  t.app.inject({ method: 'GET', url, remoteAddress: ip, headers });

describe('GCRA token bucket (in memory)', () => {
  it('lets `limit` through at once, then refills one per window/limit', () => {
    const store = createMemoryStore();
    const plan = { burst: { limit: 10, windowSeconds: 10 }, daily: null };
    let now = Date.parse('2026-01-01T12:00:00Z');
    const check = (): ReturnType<typeof decide> => {
      const c: LimitCheck = { burstKey: 'k', dailyKey: 'd', plan, nowMs: now };
      return decide(c, store.check(c) as never);
    };
    const first = check();
    expect(first).toMatchObject({ allowed: true, burst: { remaining: 9, resetSeconds: 1 } });
    for (let i = 0; i < 9; i++) expect(check().allowed).toBe(true);
    const refused = check();
    expect(refused).toMatchObject({
      allowed: false,
      exceeded: 'burst',
      retryAfterSeconds: 1,
      burst: { remaining: 0, resetSeconds: 10 },
    });
    now += 999;
    expect(check().allowed).toBe(false);
    now += 1;
    expect(check()).toMatchObject({ allowed: true, burst: { remaining: 0 } });
    expect(check().allowed).toBe(false);
    now += 10_000; // a full window later the bucket is full again, never fuller
    for (let i = 0; i < 10; i++) expect(check().allowed).toBe(true);
    expect(check().allowed).toBe(false);
  });

  it('a refused request consumes neither the bucket nor the quota', () => {
    const store = createMemoryStore();
    const plan = { burst: { limit: 2, windowSeconds: 2 }, daily: 3 };
    let now = Date.parse('2026-01-01T12:00:00Z');
    const check = () => {
      const c: LimitCheck = { burstKey: 'k', dailyKey: 'd', plan, nowMs: now };
      return decide(c, store.check(c) as never);
    };
    expect(check().allowed).toBe(true);
    expect(check().allowed).toBe(true);
    expect(check()).toMatchObject({ allowed: false, exceeded: 'burst', daily: { remaining: 1 } });
    now += 1000;
    expect(check()).toMatchObject({ allowed: true, daily: { remaining: 0 } });
    now += 5000;
    expect(check()).toMatchObject({ allowed: false, exceeded: 'daily', burst: { remaining: 2 } });
  });

  it('notes what Redis allowed: the bucket drains (never past empty) and the quota counts (never past it)', () => {
    const store = createMemoryStore();
    const plan = { burst: { limit: 4, windowSeconds: 4 }, daily: 6 };
    const now = Date.parse('2026-01-01T12:00:00Z');
    const c: LimitCheck = { burstKey: 'k', dailyKey: 'd', plan, nowMs: now };
    for (let i = 0; i < 3; i++) store.note(c);
    expect(decide(c, store.check(c))).toMatchObject({
      allowed: true,
      burst: { remaining: 0 },
      daily: { remaining: 2 },
    });
    expect(store.check(c).status).toBe(1);
    // Far more noted than the bucket holds: empty, and one refill later one call passes again.
    for (let i = 0; i < 20; i++) store.note(c);
    expect(store.check(c).status).toBe(1);
    expect(store.check({ ...c, nowMs: now + 1000 }).status).toBe(2);
  });

  it('rejects malformed plan overrides at start-up', () => {
    expect(() => resolvePlans('{')).toThrow(/JSON/);
    expect(() => resolvePlans('{"free":{"burst":{"limit":0,"windowSeconds":1}}}')).toThrow(/burst/);
    expect(() => resolvePlans('{"free":{"daily":-1}}')).toThrow(/daily/);
    expect(() => resolvePlans('{"free":{"rate":1}}')).toThrow(/unknown field/);
    expect(resolvePlans('{"free":{"daily":null},"gold":{"burst":{"limit":5,"windowSeconds":1}}}')).toMatchObject({
      free: { burst: { limit: 100, windowSeconds: 10 }, daily: null },
      gold: { burst: { limit: 5, windowSeconds: 1 }, daily: null },
    });
  });
});

describe('defaults', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.cleanup());

  it('people (anonymous, signed in) are not limited unless configured: no headers', async () => {
    const res = await get(t, '192.0.2.1');
    expect(res.statusCode).toBe(200);
    expect(res.headers['ratelimit-policy']).toBeUndefined();
    expect(res.headers.ratelimit).toBeUndefined();
  });
});

describe('limits per IP and per user, over HTTP', () => {
  let t: TestApp;
  const clock = manualClock('2026-03-10T23:50:00Z');
  let alice: Session;
  let bob: Session;
  beforeAll(async () => {
    t = await createTestApp({
      clock,
      config: {
        rateLimits: JSON.stringify({
          anonymous: { burst: { limit: 3, windowSeconds: 6 }, daily: 5 },
          user: { burst: { limit: 2, windowSeconds: 10 }, daily: null },
        }),
      },
    });
    // Registration goes through the IP limit too: use an address of its own.
    alice = await registerFrom(t, '198.51.100.1', 'alice');
    bob = await registerFrom(t, '198.51.100.2', 'bob');
  });
  afterAll(async () => t.cleanup());

  it('answers with RateLimit-Policy and RateLimit, then 429 problem+json with Retry-After', async () => {
    const ip = '203.0.113.1';
    const first = await get(t, ip);
    expect(first.statusCode).toBe(200);
    expect(first.headers['ratelimit-policy']).toBe('"burst";q=3;w=6, "daily";q=5;w=86400');
    // 10 minutes to midnight UTC.
    expect(first.headers.ratelimit).toBe('"burst";r=2;t=2, "daily";r=4;t=600');
    expect((await get(t, ip)).headers.ratelimit).toBe('"burst";r=1;t=4, "daily";r=3;t=600');
    expect((await get(t, ip)).headers.ratelimit).toBe('"burst";r=0;t=6, "daily";r=2;t=600');
    const refused = await get(t, ip);
    expectProblem(refused, 429, 'rate_limited');
    expect(refused.headers['retry-after']).toBe('2');
    expect(refused.headers.ratelimit).toBe('"burst";r=0;t=6, "daily";r=2;t=600');
    expect(refused.json().detail).toMatch(/3 per 6 s/);

    // Another IP has its own bucket.
    expect((await get(t, '203.0.113.2')).statusCode).toBe(200);

    // The bucket refills at limit/window: one request every 2 s.
    clock.advance(1999);
    expect((await get(t, ip)).statusCode).toBe(429);
    clock.advance(1);
    expect((await get(t, ip)).statusCode).toBe(200);
    expect((await get(t, ip)).statusCode).toBe(429);

    // Five calls today: the daily quota is spent, whatever the bucket holds, until midnight UTC.
    clock.advance(60_000);
    const spent = await get(t, ip);
    expect(spent.statusCode).toBe(200);
    expect(spent.headers.ratelimit).toBe('"burst";r=2;t=2, "daily";r=0;t=538');
    const daily = await get(t, ip);
    expectProblem(daily, 429, 'rate_limited');
    expect(daily.headers['retry-after']).toBe('538');
    expect(daily.json().detail).toMatch(/daily quota/);
    clock.set('2026-03-11T00:00:00Z');
    const tomorrow = await get(t, ip);
    expect(tomorrow.statusCode).toBe(200);
    expect(tomorrow.headers.ratelimit).toBe('"burst";r=2;t=2, "daily";r=4;t=86400');
  });

  it('counts a signed-in user per user, whatever the IP; not against the IP', async () => {
    const ip = '203.0.113.9';
    const as = (s: Session, from: string) => get(t, from, { cookie: s.cookie });
    const first = await as(alice, ip);
    expect(first.statusCode).toBe(200);
    expect(first.headers['ratelimit-policy']).toBe('"burst";q=2;w=10');
    expect((await as(alice, '203.0.113.10')).statusCode).toBe(200);
    expectProblem(await as(alice, '203.0.113.11'), 429, 'rate_limited');
    // Bob and the anonymous visitors of the same IP are untouched.
    expect((await as(bob, ip)).statusCode).toBe(200);
    expect((await get(t, ip)).headers.ratelimit).toBe('"burst";r=2;t=2, "daily";r=4;t=86400');
  });

  it('limits the OAuth token endpoint too (per IP: the client is not yet authenticated)', async () => {
    const ip = '203.0.113.30';
    const token = () =>
      t.app.inject({
        method: 'POST',
        url: '/oauth/token',
        remoteAddress: ip,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'grant_type=client_credentials&client_id=nobody&client_secret=nothing',
      });
    for (let i = 0; i < 3; i++) {
      const res = await token();
      expect(res.statusCode).not.toBe(429);
      expect(res.headers['ratelimit-policy']).toBe('"burst";q=3;w=6, "daily";q=5;w=86400');
    }
    const refused = await token();
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBe('2');
  });

  it('leaves what is outside the API alone', async () => {
    const ip = '203.0.113.20';
    for (let i = 0; i < 5; i++) expect((await get(t, ip, {}, '/healthz')).statusCode).toBe(200);
    expect((await get(t, ip, {}, '/healthz')).headers.ratelimit).toBeUndefined();
  });
});

async function registerFrom(t: TestApp, ip: string, prefix: string): Promise<Session> {
  const original = t.app.inject.bind(t.app);
  // register() posts without headers: route it through this IP.
  const app = {
    inject: (o: { headers?: Record<string, string> }) => original({ ...o, remoteAddress: ip } as never),
  } as unknown as TestApp['app'];
  return register(app, prefix);
}

describe('limits per key and per app', () => {
  let t: TestApp;
  const clock = manualClock('2026-03-10T12:00:00Z');
  let owner: Session;
  const api = (method: 'GET' | 'POST', url: string, payload?: object) =>
    t.app.inject({
      method,
      url: `/api/v1${url}`,
      remoteAddress: '198.51.100.50',
      headers: asSession(owner),
      ...(payload ? { payload } : {}),
    });
  async function newApp(name: string) {
    const res = await api('POST', '/apps', { name, description: '', redirectUris: [] });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  }
  async function newKey(appId: string) {
    const res = await api('POST', `/apps/${appId}/keys`, { name: 'k', scopes: ['data:read'] });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().key as string;
  }
  const withKey = (key: string, ip = '203.0.113.77') => get(t, ip, { authorization: `Bearer ${key}` });

  beforeAll(async () => {
    t = await createTestApp({
      clock,
      config: {
        rateLimits: JSON.stringify({
          free: { burst: { limit: 3, windowSeconds: 3 }, daily: 5 },
          partner: { burst: { limit: 50, windowSeconds: 1 }, daily: 100 },
        }),
      },
    });
    owner = await register(t.app, 'limits-apps');
  });
  afterAll(async () => t.cleanup());

  it('a key has its own bucket; the keys of one app share its daily quota; another app is untouched', async () => {
    const appId = await newApp('Quota app');
    const [k1, k2] = [await newKey(appId), await newKey(appId)];
    const first = await withKey(k1);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.headers['ratelimit-policy']).toBe('"burst";q=3;w=3, "daily";q=5;w=86400');
    expect(first.headers.ratelimit).toBe('"burst";r=2;t=1, "daily";r=4;t=43200');
    expect((await withKey(k1)).statusCode).toBe(200);
    expect((await withKey(k1, '203.0.113.78')).statusCode).toBe(200);
    expectProblem(await withKey(k1), 429, 'rate_limited');
    // The second key's bucket is full, but the app has 2 calls left today.
    const k2first = await withKey(k2);
    expect(k2first.statusCode).toBe(200);
    expect(k2first.headers.ratelimit).toBe('"burst";r=2;t=1, "daily";r=1;t=43200');
    expect((await withKey(k2)).statusCode).toBe(200);
    const spent = await withKey(k2);
    expectProblem(spent, 429, 'rate_limited');
    expect(spent.json().detail).toMatch(/daily quota of the free plan/);
    expect(spent.headers['retry-after']).toBe('43200');

    // Another app of the same owner, and the owner himself, are counted apart.
    const other = await newKey(await newApp('Other app'));
    expect((await withKey(other)).statusCode).toBe(200);
    expect((await api('GET', '/apps')).statusCode).toBe(200);
  });

  it('a platform administrator moves an app to another plan, which applies at once; others cannot', async () => {
    const appId = await newApp('Promoted app');
    const key = await newKey(appId);
    expect((await withKey(key)).headers['ratelimit-policy']).toBe('"burst";q=3;w=3, "daily";q=5;w=86400');
    const admin = await register(t.app, 'limits-admin');
    await t.db.kysely.updateTable('users').set({ isAdmin: 1 }).where('handle', '=', admin.handle).execute();
    const setPlan = (session: Session, id: string, plan: string) =>
      t.app.inject({ method: 'PUT', url: `/api/v1/apps/${id}/plan`, headers: asSession(session), payload: { plan } });
    expectProblem(await setPlan(owner, appId, 'partner'), 403, 'forbidden');
    const unknown = await setPlan(admin, appId, 'gold');
    expectProblem(unknown, 400, 'validation_failed');
    expect(unknown.json().detail).toContain('free, partner, unlimited');
    expectProblem(await setPlan(admin, appId, 'anonymous'), 400, 'validation_failed');
    expectProblem(await setPlan(admin, 'app_nope', 'partner'), 404, 'not_found');
    expect((await setPlan(admin, appId, 'partner')).statusCode).toBe(204);
    expect((await withKey(key)).headers['ratelimit-policy']).toBe('"burst";q=50;w=1, "daily";q=100;w=86400');
    const plans = await t.app.inject({ method: 'GET', url: '/api/v1/rate-limit-plans' });
    expect(plans.json().items).toContainEqual({ name: 'partner', burst: { limit: 50, windowSeconds: 1 }, daily: 100 });
    expect(plans.json().items.map((p: { name: string }) => p.name)).toEqual(['free', 'partner', 'unlimited']);
  });

  it('reads the app plan (apps.plan), cached a short while', async () => {
    const appId = await newApp('Partner app');
    const key = await newKey(appId);
    expect((await withKey(key)).headers['ratelimit-policy']).toBe('"burst";q=3;w=3, "daily";q=5;w=86400');
    await t.db.kysely.updateTable('apps').set({ plan: 'partner' }).where('id', '=', appId).execute();
    expect((await withKey(key)).headers['ratelimit-policy']).toBe('"burst";q=3;w=3, "daily";q=5;w=86400');
    clock.advance(31_000);
    expect((await withKey(key)).headers['ratelimit-policy']).toBe('"burst";q=50;w=1, "daily";q=100;w=86400');
    await t.db.kysely.updateTable('apps').set({ plan: 'unlimited' }).where('id', '=', appId).execute();
    clock.advance(31_000);
    const unlimited = await withKey(key);
    expect(unlimited.statusCode).toBe(200);
    expect(unlimited.headers['ratelimit-policy']).toBeUndefined();
  });
});

describe.skipIf(!REDIS_URL)('across instances with Redis', () => {
  const shared = sharedRedis('rl');
  const { prefix, redis } = shared;
  const instance = (overrides: Record<string, unknown>, clock?: { now(): Date }) =>
    shared.instance({ ...(clock ? { clock } : {}), config: { rateLimitPrefix: prefix, ...overrides } });

  it('two servers against one Redis: limit 10, 6 calls on each, exactly 10 succeed', async () => {
    const clock = manualClock('2026-03-10T12:00:00Z');
    const rateLimits = JSON.stringify({ anonymous: { burst: { limit: 10, windowSeconds: 3600 }, daily: null } });
    const [a, b] = [await instance({ rateLimits }, clock), await instance({ rateLimits }, clock)];
    const ip = '203.0.113.100';
    const answers = await Promise.all([
      ...Array.from({ length: 6 }, () => get(a, ip)),
      ...Array.from({ length: 6 }, () => get(b, ip)),
    ]);
    expect(
      answers.filter((r) => r.statusCode === 200),
      a.logs() + b.logs(),
    ).toHaveLength(10);
    expect(answers.filter((r) => r.statusCode === 429)).toHaveLength(2);
    for (const r of answers.filter((x) => x.statusCode === 429)) expectProblem(r, 429, 'rate_limited');
    // A's and B's answers together count down one bucket: every remaining value appears once.
    const remaining = answers
      .filter((r) => r.statusCode === 200)
      .map((r) => Number(/r=(\d+)/.exec(String(r.headers.ratelimit))![1]))
      .sort((x, y) => x - y);
    expect(remaining).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // The bucket's key expires when it would be full again (10 × 6 min = 1 hour from now).
    await redis.connect().catch(() => undefined);
    const ttl = await redis.pttl(`${prefix}b:ip:${ip}`);
    expect(ttl).toBeGreaterThan(3_500_000);
    expect(ttl).toBeLessThanOrEqual(3_600_000);
    // Six minutes later, one more for whichever instance asks first.
    clock.advance(360_000);
    expect((await get(b, ip)).statusCode).toBe(200);
    expect((await get(a, ip)).statusCode).toBe(429);
  });

  it('the daily quota holds across instances and its counter expires after the day', async () => {
    const clock = manualClock('2026-03-10T12:00:00Z');
    const rateLimits = JSON.stringify({ anonymous: { burst: null, daily: 4 } });
    const [a, b] = [await instance({ rateLimits }, clock), await instance({ rateLimits }, clock)];
    const ip = '203.0.113.101';
    const statuses = [];
    for (const t of [a, b, a, b, a, b]) statuses.push((await get(t, ip)).statusCode);
    expect(statuses, a.logs() + b.logs()).toEqual([200, 200, 200, 200, 429, 429]);
    const day = Math.floor(clock.now().getTime() / 86_400_000);
    const ttl = await redis.ttl(`${prefix}d:ip:${ip}:${day}`);
    expect(ttl).toBeGreaterThan(12 * 3600);
    expect(ttl).toBeLessThanOrEqual(13 * 3600);
    clock.set('2026-03-11T00:00:01Z');
    expect((await get(b, ip)).statusCode).toBe(200);
  });

  it('Redis unreachable from the start: each instance allows limit / MULTITUDE_INSTANCES, never below 1', async () => {
    const alone = (limit: number) =>
      shared.instance({
        config: {
          redisUrl: 'redis://127.0.0.1:1',
          rateLimitPrefix: prefix,
          rateLimits: JSON.stringify({ anonymous: { burst: { limit, windowSeconds: 3600 }, daily: null } }),
          instancesHint: 3,
        },
      });
    const t = await alone(10);
    expect(t.apps.limitInstances.count()).toBe(3);
    const ip = '203.0.113.103';
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await get(t, ip)).statusCode);
    expect(statuses, t.logs()).toEqual([200, 200, 200, 429, 429]);
    // The headers and the problem name the share this instance enforces: floor(10 / 3) = 3.
    const refused = await get(t, ip);
    expectProblem(refused, 429, 'rate_limited');
    expect(refused.headers['ratelimit-policy']).toBe('"burst";q=3;w=3600');
    expect(t.logs()).toContain('on its share of each limit');
    // floor(2 / 3) = 0, but an instance alone always allows at least one call.
    const small = await alone(2);
    expect([(await get(small, ip)).statusCode, (await get(small, ip)).statusCode]).toEqual([200, 429]);
  });

  it('two instances count each other (heartbeat in Redis); Redis lost, each keeps to its share from where it was', async () => {
    const clock = manualClock('2026-03-10T12:00:00Z');
    const rateLimits = JSON.stringify({ anonymous: { burst: { limit: 10, windowSeconds: 3600 }, daily: null } });
    const [a, b] = [await instance({ rateLimits }, clock), await instance({ rateLimits }, clock)];
    await a.apps.limitInstances.refresh();
    await b.apps.limitInstances.refresh();
    expect(a.apps.limitInstances.count()).toBe(2);
    expect(b.apps.limitInstances.count()).toBe(2);
    const ip = '203.0.113.104';
    // Four calls counted in Redis through A: A's share (5) has 1 left in its memory.
    for (let i = 0; i < 4; i++) expect((await get(a, ip)).statusCode).toBe(200);
    a.cluster.redis!.disconnect();
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await get(a, ip)).statusCode);
    expect(statuses, a.logs()).toEqual([200, 429, 429, 429]);
    expect(a.logs()).toContain('rate limits: the shared store (Redis) does not answer');
    // The last count stays known while Redis is away; B, still connected, counts in Redis as before.
    await a.apps.limitInstances.refresh();
    expect(a.apps.limitInstances.count()).toBe(2);
    const fromB = [];
    for (let i = 0; i < 7; i++) fromB.push((await get(b, ip)).statusCode);
    expect(fromB).toEqual([200, 200, 200, 200, 200, 200, 429]);
    // An instance that stops leaves the set at once: the others' share grows at their next beat.
    await b.apps.limitInstances.stop();
    await redis.connect().catch(() => undefined);
    expect(await redis.zcard(`${prefix}instances`)).toBe(1);
  });

  it('fails open when Redis does not answer: the API stays up, counted per instance, with a warning', async () => {
    const rateLimits = JSON.stringify({ anonymous: { burst: { limit: 2, windowSeconds: 3600 }, daily: null } });
    const t = await shared.instance({
      config: { redisUrl: 'redis://127.0.0.1:1', rateLimitPrefix: prefix, rateLimits },
    });
    const ip = '203.0.113.102';
    expect((await get(t, ip)).statusCode).toBe(200);
    expect((await get(t, ip)).statusCode).toBe(200);
    expectProblem(await get(t, ip), 429, 'rate_limited');
    expect(t.logs()).toContain('rate limits: the shared store (Redis) does not answer');
  });
});
