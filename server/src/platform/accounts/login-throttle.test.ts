import { describe, expect, it } from 'vitest';
import { createTestApp, uniqueUser, type TestApp } from '../../testing/harness.js';
import { manualClock, sharedRedis, testRedisUrl } from '../../testing/redis.js';
import { closeRedis, openRedis } from '../../kernel/redis.js';
import { sha256 } from '../../kernel/crypto.js';
import { createLoginThrottle, createRedisLoginThrottle, type LoginThrottle } from './login-throttle.js';

const REDIS_URL = testRedisUrl;

type Res = { statusCode: number; headers: Record<string, unknown>; json(): { code: string; detail: string } };
function expectProblem(res: Res, status: number, code: string) {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toContain('application/problem+json');
  expect(res.json().code).toBe(code);
}

const login = (t: TestApp, ip: string, email: string, password: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    remoteAddress: ip,
    payload: { email, password },
  });

/** One person registered, with the same email and password, on each instance (each has its own database). */
async function registerOn(instances: TestApp[], prefix: string) {
  const user = uniqueUser(prefix);
  for (const t of instances) {
    const r = await t.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: user });
    expect(r.statusCode).toBe(201);
  }
  return user;
}

/** The same sequence of calls on both throttles gives the same answers. */
async function drive(throttle: LoginThrottle, clock: { advance(ms: number): void }) {
  const answers: number[] = [];
  const ask = async (account: string, address: string) => answers.push(await throttle.retryAfter(account, address));
  // Account limit 2: two failures lock the account, from any address.
  await throttle.fail('ann', '192.0.2.1');
  await ask('ann', '192.0.2.9');
  clock.advance(10_000);
  await throttle.fail('ann', '192.0.2.2');
  await ask('ann', '192.0.2.9'); // locked until the first failure leaves the window: 50 s
  await ask('bob', '192.0.2.9'); // another account is free
  // Address limit 3: three failures from one address, on different accounts, lock the address.
  await throttle.fail('carl', '192.0.2.3');
  await throttle.fail('dan', '192.0.2.3');
  clock.advance(1500);
  await throttle.fail('eve', '192.0.2.3');
  await ask('fay', '192.0.2.3'); // until the address's first failure leaves the window: 58.5 s, rounded up
  // Sliding window: 60 s after it, the first failure of ann is out (exactly at the edge), the second still in.
  clock.advance(48_500);
  await ask('ann', '192.0.2.9');
  // A success clears the account, not the address.
  await throttle.succeed('ann');
  await ask('ann', '192.0.2.9');
  await ask('ann', '192.0.2.3'); // the address is still locked: 10 s
  clock.advance(60_000);
  await ask('fay', '192.0.2.3');
  return answers;
}

describe('sign-in throttle (in memory)', () => {
  it('counts per account and per address in a sliding window, on the given clock', async () => {
    const clock = manualClock('2026-03-10T12:00:00Z');
    const throttle = createLoginThrottle({
      perAccount: 2,
      perAddress: 3,
      windowMs: 60_000,
      now: () => clock.now().getTime(),
    });
    expect(await drive(throttle, clock)).toEqual([0, 50, 0, 59, 0, 0, 10, 0]);
  });
});

describe('sign-in throttle when Redis does not answer', () => {
  it('fails open: a correct password still signs in, failures count in this instance, with a warning', async () => {
    const t = await createTestApp({
      config: { redisUrl: 'redis://127.0.0.1:1', loginThrottlePrefix: 'mt:test:unused:' },
    });
    try {
      const user = await registerOn([t], 'open');
      const ip = '198.51.100.10';
      expect((await login(t, ip, user.email, user.password)).statusCode).toBe(200);
      for (let i = 0; i < 5; i++) expect((await login(t, ip, user.email, `guess-${i}`)).statusCode).toBe(401);
      expectProblem(await login(t, ip, user.email, user.password), 429, 'rate_limited');
      expect(t.logs()).toContain('sign-in throttle: the shared store (Redis) does not answer');
    } finally {
      await t.cleanup();
    }
  });
});

describe.skipIf(!REDIS_URL)('sign-in throttle across instances with Redis', () => {
  const shared = sharedRedis('login');
  const { prefix, redis } = shared;
  const instance = (clock: { now(): Date }) => shared.instance({ clock, config: { loginThrottlePrefix: prefix } });

  it('gives the same answers as the in-memory throttle', async () => {
    const clock = manualClock('2026-03-10T12:00:00Z');
    const client = openRedis(REDIS_URL, () => undefined);
    try {
      const throttle = createRedisLoginThrottle({
        client,
        prefix: `${prefix}unit:`,
        perAccount: 2,
        perAddress: 3,
        windowMs: 60_000,
        now: () => clock.now().getTime(),
      });
      expect(await drive(throttle, clock)).toEqual([0, 50, 0, 59, 0, 0, 10, 0]);
    } finally {
      await closeRedis(client);
    }
  });

  it('two servers against one Redis: 5 failures spread over both lock the account on both, until the window frees up', async () => {
    const clock = manualClock('2026-03-10T12:00:00Z');
    const [a, b] = [await instance(clock), await instance(clock)];
    const user = await registerOn([a, b], 'shared');
    const ip = '198.51.100.20';
    for (const [i, t] of [a, b, a, b, a].entries()) {
      expect((await login(t, ip, user.email, `guess-${i}`)).statusCode, a.logs() + b.logs()).toBe(401);
      clock.advance(1000);
    }
    for (const t of [a, b]) {
      const locked = await login(t, ip, user.email, user.password);
      expectProblem(locked, 429, 'rate_limited');
      // The first failure leaves the window 15 min after it was made, 5 s ago.
      expect(Number(locked.headers['retry-after'])).toBe(900 - 5);
    }
    // The key names no email, and expires one window after the last failure.
    await redis.connect().catch(() => undefined);
    const key = `${prefix}a:${sha256(user.email)}`;
    expect(await redis.zcard(key)).toBe(5);
    expect(await redis.pttl(key)).toBeGreaterThan(890_000);
    expect((await redis.keys(`${prefix}*`)).some((k) => k.includes('@'))).toBe(false);
    // Once the first failure is out of the window, one more attempt is allowed.
    clock.advance(900_000 - 5000);
    expect((await login(b, ip, user.email, user.password)).statusCode).toBe(200);
    expect(a.logs() + b.logs()).not.toContain('does not answer');
  });

  it("a success on one instance clears the account's count on both", async () => {
    const clock = manualClock('2026-03-10T12:00:00Z');
    const [a, b] = [await instance(clock), await instance(clock)];
    const user = await registerOn([a, b], 'clear');
    const ip = '198.51.100.30';
    for (const [i, t] of [a, b, a, b].entries())
      expect((await login(t, ip, user.email, `guess-${i}`)).statusCode).toBe(401);
    expect((await login(b, ip, user.email, user.password)).statusCode).toBe(200);
    // Four more failures: without the reset, the account would be locked at the fifth.
    for (const [i, t] of [a, b, a, b].entries())
      expect((await login(t, ip, user.email, `again-${i}`)).statusCode).toBe(401);
    expect((await login(a, ip, user.email, user.password)).statusCode).toBe(200);
    // The address keeps its count (8 failures), shared as well.
    expect(await redis.zcard(`${prefix}ip:${ip}`)).toBe(8);
  });
});
