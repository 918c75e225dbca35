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
  const fail = (account: string, address: string) => throttle.fail(account, address);
  // Account: 2 free failures, then 2^(n − 2) s after the latest one, capped at 8 s; from any address.
  await fail('ann', '192.0.2.1');
  await ask('ann', '192.0.2.9'); // 0
  clock.advance(10_000);
  await fail('ann', '192.0.2.1');
  await ask('ann', '192.0.2.9'); // 1 s after the latest failure
  await ask('bob', '192.0.2.9'); // another account is free
  clock.advance(1000);
  await ask('ann', '192.0.2.9'); // the delay has passed: an attempt is allowed
  await fail('ann', '192.0.2.1');
  await ask('ann', '192.0.2.9'); // 3 failures: 2 s
  for (let i = 0; i < 3; i++) await fail('ann', '192.0.2.1');
  await ask('ann', '192.0.2.9'); // 6 failures: 16 s, capped at 8 s
  clock.advance(8000);
  await ask('ann', '192.0.2.9'); // never longer than the cap: the right password gets its try
  // Address limit 3: three failures from one address, on different accounts, lock the address.
  await fail('carl', '192.0.2.3');
  await fail('dan', '192.0.2.3');
  clock.advance(1500);
  await fail('eve', '192.0.2.3');
  await ask('fay', '192.0.2.3'); // until the address's first failure leaves the window: 58.5 s, rounded up
  // A success clears the account, not the address.
  await throttle.succeed('ann');
  await ask('ann', '192.0.2.9');
  await ask('ann', '192.0.2.3'); // the address is still locked
  clock.advance(60_000);
  await ask('fay', '192.0.2.3');
  return answers;
}
const EXPECTED = [0, 1, 0, 0, 2, 8, 0, 59, 0, 59, 0];
const UNIT = { perAccount: 2, perAddress: 3, windowMs: 60_000, accountWindowMs: 600_000, maxDelayMs: 8000 };

describe('sign-in throttle (in memory)', () => {
  it('counts per account and per address in a sliding window, on the given clock', async () => {
    const clock = manualClock('2026-03-10T12:00:00Z');
    const throttle = createLoginThrottle({ ...UNIT, now: () => clock.now().getTime() });
    expect(await drive(throttle, clock)).toEqual(EXPECTED);
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
        ...UNIT,
        now: () => clock.now().getTime(),
      });
      expect(await drive(throttle, clock)).toEqual(EXPECTED);
    } finally {
      await closeRedis(client);
    }
  });

  it('two servers against one Redis: failures spread over both delay the account on both, exponentially', async () => {
    const clock = manualClock('2026-03-10T12:00:00Z');
    const [a, b] = [await instance(clock), await instance(clock)];
    const user = await registerOn([a, b], 'shared');
    const ip = '198.51.100.20';
    // Five free failures, a second apart, then a sixth at once: the account now waits 2 s after it.
    for (const [i, t] of [a, b, a, b, a].entries()) {
      expect((await login(t, ip, user.email, `guess-${i}`)).statusCode, a.logs() + b.logs()).toBe(401);
      clock.advance(1000);
    }
    expect((await login(b, ip, user.email, 'guess-5')).statusCode).toBe(401);
    for (const t of [a, b]) {
      const delayed = await login(t, ip, user.email, user.password);
      expectProblem(delayed, 429, 'rate_limited');
      expect(Number(delayed.headers['retry-after'])).toBe(2);
    }
    // The key names no email, and expires one account window (24 h) after the last failure.
    await redis.connect().catch(() => undefined);
    const key = `${prefix}a:${sha256(user.email)}`;
    expect(await redis.zcard(key)).toBe(6);
    expect(await redis.pttl(key)).toBeGreaterThan(24 * 3600_000 - 10_000);
    expect((await redis.keys(`${prefix}*`)).some((k) => k.includes('@'))).toBe(false);
    // Once the delay has passed, the right password signs in, on either instance.
    clock.advance(2000);
    expect((await login(b, ip, user.email, user.password)).statusCode).toBe(200);
    expect(a.logs() + b.logs()).not.toContain('does not answer');
  });

  it('an attacker failing without end never keeps the right password out longer than the cap', async () => {
    const clock = manualClock('2026-03-10T12:00:00Z');
    const [a] = [await instance(clock)];
    const user = await registerOn([a], 'cap');
    let waits = 0;
    // 18 failures over hours, each as soon as allowed: the delay grows to 15 min (2^10 s > 900 s) and stays there.
    for (let i = 0; i < 18; i++) {
      const r = await login(a, `203.0.113.${i % 200}`, user.email, `guess-${i}`);
      if (r.statusCode === 429) {
        waits = Number(r.headers['retry-after']);
        expect(waits).toBeLessThanOrEqual(900);
        clock.advance(waits * 1000);
        expect((await login(a, `203.0.113.${i % 200}`, user.email, `guess-${i}`)).statusCode).toBe(401);
      } else expect(r.statusCode).toBe(401);
    }
    expect(waits).toBe(900);
    const delayed = await login(a, '198.51.100.99', user.email, user.password);
    expect(Number(delayed.headers['retry-after'])).toBe(900);
    clock.advance(900_000);
    expect((await login(a, '198.51.100.99', user.email, user.password)).statusCode).toBe(200);
  }, 120_000);

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
