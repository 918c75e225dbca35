/**
 * Brute-force protection on login: failures are counted per account and per client address
 * in a sliding window; past the limit, attempts are refused until the window frees up.
 *
 * Two implementations of one interface:
 * - in memory (the default, one instance): the count is per process, which bounds an attacker to
 *   `limit × instances` tries per window;
 * - in Redis (when `REDIS_URL` is set): one sorted set of failure timestamps per key, shared by every
 *   instance, so the limits are exact across them. Each operation is one Lua script (atomic, one round
 *   trip). When Redis does not answer, it fails open to the in-memory count with a warning: sign-in
 *   never waits for, nor fails because of, Redis.
 *
 * Both read the server's clock (`now`), the one the tests drive; instances' clocks must agree (NTP).
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { sha256 } from '../../kernel/crypto.js';
import { firstConnection } from '../../kernel/redis.js';

export interface LoginThrottle {
  /** Seconds to wait before trying again, or 0 when an attempt is allowed. */
  retryAfter(account: string, address: string): Promise<number>;
  /** Counts a failed attempt against the account and the address. */
  fail(account: string, address: string): Promise<void>;
  /** A successful sign-in clears the account's count (not the address's). */
  succeed(account: string): Promise<void>;
}

export interface LoginThrottleOptions {
  perAccount?: number;
  perAddress?: number;
  windowMs?: number;
  /** Milliseconds since the epoch: the server's clock. */
  now?: () => number;
}

const settings = (options: LoginThrottleOptions) => ({
  perAccount: options.perAccount ?? 5,
  perAddress: options.perAddress ?? 50,
  windowMs: options.windowMs ?? 15 * 60_000,
  now: options.now ?? Date.now,
});

export function createLoginThrottle(options: LoginThrottleOptions = {}): LoginThrottle {
  const { perAccount, perAddress, windowMs, now } = settings(options);
  const failures = new Map<string, number[]>();

  const recent = (key: string) => {
    const cutoff = now() - windowMs;
    const list = (failures.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length) failures.set(key, list);
    else failures.delete(key);
    return list;
  };

  return {
    async retryAfter(account, address) {
      const checks: Array<[string, number]> = [
        [`a:${account}`, perAccount],
        [`ip:${address}`, perAddress],
      ];
      let wait = 0;
      for (const [key, limit] of checks) {
        const list = recent(key);
        if (list.length >= limit)
          wait = Math.max(wait, Math.ceil((list[list.length - limit]! + windowMs - now()) / 1000));
      }
      return wait;
    },
    async fail(account, address) {
      for (const key of [`a:${account}`, `ip:${address}`]) failures.set(key, [...recent(key), now()]);
    },
    async succeed(account) {
      failures.delete(`a:${account}`);
    },
  };
}

// KEYS: the account's set, the address's set. ARGV: now (ms), window (ms), account limit, address limit.
// Drops the failures that left the window; returns the seconds to wait (0 = allowed), the larger of the two.
const RETRY_AFTER = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local wait = 0
for i = 1, 2 do
  local limit = tonumber(ARGV[2 + i])
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  local count = redis.call('ZCARD', KEYS[i])
  if count >= limit then
    local oldest = redis.call('ZRANGE', KEYS[i], count - limit, count - limit, 'WITHSCORES')
    local w = math.ceil((tonumber(oldest[2]) + window - now) / 1000)
    if w > wait then wait = w end
  end
end
return wait
`;

// KEYS: the account's set, the address's set. ARGV: now (ms), window (ms), a unique member.
// Adds the failure to both and lets each set expire one window after its latest failure.
const FAIL = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
for i = 1, 2 do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now - window)
  redis.call('ZADD', KEYS[i], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[i], window)
end
return 0
`;

type Script = (accountKey: string, addressKey: string, ...args: string[]) => Promise<number>;

export interface RedisLoginThrottleOptions extends LoginThrottleOptions {
  client: Redis;
  /** Prefix of the keys (`mt:login:` by default; tests give each run its own). */
  prefix?: string;
  logger?: { warn(o: object, m: string): void };
}

/** The throttle shared by every instance through Redis; falls back to `createLoginThrottle` when Redis does not answer. */
export function createRedisLoginThrottle(options: RedisLoginThrottleOptions): LoginThrottle {
  const { perAccount, perAddress, windowMs, now } = settings(options);
  const { client } = options;
  const prefix = options.prefix ?? 'mt:login:';
  const memory = createLoginThrottle(options);
  client.defineCommand('multitudeLoginRetryAfter', { numberOfKeys: 2, lua: RETRY_AFTER });
  client.defineCommand('multitudeLoginFail', { numberOfKeys: 2, lua: FAIL });
  const scripts = client as unknown as { multitudeLoginRetryAfter: Script; multitudeLoginFail: Script };
  // Emails stay out of Redis: the account's key is a digest of it.
  const accountKey = (account: string) => `${prefix}a:${sha256(account)}`;
  const addressKey = (address: string) => `${prefix}ip:${address}`;

  let connecting: Promise<void> | undefined = firstConnection(client);
  let lastWarning = -Infinity;
  /** Runs against Redis; on any failure, warns (at most every 10 s) and runs the in-memory fallback. */
  async function shared<T>(remote: () => Promise<T>, local: () => Promise<T>): Promise<T> {
    try {
      if (connecting) {
        await connecting;
        connecting = undefined;
      }
      return await remote();
    } catch (err) {
      const at = now();
      if (at - lastWarning > 10_000) {
        lastWarning = at;
        options.logger?.warn(
          { err: String(err) },
          'sign-in throttle: the shared store (Redis) does not answer; counting in this instance only',
        );
      }
      return local();
    }
  }

  return {
    retryAfter: (account, address) =>
      shared(
        async () =>
          Number(
            await scripts.multitudeLoginRetryAfter.call(
              client,
              accountKey(account),
              addressKey(address),
              String(now()),
              String(windowMs),
              String(perAccount),
              String(perAddress),
            ),
          ),
        () => memory.retryAfter(account, address),
      ),
    fail: (account, address) =>
      shared(
        async () => {
          await scripts.multitudeLoginFail.call(
            client,
            accountKey(account),
            addressKey(address),
            String(now()),
            String(windowMs),
            randomBytes(8).toString('hex'),
          );
        },
        () => memory.fail(account, address),
      ),
    succeed: async (account) => {
      await memory.succeed(account);
      await shared(
        async () => {
          await client.del(accountKey(account));
        },
        async () => undefined,
      );
    },
  };
}
