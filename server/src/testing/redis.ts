import { randomBytes } from 'node:crypto';
import { afterAll, afterEach } from 'vitest';
import { Redis } from 'ioredis';
import { createTestApp, type TestApp } from './harness.js';

/** The Redis the cross-instance tests use: scripts/test.mjs sets it when one answers on 127.0.0.1:6379 (CI starts one). */
export const testRedisUrl = process.env.MULTITUDE_TEST_REDIS_URL ?? '';

/** A clock the test moves by hand: no sleeps. */
export function manualClock(iso: string) {
  let t = Date.parse(iso);
  return {
    now: () => new Date(t),
    advance: (ms: number) => void (t += ms),
    set: (i: string) => void (t = Date.parse(i)),
  };
}

/**
 * Waits until the instance's Redis connection is ready. Its first attempt may time out when the test process is busy
 * (another instance being built): the server then counts in memory until the retry connects, which is right for a
 * server but would make a cross-instance count fail for reasons that have nothing to do with what a test checks.
 */
async function connected(t: TestApp): Promise<void> {
  const client = t.cluster.redis;
  const deadline = Date.now() + 15_000;
  while (client && client.status !== 'ready') {
    if (Date.now() > deadline) throw new Error(`the test Redis did not connect (status ${client.status})`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Server instances sharing the test Redis under a fresh key prefix, for a `describe` block: each instance is
 * closed after its test and the prefix's keys are deleted after the block. `redis` is a client to inspect keys.
 */
export function sharedRedis(kind: string) {
  const prefix = `mt:test:${randomBytes(6).toString('hex')}:${kind}:`;
  const redis = new Redis(testRedisUrl, { lazyConnect: true });
  const started: TestApp[] = [];
  afterEach(async () => {
    while (started.length) await started.pop()!.cleanup();
  });
  afterAll(async () => {
    await redis.connect().catch(() => undefined);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });
  return {
    prefix,
    redis,
    /** A server on the shared Redis; `options.config` names where the prefix goes (rateLimitPrefix, loginThrottlePrefix…). */
    async instance(options: Parameters<typeof createTestApp>[0] = {}): Promise<TestApp> {
      const t = await createTestApp({ ...options, config: { redisUrl: testRedisUrl, ...options.config } });
      started.push(t);
      // Only the shared Redis is expected to answer; a test of an unreachable one checks the fallback.
      if ((options.config?.redisUrl ?? testRedisUrl) === testRedisUrl) await connected(t);
      return t;
    },
  };
}
